#!/usr/bin/env bash
# UI speed benchmark, with Chromium's own timings: how long a dashboard takes to draw completely (every panel
# drawn, nothing loading), measured from the navigation's start (performance.now() in the page), median of RUNS.
#   bench/ui/ui.sh [RUNS] [SERIES]   (default 5 runs, 10 series a panel)
# 1. A 30-panel dashboard (time series, SERIES series each) over 6 hours of 15-second samples, backfilled with
#    `mlobs import` (30 x SERIES series x 1,440 samples).
# 2. Node Exporter Full (../shared/conformance/grafana, as it opens) over the last 15 minutes of a real
#    node_exporter scraped every second (Debian's prometheus-node-exporter, started on loopback for the run).
# Loopback only, bounded in time; needs dist/mlobs, chromium and tests/EndToEnd.Tests/browser/node_modules.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
series=${2:-10}
listen=127.0.0.1:19390; node_port=19391
work=$(mktemp -d /tmp/mlobs-ui-bench.XXXXXX)
[ -x dist/mlobs ] || ./build.sh >/dev/null
mkdir -p "$work/dashboards"

end_s=$(( $(date +%s) / 15 * 15 ))
start_s=$(( end_s - 6 * 3600 ))
/usr/bin/python3 bench/ui/generate.py "$work" "$start_s" "$end_s" "$series"
dist/mlobs import "$work/history.om" --data "$work/data" >"$work/import.log"
cp ../shared/conformance/grafana/node-exporter-full.json "$work/dashboards/"

cat > "$work/mlobs.yml" <<YAML
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ["127.0.0.1:$node_port"]
mlobs:
  dashboards_dir: $work/dashboards
YAML
/usr/bin/prometheus-node-exporter --web.listen-address=127.0.0.1:$node_port >"$work/node.log" 2>&1 &
node=$!
dist/mlobs serve --config "$work/mlobs.yml" --data "$work/data" --listen $listen >"$work/mlobs.log" 2>&1 &
pid=$!
cleanup() { kill $pid $node 2>/dev/null || true; wait $pid 2>/dev/null || true; }
trap cleanup EXIT
until curl -sf "http://$listen/-/ready" >/dev/null 2>&1; do sleep 0.05; done
# Node Exporter Full needs rates: a few minutes of scrapes first.
sleep "${NODE_WARMUP:-180}"

node bench/ui/ui-speed.mjs "http://$listen" "$runs" \
  "/d/bench-30?from=$((start_s * 1000))&to=$((end_s * 1000))" \
  "/d/rYdddlPWk?from=now-15m&to=now"
echo "data dir: $(du -sh "$work/data" | cut -f1); work dir $work"
