#!/usr/bin/env bash
# Builds a private copy of a committed revision (default HEAD) for benchmarking, so a run
# measures committed code only — not work in progress in the shared checkout, and without
# overwriting the shared dist/. Prints the dist directory; use it as PYRALOG_DIST:
#   PYRALOG_DIST=$(bash bench/build-snapshot.sh) node bench/wire/pgbench-select1.mjs
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
rev="$(git -C "$repo" rev-parse --short "${1:-HEAD}")"
out="${TMPDIR:-/tmp}/pyralog-bench-build/$rev"
if [ ! -f "$out/dist/.built" ]; then
  rm -rf "$out"
  mkdir -p "$out"
  git -C "$repo" archive "$rev" | tar -x -C "$out"
  ln -s "$repo/node_modules" "$out/node_modules"
  # tsc emits even when another folder has type errors; the errors are shown, not fatal, so a
  # half-finished folder elsewhere does not stop measuring the parts that work.
  (cd "$out" && ./node_modules/.bin/tsc -p tsconfig.json >&2) || echo "build-snapshot: tsc reported errors (see above); output emitted anyway" >&2
  touch "$out/dist/.built"
fi
echo "$out/dist"
