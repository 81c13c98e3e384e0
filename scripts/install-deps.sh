#!/usr/bin/env bash
# Installs what migrate needs to build (and, with --postgres, to run its PostgreSQL tests)
# from Debian 12's packages. Run as root on a fresh machine; installs only what is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
pkgs=(g++ cmake ninja-build pkg-config libsqlite3-dev libpq-dev libmd-dev libcli11-dev libtomlplusplus-dev
      libfmt-dev catch2 nlohmann-json3-dev sqlite3 ca-certificates)
if [ "${1:-}" = "--postgres" ]; then
  pkgs+=(postgresql-15 postgresql-client-15)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: run as root (apt-get needs it)" >&2
    exit 1
  fi
  apt-get update -qq </dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
fi
