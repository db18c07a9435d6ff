#!/usr/bin/env bash
# Installs everything the build and the tests need: Debian packages (CJK fonts, the HarfBuzz
# subsetter, poppler, Chromium) and a virtual environment in .venv with the pinned Python packages.
#
# Supported and checked (scripts/fresh-check.sh, in CI): Debian 12 with its python3 (3.11.2) and
# Debian 13 with its python3 (3.13), x86_64. Any other Python stops here with a message.
#
# Offline: when the project comes from the bundle of `make bundle`, its wheels/ folder holds every
# package, and pip installs from it with no package index (pip install --no-index --find-links).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
started=$SECONDS
installed=""
SUPPORTED="3.11 3.13"   # the Pythons the pins are checked on; keep in step with scripts/bundle.sh

die() { printf '%s\n' "$@" >&2; exit 1; }

# --- 1. The Python: checked before anything is installed, so that an unsupported one costs nothing.
command -v "$PY" >/dev/null 2>&1 || die \
  "错误：找不到 Python（$PY）。" \
  "请先安装：apt-get install python3 python3-venv（Debian 12 / 13），或用 PYTHON=/path/to/python3 指定。"
pyver=$("$PY" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])')
case " $SUPPORTED " in
  *" ${pyver%.*} "*) ;;
  *) die \
    "错误：不支持 Python $pyver（$(command -v "$PY")）。" \
    "本项目的依赖版本只在 Python 3.11（Debian 12 自带）和 Python 3.13（Debian 13 自带）上检查过，" \
    "在其他版本上安装可能失败，或装上之后结果不同。" \
    "请在 Debian 12 或 Debian 13 上运行，或安装 Python 3.11 / 3.13 后指定它，例如：" \
    "  PYTHON=/usr/bin/python3.11 make build" ;;
esac

wheels=""
if [ -d wheels ]; then
  wheels=wheels
  arch=$(uname -m)
  [ "$arch" = x86_64 ] || die \
    "错误：离线安装包中的软件包只适用于 x86_64（amd64），本机是 $arch。" \
    "请在能访问 Python 软件包索引的机器上安装，或在 x86_64 机器上使用离线安装包。"
fi

# --- 2. Debian packages (from the machine's own Debian mirror, also on an intranet).
debs=(fonts-noto-cjk fonts-arphic-gkai00mp libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0
      poppler-utils chromium git git-lfs python3-venv)
# `setup.sh --test` (make test) adds what only the tests use: LibreOffice headless, which opens the
# Word and Excel files the project writes as a user's office suite would. `make build` never needs it.
if [ "${1:-}" = --test ]; then
  debs+=(libreoffice-calc-nogui libreoffice-writer-nogui)
fi
missing=()
for d in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$d" 2>/dev/null | grep -q "install ok installed" || missing+=("$d")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
  installed=1
fi

# --- 3. The virtual environment: made anew when it was made with another Python.
if [ ! -x .venv/bin/python ] \
   || [ "$(.venv/bin/python -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null)" != "$pyver" ]; then
  rm -rf .venv
  "$PY" -m venv .venv
fi
stamp=.venv/.requirements.sha256
want=$(cat requirements.txt constraints.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  if [ -n "$wheels" ]; then
    echo "从离线安装包安装 Python 软件包（$wheels/，不访问软件包索引）……"
    .venv/bin/pip install -q --disable-pip-version-check --no-index --find-links "$wheels" \
      -r requirements.txt -c constraints.txt
  else
    .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt -c constraints.txt
  fi
  echo "$want" > "$stamp"
  installed=1
fi
[ -z "$installed" ] || echo "依赖已安装，用时 $((SECONDS - started)) 秒。"
