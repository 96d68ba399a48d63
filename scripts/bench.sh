#!/usr/bin/env bash
# scripts/bench.sh: stackd's load harness (docs/performance.md). From any directory:
#   bash scripts/bench.sh [--pg] [--sync normal|full] [--no-pocketbase] [stackbench run flags…]
# It builds stackd and the harness (bench/cmd/stackbench), builds PocketBase once into
# $STACKD_BENCH_CACHE (default ~/.cache/stackd-bench), then starts stackd (SQLite, or with --pg on
# a throwaway PostgreSQL cluster as scripts/pg.sh starts it), PocketBase and a plain net/http
# handler, seeds the same records in each, and drives every scenario with wrk: rps, p50, p99 and
# peak RSS per server, and stackd's ratios to the handler and to PocketBase.
# Flags after ours go to `stackbench run`, e.g. --duration 5s --only 'read|list' --markdown out.md.
# --scale runs `stackbench scale` instead: a million entries loaded through the store (minutes;
# kept in $STACKD_BENCH_CACHE/scale-sqlite and reused by the next --scale run; with --pg the
# cluster and its load are new each time), then the scale scenarios with 4 clients.
# Needs wrk (Debian: apt-get install -y wrk).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source-path=SCRIPTDIR/..
. scripts/pg.sh

PG=false SYNC="" PB=true SCALE=false
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --pg) PG=true ;;
    --sync) SYNC=$2; shift ;;
    --sync=*) SYNC=${1#--sync=} ;;
    --no-pocketbase) PB=false ;;
    --scale) SCALE=true PB=false ;;
    *) args+=("$1") ;;
  esac
  shift
done

command -v wrk >/dev/null || { echo "bench.sh: wrk is missing (Debian: apt-get install -y wrk)" >&2; exit 1; }
CACHE=${STACKD_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stackd-bench}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/stackd-bench.XXXXXX")
cleanup() { pg_stop; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "building stackd and the harness"
go build -o "$TMP/stackd" ./cmd/stackd
(cd bench && go build -o "$TMP/stackbench" ./cmd/stackbench)

run=(--stackd "$TMP/stackd" --work "$TMP/work")
if [ "$SCALE" = true ]; then
  run=(--stackd "$TMP/stackd" --work "$CACHE/scale-sqlite")
  [ "$PG" = true ] && run=(--stackd "$TMP/stackd" --work "$TMP/scale-pg")
fi
if [ "$PB" = true ]; then
  # PocketBase is built once per version and go.sum: its cold build takes minutes.
  pb_hash=$(cat bench/pocketbase/go.mod bench/pocketbase/go.sum bench/pocketbase/main.go | sha256sum | cut -c1-16)
  PB_BIN=$CACHE/pocketbase-$pb_hash
  if [ ! -x "$PB_BIN" ]; then
    echo "building PocketBase into $PB_BIN (once; a cold build takes a few minutes)"
    mkdir -p "$CACHE"
    (cd bench/pocketbase && go build -o "$PB_BIN.tmp" .) && mv "$PB_BIN.tmp" "$PB_BIN"
  fi
  run+=(--pocketbase "$PB_BIN")
fi
if [ -n "$SYNC" ]; then
  # Passed only to a stackd that has the flag, so the harness runs on older builds too.
  if "$TMP/stackd" serve --help 2>&1 | grep -q -- '-sqlite-synchronous'; then
    run+=(--sqlite-synchronous "$SYNC")
  else
    echo "note: this stackd has no --sqlite-synchronous; running with its built-in setting" >&2
  fi
fi
if [ "$PG" = true ]; then
  pg_start
  echo "PostgreSQL: $STACKD_TEST_POSTGRES_URL"
  run+=(--database "$STACKD_TEST_POSTGRES_URL")
fi
mkdir -p "$TMP/work"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), $(uname -sr), $(go version | cut -d' ' -f3)"
if [ "$SCALE" = true ]; then
  "$TMP/stackbench" scale "${run[@]}" "${args[@]}"
else
  "$TMP/stackbench" run "${run[@]}" "${args[@]}"
fi
