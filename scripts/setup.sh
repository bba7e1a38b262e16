#!/usr/bin/env bash
# Prepares a fresh Debian/Ubuntu machine for Adeline. Idempotent: re-running skips what is done.
#   scripts/setup.sh          runtime: ffmpeg, npm ci (brings Node 24 from the npm registry), build
#   scripts/setup.sh --test   also what the test suite needs: mosquitto, prometheus + promtool,
#                             alertmanager (amtool), yamllint, docker-compose (config validation), openssl,
#                             chromium (headless, for the live view browser test; never downloaded by npm)
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

want_test=0
for a in "$@"; do
  case "$a" in
    --test) want_test=1 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $a (use --test or --help)" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "setup.sh: need root (or sudo) to run: $*" >&2; exit 1; fi
}

pkgs=(ffmpeg ca-certificates)
command -v npm >/dev/null || pkgs+=(nodejs npm)
if [ "$want_test" -eq 1 ]; then
  pkgs+=(mosquitto mosquitto-clients prometheus prometheus-alertmanager yamllint docker-compose openssl chromium fonts-liberation)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's packages start system services (mosquitto on :1883, prometheus on :9090, alertmanager on
# :9093) where systemd runs. The tests start their own on free ports, and a system broker on :1883
# would take the embedded broker's port, so stop and disable the ones this script just installed.
if [ "${#missing[@]}" -gt 0 ] && [ -d /run/systemd/system ]; then
  for svc in mosquitto prometheus prometheus-alertmanager; do
    if printf '%s\n' "${missing[@]}" | grep -qx "$svc"; then
      as_root systemctl disable --now "$svc" >/dev/null 2>&1 || true
    fi
  done
fi

# npm ci only when package-lock.json changed since the last install (it brings a 190 MB Node 24
# and ONNX Runtime). --ignore-scripts: no dependency needs its install script, and onnxruntime-node's
# would try to download CUDA binaries from outside the registry.
stamp=node_modules/.adeline-lock-stamp
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ] || [ ! -x node_modules/.bin/node ]; then
  say "npm ci (Node 24, ONNX Runtime, OpenTelemetry, …)"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > "$stamp"
fi
say "using $(node_modules/.bin/node --version) from node_modules/.bin/node"
say "building (tsc → dist/)"
PATH="$PWD/node_modules/.bin:$PATH" npm run --silent build
say "ready"
