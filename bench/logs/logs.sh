#!/usr/bin/env bash
# End-to-end log benchmark: dist/mlobs tails LINES JSON service-log lines (bench/logs/gen_logs.py) from one file
# and reports lines/s tailed and stored, CPU seconds, bytes on disk per raw byte, then the median latency of log
# and metric queries over all the lines through the Loki API. Loopback only; bounded by the line count.
#   bench/logs/logs.sh [LINES]   (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-1000000}
listen=127.0.0.1:19390
work=$(mktemp -d /tmp/mlobs-logbench.XXXXXX)
[ -x dist/mlobs ] || ./build.sh >/dev/null
mkdir -p "$work/logs"
python3 bench/logs/gen_logs.py "$n" --out "$work/logs/model-server.log"
raw=$(stat -c %s "$work/logs/model-server.log")

cat > "$work/bench.yml" <<YAML
scrape_configs: []
log_sources:
  - name: model-server
    paths: ["$work/logs/*.log"]
    labels: {service: model-server}
    parser: json
    label_fields: [level]
    timestamp: {field: timestamp, format: rfc3339}
YAML

metric() { curl -sf "http://$listen/metrics" | awk -v m="$1" '$1==m {print $2}'; }
cpu_s() { awk '{printf "%.2f", ($14+$15)/100}' /proc/$1/stat; }
start() {
  dist/mlobs serve --config "$work/bench.yml" --data "$work/data" --listen $listen >>"$work/mlobs.log" 2>&1 &
  pid=$!
  until curl -sf "http://$listen/-/ready" >/dev/null 2>&1; do sleep 0.01; done
}
trap 'kill $pid 2>/dev/null || true' EXIT

t0=$(date +%s.%N)
start
until [ "$(metric mlobs_log_lines_read_total)" = "$n" ]; do sleep 0.05; done
t1=$(date +%s.%N)
cpu=$(cpu_s $pid)
kill -TERM $pid; wait $pid || true
disk=$(du -cb "$work"/data/logstore.sqlite* | tail -1 | cut -f1)
awk -v n=$n -v a=$t0 -v b=$t1 -v c=$cpu -v raw=$raw -v disk=$disk 'BEGIN {
  printf "lines %d (%.1f MB raw)\ningest: %.2f s from start = %.0f lines/s; %.2f CPU s\n", n, raw/1e6, b-a, n/(b-a), c
  printf "disk: %.1f MB = %.3f x raw (%.0f bytes per line)\n", disk/1e6, disk/raw, disk/n }'

start
now=$(date +%s)
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
query() { # $1 name, $2 endpoint, $3 query, extra args
  local name=$1 ep=$2 q=$3; shift 3
  curl -sf -G "http://$listen/loki/api/v1/$ep" --data-urlencode "query=$q" "$@" -o "$work/out.json" || { echo "$name: failed"; return; }
  local ms=$(for i in 1 2 3 4 5; do curl -sf -G "http://$listen/loki/api/v1/$ep" --data-urlencode "query=$q" "$@" -o /dev/null -w '%{time_total}\n'; done | median)
  local lines=$(python3 -c "import json; d=json.load(open('$work/out.json'))['data']; print(sum(len(s.get('values', [])) + ('value' in s) for s in d['result']))")
  printf "%-58s %7.1f ms  (%s values)\n" "$name" "$(awk -v s=$ms 'BEGIN{print s*1000}')" "$lines"
}
range=(--data-urlencode "start=$(( now - 86400 ))" --data-urlencode "end=$now")
query '{service="model-server"} |= "GPU ECC error" (rare)' query_range '{service="model-server"} |= "GPU ECC error"' "${range[@]}" --data-urlencode limit=100
query '{service="model-server"} |~ "ECC error on device [37]" (regex)' query_range '{service="model-server"} |~ "ECC error on device [37]"' "${range[@]}" --data-urlencode limit=100
query '{service="model-server", level="error"} |= "timeout"' query_range '{service="model-server", level="error"} |= "timeout"' "${range[@]}" --data-urlencode limit=100
query '{service="model-server"} | json | latency_ms > 800' query_range '{service="model-server"} | json | latency_ms > 800' "${range[@]}" --data-urlencode limit=100
query 'sum by (level) (count_over_time({...}[1m])), 1m step' query_range 'sum by (level) (count_over_time({service="model-server"}[1m]))' "${range[@]}" --data-urlencode step=60
query 'sum(count_over_time({...} |= "GPU ECC" [1d])) instant' query 'sum(count_over_time({service="model-server"} |= "GPU ECC" [1d]))' --data-urlencode "time=$now"
rm -rf "$work"
