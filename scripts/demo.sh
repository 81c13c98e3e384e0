#!/usr/bin/env bash
# Installs dependencies, builds migrate and shows its main loop on SQLite in a temp dir:
# models -> autogenerate -> upgrade -> check -> edit models -> autogenerate -> upgrade
# -> downgrade -> offline SQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
MIGRATE="$PWD/build/src/cli/migrate"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# Bold command lines only on a terminal, and never when NO_COLOR is set.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain"; "$@"; }
step "$MIGRATE" init demo
cd demo
step "$MIGRATE" revision --autogenerate -m "initial schema"
step cat versions/*_initial_schema.toml
step "$MIGRATE" upgrade head
step "$MIGRATE" check
echo
echo "# now the models change: users get a display_name, status becomes varchar(20), a new index"
sed -i 's/{ name = "email",      type = "varchar(255)", nullable = false },/{ name = "email",      type = "varchar(255)", nullable = false },\n  { name = "display_name", type = "varchar(100)" },/' models.toml
sed -i 's/{ name = "status",     type = "text",/{ name = "status",     type = "varchar(20)",/' models.toml
sed -i 's/indexes = \[ { name = "ix_users_created", columns = \["created_at"\] } \]/indexes = [ { name = "ix_users_created", columns = ["created_at"] }, { name = "ix_users_org", columns = ["org_id", "created_at"] } ]/' models.toml
sqlite3 app.db "INSERT INTO orgs (id, name) VALUES (1, 'acme'); INSERT INTO users (email, org_id) VALUES ('ann@example.com', 1), ('bob@example.com', 1);"
step "$MIGRATE" check || echo "(exit $? : differences found, as expected)"
step "$MIGRATE" revision --autogenerate -m "display name and org index"
step "$MIGRATE" upgrade head
step sqlite3 -header app.db "SELECT id, email, display_name, status FROM users"
step "$MIGRATE" history
step "$MIGRATE" downgrade -1
step "$MIGRATE" current
step sqlite3 -header app.db "SELECT id, email, status FROM users"
step "$MIGRATE" upgrade head
step "$MIGRATE" upgrade base:head --sql
echo
echo "demo finished: the environment was in $work/demo (removed on exit)"
