#!/usr/bin/env bash
# End-to-end ingest benchmark: dist/mlobs scrapes the reference workload in ../shared/bench
# (10 targets x 1000 series, 1 s scrapes) for DURATION seconds and reports samples/s, CPU seconds per
# million samples, RSS, data-dir bytes per sample and start-to-ready time. Loopback only; bounded in time.
#   bench/ingest.sh [DURATION_SECONDS]   (default 600)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-600}
ports_from=19201; ports_to=19210; listen=127.0.0.1:19290
work=$(mktemp -d /tmp/mlobs-bench.XXXXXX)
[ -x dist/mlobs ] || ./build.sh >/dev/null

cat > "$work/bench.yml" <<YAML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: synthetic
    static_configs:
      - targets: [$(seq -s, $ports_from $ports_to | sed -E 's/([0-9]+)/"127.0.0.1:\1"/g')]
YAML

# Start-to-ready on an empty data dir, on an otherwise idle machine: median of 5 (bench/ready.py).
read -r ready_ms ready_runs < <(python3 bench/ready.py dist/mlobs $listen "$work" 5)

python3 ../shared/bench/synthetic_exporter.py --ports $ports_from-$ports_to --series-per-target 1000 --tick 1 \
  --timestamps --duration $((duration + 60)) >"$work/exporter.log" 2>&1 &
exporter=$!
sleep 2

dist/mlobs serve --config "$work/bench.yml" --data "$work/data" --listen $listen >"$work/mlobs.log" 2>&1 &
pid=$!
until curl -sf "http://$listen/-/ready" >/dev/null 2>&1; do sleep 0.01; done

cleanup() { kill $pid $exporter 2>/dev/null || true; wait $exporter 2>/dev/null || true; }
trap cleanup EXIT

metric() { curl -sf "http://$listen/metrics" | awk -v m="$1" '$1==m {print $2}'; }
cpu_s() { awk '{printf "%.2f", ($14+$15)/100}' /proc/$pid/stat; }
rss_mib() { awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/$pid/status; }
db_bytes() { du -cb "$work"/data/tsdb.sqlite* 2>/dev/null | tail -1 | cut -f1; }

sleep 10 # let every target be scraped once, then measure a steady window
s0=$(metric mlobs_tsdb_samples_appended_total); c0=$(cpu_s); t0=$(date +%s)
peak=0
while [ $(( $(date +%s) - t0 )) -lt $duration ]; do
  sleep 10
  r=$(rss_mib); peak=$(awk -v a=$peak -v b=$r 'BEGIN{print (b>a)?b:a}')
  echo "$(( $(date +%s) - t0 )) $r $(metric mlobs_gc_committed_bytes)" >>"$work/timeline.txt" # seconds, RSS MiB, GC committed bytes
done
s1=$(metric mlobs_tsdb_samples_appended_total); c1=$(cpu_s); t1=$(date +%s)
total=$(metric mlobs_tsdb_samples_appended_total)
rss=$(rss_mib)
live_bytes=$(db_bytes)
kill -TERM $pid; wait $pid || true
stopped_bytes=$(db_bytes)
kill $exporter 2>/dev/null || true; wait $exporter 2>/dev/null || true

samples=$(awk -v a=$s0 -v b=$s1 'BEGIN{print b-a}')
echo "duration_s            $((t1 - t0))"
echo "samples_per_s         $(awk -v s=$samples -v d=$((t1 - t0)) 'BEGIN{printf "%.0f", s/d}')"
echo "cpu_s_per_1M_samples  $(awk -v c0=$c0 -v c1=$c1 -v s=$samples 'BEGIN{printf "%.2f", (c1-c0)/(s/1e6)}')"
echo "rss_mib_end           $rss (peak $peak)"
echo "samples_total         $total"
echo "bytes_per_sample_live $(awk -v b=$live_bytes -v s=$total 'BEGIN{printf "%.3f", b/s}') ($live_bytes bytes)"
echo "bytes_per_sample_stop $(awk -v b=$stopped_bytes -v s=$total 'BEGIN{printf "%.3f", b/s}') ($stopped_bytes bytes)"
echo "start_to_ready_ms     $ready_ms (median of: $ready_runs; exec to first 200 from /-/ready, empty data dir)"
echo "binary_bytes          $(stat -c %s dist/mlobs)"
echo "work dir: $work (timeline.txt: seconds, RSS MiB, GC committed bytes every 10 s)"
