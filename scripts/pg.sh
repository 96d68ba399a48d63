#!/usr/bin/env bash
# scripts/pg.sh: a throwaway PostgreSQL cluster for the tests.
# Sourced by scripts/test.sh for its functions (pg_start, pg_stop, free_port).
# Run directly, it starts a cluster, prints the STACKD_TEST_POSTGRES_URL to export, and keeps the
# cluster up until Ctrl-C, e.g. for `go test -run X ./internal/...` against PostgreSQL:
#   bash scripts/pg.sh

# free_port PORT prints the first port from PORT upwards on which nothing listens on 127.0.0.1.
free_port() {
  local port=$1
  # A successful connect means the port is taken. The redirection runs in a subshell so the fd closes.
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    port=$((port + 1))
  done
  echo "$port"
}

# pg_find_bin prints the bin directory of the newest installed PostgreSQL (Debian layout).
pg_find_bin() {
  local initdb
  initdb=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
  [ -x "$initdb" ] || return 1
  dirname "$initdb"
}

# pg_as_owner runs a command as the cluster owner: PostgreSQL refuses to run as root, so under
# root that is the "postgres" user the Debian package creates; otherwise the current user.
pg_as_owner() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- "$@"
  else
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  fi
}

# pg_start creates and starts a cluster in a fresh temp dir (PG_DIR) with trust auth, listening
# on 127.0.0.1 only, creates database stackd_test and exports STACKD_TEST_POSTGRES_URL.
# Durability is switched off: the cluster lives for one test run.
pg_start() {
  local port=55432 try
  PG_BIN=$(pg_find_bin) || { echo "pg_start: no /usr/lib/postgresql/*/bin/initdb" >&2; return 1; }
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/stackd-pg.XXXXXX")
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$PG_DIR" || return 1; fi
  # cd into PG_DIR: the owner may not be allowed to read the caller's working directory.
  if ! (cd "$PG_DIR" && pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust \
      -E UTF8 --locale=C --no-sync) >"$PG_DIR/initdb.log" 2>&1; then
    cat "$PG_DIR/initdb.log" >&2
    return 1
  fi
  # Retry a few ports: another run may grab the one we picked before the server binds it.
  for try in 1 2 3 4 5; do
    port=$(free_port "$port")
    if (cd "$PG_DIR" && pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start) >/dev/null 2>&1; then
      break
    fi
    [ "$try" -eq 5 ] && { echo "pg_start: could not start PostgreSQL:" >&2; cat "$PG_DIR/server.log" >&2; return 1; }
    port=$((port + 1))
  done
  (cd "$PG_DIR" && pg_as_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U postgres stackd_test) || return 1
  export STACKD_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/stackd_test?sslmode=disable"
}

# pg_stop stops the cluster started by pg_start, if any, and removes its directory.
pg_stop() {
  [ -n "${PG_DIR:-}" ] || return 0
  (cd "$PG_DIR" && pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop) >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  trap pg_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  pg_start
  echo "export STACKD_TEST_POSTGRES_URL='$STACKD_TEST_POSTGRES_URL'"
  echo "PostgreSQL is running in $PG_DIR; Ctrl-C stops it and removes the directory."
  while :; do sleep 1; done
fi
