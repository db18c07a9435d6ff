#!/usr/bin/env bash
# make bundle: one archive for a machine that reaches a Debian mirror but no Python package index.
#   dist/zwgk-assessment-offline.tar holds zwgk-assessment/: a clone of the committed HEAD (with its
#   history, which the site's score history and "last changed" dates read) and wheels/, every
#   package of requirements.txt + constraints.txt as a wheel for CPython 3.11 and 3.13 on x86_64
#   Linux (the Pythons of Debian 12 and 13). jieba is published only as source: it is built here
#   into a pure-Python wheel, so nothing is built on the intranet machine.
# There:  tar xf zwgk-assessment-offline.tar && cd zwgk-assessment && make build
#   scripts/setup.sh sees wheels/ and installs with pip --no-index --find-links wheels.
# Env: BUNDLE_OUT (dist/zwgk-assessment-offline.tar).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${BUNDLE_OUT:-$ROOT/dist/zwgk-assessment-offline.tar}
PIP=(.venv/bin/python -m pip --disable-pip-version-check)
PYTHONS="3.11.2 3.13"   # the oldest patch release each supported Python must install on (see setup.sh)

[ -z "$(git status --porcelain --untracked-files=no)" ] \
  || echo "注意：工作区有未提交的修改；离线安装包只含已提交的内容（HEAD）。" >&2

stage=$(mktemp -d "${TMPDIR:-/tmp}/zwgk-bundle.XXXXXX")
trap 'rm -rf "$stage"' EXIT
proj=$stage/zwgk-assessment
git clone -q --no-hardlinks "$ROOT" "$proj"
git -C "$proj" checkout -q "$(git rev-parse HEAD)"
git -C "$proj" remote remove origin
wheels=$proj/wheels
mkdir -p "$wheels"

# jieba: the only source-only package; a pure-Python wheel built once serves every Python. --use-pep517:
# an isolated build with setuptools and wheel from the index (Debian 12's venv has no `wheel`).
"${PIP[@]}" wheel -q --no-deps --use-pep517 -w "$wheels" "$(grep -E '^jieba==' constraints.txt)"

platforms=()
for minor in $(seq 17 36); do platforms+=(--platform "manylinux_2_${minor}_x86_64"); done
platforms+=(--platform manylinux2014_x86_64 --platform manylinux2010_x86_64 --platform manylinux1_x86_64)
for version in $PYTHONS; do
  abi=cp$(echo "$version" | cut -d. -f1,2 | tr -d .)
  "${PIP[@]}" download -q --only-binary=:all: --find-links "$wheels" -d "$wheels" \
    --python-version "$version" --implementation cp --abi "$abi" "${platforms[@]}" \
    -r requirements.txt -c constraints.txt
done

mkdir -p "$(dirname "$OUT")"
tar --sort=name --owner=0 --group=0 --numeric-owner -C "$stage" -cf "$OUT.tmp" zwgk-assessment
mv -f "$OUT.tmp" "$OUT"
echo "离线安装包：$OUT（$(du -h "$OUT" | cut -f1)，$(ls "$wheels" | wc -l) 个 wheel，提交 $(git rev-parse --short HEAD)）"
