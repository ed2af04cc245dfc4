#!/usr/bin/env bash
# End-to-end StatsD intake: dist/mlobs with the StatsD receiver (the Airflow mapping) on loopback UDP, blasted for
# SECONDS (default 20), as fast as the load generator can or paced to RATE events/s (second argument), by the bench
# project's load generator with the StatsdIntakeBench line mix. Reports events/s
# taken, events lost (sent but never counted: socket buffer overflow), CPU seconds per million events and RSS.
# Binds loopback only; both processes stop by themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
rate=${2:-0}
[ -x dist/mlobs ] || ./build.sh
work=$(mktemp -d)
trap 'kill $mlobs_pid 2>/dev/null || true; rm -rf "$work"' EXIT
port_http=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
port_udp=$(python3 -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
cat > "$work/mlobs.yml" <<YML
global:
  scrape_interval: 5s
statsd:
  listen_udp: 127.0.0.1:$port_udp
  mapping_config: $(pwd)/config/statsd/airflow.yml
YML
dotnet build -c Release bench/Bench/Mlobs.Bench.csproj -v q -nologo >/dev/null
dist/mlobs serve --config "$work/mlobs.yml" --data "$work/data" --listen "127.0.0.1:$port_http" >"$work/log" 2>&1 &
mlobs_pid=$!
until curl -sf "http://127.0.0.1:$port_http/-/ready" >/dev/null; do sleep 0.1; done
events() { curl -s "http://127.0.0.1:$port_http/metrics" | awk '/^mlobs_statsd_events_total/ {s+=$2} END {print s+0}'; }
cpu() { awk '{print $14+$15}' "/proc/$mlobs_pid/stat"; }
e0=$(events); c0=$(cpu); t0=$(date +%s.%N)
sent=$(dotnet bench/Bench/bin/Release/net10.0/Mlobs.Bench.dll --statsd-load 127.0.0.1 "$port_udp" "$seconds" "$rate" | awk '{print $2}')
sleep 1
e1=$(events); c1=$(cpu); t1=$(date +%s.%N)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$mlobs_pid/status")
hz=$(getconf CLK_TCK)
python3 - "$e0" "$e1" "$c0" "$c1" "$t0" "$t1" "$sent" "$rss" "$hz" "$seconds" <<'PY'
import sys
e0, e1, c0, c1, t0, t1, sent, rss, hz, seconds = map(float, sys.argv[1:])
taken = e1 - e0
cpu = (c1 - c0) / hz
print(f"events sent:           {sent:,.0f} in {seconds:.0f} s ({sent / seconds:,.0f}/s)")
print(f"events taken:          {taken:,.0f} ({taken / seconds:,.0f}/s over the send window)")
print(f"events lost (UDP):     {sent - taken:,.0f} ({(sent - taken) / sent:.1%})")
print(f"mlobs CPU:             {cpu:.1f} s ({cpu / (taken / 1e6):.2f} CPU s per million events)")
print(f"mlobs RSS at end:      {rss / 1024:.1f} MiB")
PY
