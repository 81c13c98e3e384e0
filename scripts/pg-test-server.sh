#!/usr/bin/env bash
# Throwaway PostgreSQL 15 server for the test suite.
#
#   scripts/pg-test-server.sh start   # initdb (once) + start; prints the URL
#   scripts/pg-test-server.sh url     # prints the URL
#   scripts/pg-test-server.sh stop    # stops the server and removes its directory
#
# Environment: MIGRATE_PG_PORT (default 55432), MIGRATE_PG_DIR (default /tmp/migrate-pg-$PORT).
# The server listens on 127.0.0.1 only, trusts every local connection (test use only),
# runs with fsync=off and keeps its socket in its own directory. Idempotent: `start` on a
# running server just prints the URL; `stop` on a stopped one does nothing.
#
# PostgreSQL refuses to run as root, so as root every server command runs through
# `runuser -u postgres`. pg_ctl start always gets -l: without it, pg_ctl keeps the
# caller's stdout open and blocks a pipe (ctest, CI logs) until the server exits.
set -euo pipefail

PORT="${MIGRATE_PG_PORT:-55432}"
DIR="${MIGRATE_PG_DIR:-/tmp/migrate-pg-$PORT}"
BIN="/usr/lib/postgresql/15/bin"
URL="postgresql://postgres@127.0.0.1:$PORT/postgres"

log() { echo "pg-test-server: $*" >&2; }

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    # cd / so the server user never starts in an unreadable cwd (e.g. /root).
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

ensure_installed() {
  if [ -x "$BIN/initdb" ]; then return 0; fi
  if [ "$(id -u)" -ne 0 ]; then
    log "$BIN/initdb is missing and only root can install postgresql-15"
    exit 1
  fi
  log "installing postgresql-15"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null >&2
  apt-get install -y -qq postgresql-15 </dev/null >&2
}

is_running() {
  [ -f "$DIR/data/PG_VERSION" ] && as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1
}

wait_ready() {
  local i
  for i in $(seq 1 100); do
    if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres </dev/null; then
      return 0
    fi
    sleep 0.1
  done
  log "server on port $PORT did not become ready; log: $DIR/server.log"
  tail -n 20 "$DIR/server.log" >&2 || true
  exit 1
}

start() {
  ensure_installed
  if is_running; then
    wait_ready
    echo "$URL"
    return 0
  fi
  mkdir -p "$DIR"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$DIR"; fi
  if [ ! -f "$DIR/data/PG_VERSION" ]; then
    rm -rf "$DIR/data"
    as_pg "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      --no-sync </dev/null >"$DIR/initdb.log" 2>&1 || {
      log "initdb failed:"
      cat "$DIR/initdb.log" >&2
      exit 1
    }
  fi
  as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DIR -c fsync=off -c max_connections=200" \
    start </dev/null >/dev/null 2>&1 || {
    log "pg_ctl start failed; log: $DIR/server.log"
    tail -n 20 "$DIR/server.log" >&2 || true
    exit 1
  }
  wait_ready
  echo "$URL"
}

stop() {
  if is_running; then
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -w -m fast stop </dev/null >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  *)
    echo "usage: $0 start|stop|url" >&2
    exit 2
    ;;
esac
