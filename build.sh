#!/usr/bin/env bash
# mlobs build script.
#   ./build.sh          publish the Native AOT binary to dist/mlobs
#   ./build.sh serve    publish, then run dist/mlobs serve on the embedded default config (extra args are passed on)
#   ./build.sh test     publish, then run every test project; ends with "N passed, N failed"
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
verb=${1:-publish}
[ $# -gt 0 ] && shift

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

apt_updated=0
apt_install() {
  if ! command -v apt-get >/dev/null; then echo "warning: cannot install $* (no apt-get)" >&2; return 0; fi
  if [ $apt_updated = 0 ]; then as_root apt-get update -qq >/dev/null || true; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_build_deps() {
  if ! command -v dotnet >/dev/null; then
    echo "error: the .NET 10 SDK (dotnet) is required and is not on PATH" >&2; exit 1
  fi
  # Native AOT links with the system C toolchain.
  if ! command -v cc >/dev/null && ! command -v clang >/dev/null; then apt_install clang; fi
}

ensure_test_deps() {
  # Real peers the end-to-end tests compare with (Debian packages); tests skip a peer only if it is missing.
  command -v prometheus-node-exporter >/dev/null || [ -x /usr/bin/prometheus-node-exporter ] || apt_install prometheus-node-exporter || true
  # promtool ships in Debian's prometheus package (the daemon it also installs is not started by the tests).
  [ -x /usr/bin/promtool ] || apt_install --no-install-recommends prometheus || true
  # Alerts are delivered to a real Alertmanager in the end-to-end tests (started on loopback by the test only).
  [ -x /usr/bin/prometheus-alertmanager ] || apt_install --no-install-recommends prometheus-alertmanager || true
  command -v python3 >/dev/null || apt_install python3 || true
  # The push intake is compared with Debian's Pushgateway, driven by the official Python client.
  [ -x /usr/bin/prometheus-pushgateway ] || apt_install --no-install-recommends prometheus-pushgateway || true
  /usr/bin/python3 -c 'import prometheus_client' 2>/dev/null || apt_install --no-install-recommends python3-prometheus-client || true
  # StatsD clients the receiver is tested with: Debian's pystatsd and npm's hot-shots (pinned in tests/EndToEnd.Tests/statsd).
  /usr/bin/python3 -c 'import statsd' 2>/dev/null || apt_install --no-install-recommends python3-statsd || true
  # The drift statistics are checked against scipy (ks_2samp, chisquare, wasserstein_distance, jensenshannon).
  /usr/bin/python3 -c 'import scipy' 2>/dev/null || apt_install --no-install-recommends python3-scipy || true
  if [ ! -f tests/EndToEnd.Tests/statsd/node_modules/.package-lock.json ] || [ tests/EndToEnd.Tests/statsd/package-lock.json -nt tests/EndToEnd.Tests/statsd/node_modules/.package-lock.json ]; then
    (cd tests/EndToEnd.Tests/statsd && npm ci --no-audit --no-fund --loglevel=error) || echo "warning: npm ci in tests/EndToEnd.Tests/statsd failed" >&2
  fi
  # The UI tests drive Debian's Chromium with playwright-core (pinned in tests/EndToEnd.Tests/browser).
  [ -x /usr/bin/chromium ] || apt_install chromium || true
  if [ ! -f tests/EndToEnd.Tests/browser/node_modules/.package-lock.json ] || [ tests/EndToEnd.Tests/browser/package-lock.json -nt tests/EndToEnd.Tests/browser/node_modules/.package-lock.json ]; then
    (cd tests/EndToEnd.Tests/browser && npm ci --no-audit --no-fund --loglevel=error) || echo "warning: npm ci in tests/EndToEnd.Tests/browser failed" >&2
  fi
}

# Front-end packages (uPlot) are pinned in src/WebUi/package-lock.json and embedded into the binary.
ensure_front_end() {
  if ! command -v npm >/dev/null; then apt_install nodejs npm; fi
  if [ ! -f src/WebUi/node_modules/.package-lock.json ] || [ src/WebUi/package-lock.json -nt src/WebUi/node_modules/.package-lock.json ]; then
    (cd src/WebUi && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci in src/WebUi failed" >&2; exit 1; }
  fi
}

# A digest of everything the binary is built from: sources, embedded config and UI, package pins, the SDK.
inputs_digest() {
  { find src config -type f -not -path '*/bin/*' -not -path '*/obj/*' -not -path '*/node_modules/*' -print0 \
      | sort -z | xargs -0 sha256sum
    sha256sum Directory.*.props global.json 2>/dev/null || true
    dotnet --version
  } | sha256sum | cut -d' ' -f1
}

publish() {
  ensure_build_deps
  ensure_front_end
  local digest
  digest=$(inputs_digest)
  if [ -x dist/mlobs ] && [ -f dist/.inputs ] && [ "$(cat dist/.inputs)" = "$digest" ]; then
    echo "dist/mlobs is up to date"; return 0
  fi
  rm -f dist/.inputs
  # Zero AOT/trim warnings is the rule: -warnaserror turns any into a failed build.
  if ! dotnet publish src/Appliance/Appliance.csproj -c Release -r linux-x64 -p:PublishAot=true -o dist --nologo \
      -v quiet -warnaserror >dist.log 2>&1; then
    cat dist.log >&2; echo "publish failed" >&2; exit 1
  fi
  [ -x dist/mlobs ] || { echo "publish failed: dist/mlobs missing" >&2; exit 1; }
  echo "$digest" > dist/.inputs
  echo "built $(du -h dist/mlobs | cut -f1) dist/mlobs"
}

run_tests() {
  ensure_test_deps
  rm -rf TestResults
  local status=0
  # The conventions in .editorconfig (layout, names, usings) hold everywhere; a difference fails the run.
  if ! dotnet format Appliance.sln --verify-no-changes -v quiet; then
    echo "dotnet format found code that does not follow .editorconfig (run: dotnet format Appliance.sln)" >&2
    status=1
  fi
  dotnet test Appliance.sln -c Release --nologo --logger "trx" --results-directory "$root/TestResults" "$@" || status=$?
  local passed=0 failed=0
  for f in TestResults/*.trx; do
    [ -f "$f" ] || continue
    local c
    c=$(grep -o '<Counters [^>]*' "$f" | head -1)
    p=$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$c"); fl=$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$c")
    passed=$((passed + p)); failed=$((failed + fl))
  done
  if [ $status -ne 0 ] && [ $failed -eq 0 ]; then failed=1; fi
  if [ -f TestResults/conformance-skips.txt ]; then
    echo "PromQL conformance: $(wc -l < TestResults/conformance-skips.txt) cases skipped as out of scope (native histograms, experimental functions), listed in TestResults/conformance-skips.txt"
  fi
  echo "$passed passed, $failed failed"
  [ $failed -eq 0 ]
}

case "$verb" in
  publish|build) publish ;;
  serve) publish; exec dist/mlobs serve "$@" ;;
  test) publish; run_tests "$@" ;;
  *) echo "usage: ./build.sh [publish|serve|test]" >&2; exit 2 ;;
esac
