#!/bin/bash
# run.sh BUILD — the whole stack on 127.0.0.1:8080 (make run): a private
# MariaDB with the schema, a demo publisher and owner, pat-fcgi, and nginx
# with the shipped site configuration. Prints a curl command that creates a
# token. Ctrl-C stops everything it started. Data lives in BUILD/run-stack
# and starts fresh on each run.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=stack.sh
. scripts/stack.sh

build=${1:-build}
port=${PAT_RUN_PORT:-8080}
if [ -n "$(ss -Htln "sport = :$port" 2>/dev/null)" ]; then
	stack_die "127.0.0.1:$port is already in use; stop what listens there or set PAT_RUN_PORT"
fi
trap 'echo; echo "run.sh: stopping"; stack_down "$STACK"' EXIT
trap 'exit 0' INT TERM

stack_up "$build/run-stack" "$build" --port "$port"
admin=("$build/pat-admin" --config "$STACK/etc/admin.conf")
"${admin[@]}" publisher add demo-publisher --name "Demo Publisher" >/dev/null
"${admin[@]}" member add demo-publisher demo-user --role owner >/dev/null
jwt=$("${admin[@]}" jwt --sub demo-user --ttl 3600)

cat <<MSG

pat is running:
  nginx     http://127.0.0.1:$port/   (site config: nginx/pat.conf)
  pat-fcgi  $STACK/run/pat.sock   (log: $STACK/log/pat-fcgi.log)
  MariaDB   $STACK/run/mysqld.sock   (database pat)
  pat-admin ${admin[*]} --help

A demo publisher 'demo-publisher' is owned by user 'demo-user'. This JWT for
demo-user is valid for one hour. Create a token:

curl -i -X POST http://127.0.0.1:$port/publishers/demo-publisher/tokens \\
  -H 'Authorization: Bearer $jwt' \\
  -H 'Content-Type: application/json' \\
  -d '{"name":"ci","description":"publish from CI"}'

List them:

curl -s http://127.0.0.1:$port/publishers/demo-publisher/tokens -H 'Authorization: Bearer $jwt'

Press Ctrl-C to stop.
MSG
wait
