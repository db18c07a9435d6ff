#!/usr/bin/env bash
# fresh-check: do the README's two commands work on a freshly installed Debian, where nothing was
# installed by hand? Run as root (CI runs it from .ci/run after `make test`).
#
#   1. For each suite (Debian 12 bookworm, Debian 13 trixie): build a minimal root with debootstrap
#      (scripts/fresh/make-image: minbase + python3, python3-venv, python3-pip, git, make,
#      ca-certificates, curl), clone the committed branch into it and run the README's commands,
#      read from README.md's "The two commands" block, exactly as written.
#   2. In the first suite's run, also `make bundle`, and keep the offline bundle it writes.
#   3. Offline: a fresh root of FRESH_OFFLINE_SUITES gets the bundle unpacked instead of a clone,
#      and runs the same commands with PIP_NO_INDEX=1: pip may not reach any package index.
# Each run's duration goes to stdout and to $FRESH_WORK/durations.txt.
#
# Env: FRESH_BRANCH (main)            the committed branch to check (uncommitted work is not seen)
#      FRESH_SUITES ("bookworm trixie")  FRESH_OFFLINE_SUITES ("bookworm trixie"; "" to skip)
#      FRESH_WORK (/var/tmp/zwgk-fresh)  FRESH_TMPFS (8G: each root on a tmpfs of that size; "" = disk)
#      FRESH_REUSE_IMAGE=1            keep an image already built in FRESH_WORK (default: build anew)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BRANCH=${FRESH_BRANCH:-main}
SUITES=${FRESH_SUITES:-bookworm trixie}
OFFLINE_SUITES=${FRESH_OFFLINE_SUITES-bookworm trixie}
WORK=${FRESH_WORK:-/var/tmp/zwgk-fresh}
export FRESH_TMPFS=${FRESH_TMPFS-8G}
log() { printf '[fresh-check] %s\n' "$*" >&2; }

[ "$(id -u)" = 0 ] || { log "must run as root (debootstrap, chroot, mounts)"; exit 2; }
export DEBIAN_FRONTEND=noninteractive
if ! command -v debootstrap >/dev/null || ! command -v zstd >/dev/null; then
  apt-get update -q && apt-get install -y -q debootstrap zstd
fi
git rev-parse -q --verify "refs/heads/$BRANCH^{commit}" >/dev/null \
  || { log "no branch '$BRANCH' in $ROOT"; exit 2; }

# The README's commands, as written in its "The two commands" block (comments dropped).
mapfile -t commands < <(awk '/^## The two commands/ { f = 1 } f && /^```sh/ { b = 1; next }
                             b && /^```/ { exit } b { sub(/[[:space:]]*#.*/, ""); if ($0 != "") print }' README.md)
[ "${commands[*]}" = "make build make test" ] || { log "README's commands not found: ${commands[*]}"; exit 2; }
timed() { printf 's=$SECONDS; %s; echo "[fresh-check] %s: $((SECONDS - s))s"' "$1" "$1"; }
readme="set -e; $(timed "${commands[0]}"); $(timed "${commands[1]}")"

mkdir -p "$WORK"
bundle=$WORK/bundle.tar
rm -f "$bundle"
summary=$WORK/durations.txt
: > "$summary"
commit=$(git rev-parse --short "refs/heads/$BRANCH")
failed=0

run() {  # label suite [extra env...] -- command
  local label=$1 suite=$2; shift 2
  local t0=$SECONDS rc=0 out
  out=$WORK/$label.log
  log "$label: Debian $suite, branch $BRANCH ($commit)"
  env FRESH_BASE="$WORK/$suite" FRESH_BRANCH="$BRANCH" "$@" 2>&1 | tee "$out" || rc=${PIPESTATUS[0]}
  printf '%-22s %-9s rc=%s  %4ds  (%s)\n' "$label" "$suite" "$rc" $((SECONDS - t0)) "$commit" | tee -a "$summary"
  return "$rc"
}

first=1
for suite in $SUITES; do
  if [ -z "${FRESH_REUSE_IMAGE:-}" ] || [ ! -f "$WORK/$suite/image.tar.zst" ]; then
    t0=$SECONDS
    FRESH_BASE="$WORK/$suite" FRESH_SUITE="$suite" scripts/fresh/make-image
    printf '%-22s %-9s rc=0  %4ds\n' "image" "$suite" $((SECONDS - t0)) | tee -a "$summary"
  fi
  if [ $first = 1 ] && [ -n "$OFFLINE_SUITES" ]; then   # also make the offline bundle, on a fresh machine
    run "online-$suite" "$suite" FRESH_SAVE="/root/project/dist/zwgk-assessment-offline.tar $bundle" \
      scripts/fresh/run-fresh "$ROOT" "$readme; $(timed "make bundle")" || failed=1
  else
    run "online-$suite" "$suite" scripts/fresh/run-fresh "$ROOT" "$readme" || failed=1
  fi
  first=0
done

for suite in $OFFLINE_SUITES; do
  [ -f "$bundle" ] || { log "no offline bundle (the online run failed?)"; failed=1; break; }
  [ -f "$WORK/$suite/image.tar.zst" ] || FRESH_BASE="$WORK/$suite" FRESH_SUITE="$suite" scripts/fresh/make-image
  if run "offline-$suite" "$suite" FRESH_BUNDLE="$bundle" FRESH_ENV="PIP_NO_INDEX=1" \
       scripts/fresh/run-fresh "$ROOT" "$readme"; then
    grep -q "从离线安装包安装" "$WORK/offline-$suite.log" \
      || { log "offline-$suite: the set-up did not install from the bundle"; failed=1; }
  else
    failed=1
  fi
done

log "durations (also in $summary):"
cat "$summary" >&2
exit $failed
