#!/usr/bin/env bash
# `mlobs drift REFERENCE CURRENT` on a pair of generated CSVs of ROWS rows × COLUMNS columns (defaults 1,000,000 × 50:
# four in five numeric, the rest categories; every third numeric column shifted in the current file), as a CI step
# would run it. Reports wall time, rows per second (both files), CPU seconds and peak RSS. The files are written by
# the bench project's generator into a temp dir and removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
columns=${2:-50}
[ -x dist/mlobs ] || ./build.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build -c Release bench/Bench/Mlobs.Bench.csproj -v q -nologo >/dev/null
gen=bench/Bench/bin/Release/net10.0/Mlobs.Bench.dll
dotnet "$gen" --drift-csv "$work/reference.csv" "$rows" "$columns" 1 0 &
dotnet "$gen" --drift-csv "$work/current.csv" "$rows" "$columns" 2 0.05 &
wait
echo "files: $(du -h "$work/reference.csv" | cut -f1) + $(du -h "$work/current.csv" | cut -f1)"
set +e
/usr/bin/time -f "%e s wall, %U s user, %S s sys, %M KB peak RSS" dist/mlobs drift "$work/reference.csv" "$work/current.csv" > "$work/out.txt" 2> "$work/time.txt"
code=$?
set -e
tail -3 "$work/out.txt"
cat "$work/time.txt"
wall=$(tail -1 "$work/time.txt" | awk '{print $1}')
echo "exit $code; $(awk -v r="$rows" -v w="$wall" 'BEGIN {printf "%.0f rows/s (both files: %.0f)", r/w, 2*r/w}')"
