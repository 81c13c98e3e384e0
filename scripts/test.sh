#!/usr/bin/env bash
# Installs dependencies (PostgreSQL included), starts a throwaway PostgreSQL on 127.0.0.1,
# builds migrate, runs the whole test suite on both dialects, then runs it again built
# with AddressSanitizer + UndefinedBehaviorSanitizer. The server is stopped and removed at
# the end. PostgreSQL tests never skip here (MIGRATE_REQUIRE_PG=1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --postgres
# A port nothing listens on yet (another server may hold the default one).
if [ -z "${MIGRATE_PG_PORT:-}" ]; then
  for port in $(seq 55432 55532); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then MIGRATE_PG_PORT=$port; break; fi
  done
fi
export MIGRATE_PG_PORT="${MIGRATE_PG_PORT:-55432}"
trap 'bash scripts/pg-test-server.sh stop || true' EXIT
MIGRATE_TEST_PG_URL=$(bash scripts/pg-test-server.sh start)
export MIGRATE_TEST_PG_URL MIGRATE_REQUIRE_PG=1

echo "== build (warnings are errors)"
BUILD_DIR=build bash scripts/build.sh -DMIGRATE_WERROR=ON
echo "== tests"
ctest --test-dir build -j 2 --output-on-failure --timeout 600

if [ "${MIGRATE_SKIP_SANITIZERS:-0}" != "1" ]; then
  echo "== build with ASan + UBSan"
  BUILD_DIR=build-asan BUILD_TYPE=Debug bash scripts/build.sh -DMIGRATE_SANITIZE=ON
  echo "== tests under sanitizers"
  ASAN_OPTIONS=detect_leaks=1 ctest --test-dir build-asan -j 2 --output-on-failure --timeout 900
fi
