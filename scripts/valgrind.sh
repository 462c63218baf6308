#!/bin/bash
# valgrind.sh BUILD — make valgrind: pat-fcgi under memcheck behind the real
# nginx and MariaDB, through a loop of mixed requests (creations, lists,
# deletions, 401/400/404/405/413/415), then SIGTERM; passes only with zero
# errors and zero definitely/indirectly lost bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=stack.sh
. scripts/stack.sh

build=${1:-build}
rounds=${PAT_VALGRIND_ROUNDS:-30}
command -v valgrind >/dev/null || stack_die "valgrind not found (scripts/deps.sh installs it)"
trap 'stack_down "$STACK"' EXIT
trap 'exit 130' INT TERM

vlog="$(realpath -m "$build/valgrind-stack")/log/valgrind.log"
# Small Argon2 memory: memcheck runs it ~50x slower; the code path is the same.
export PAT_STACK_ARGON2_M=1024 PAT_STACK_RATE=100000r/s
export PAT_FCGI_WRAPPER="valgrind --quiet --error-exitcode=99 --leak-check=full \
--show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
--track-origins=yes --log-file=$vlog"
stack_up "$build/valgrind-stack" "$build"
base="http://127.0.0.1:$HTTP_PORT"
admin=("$build/pat-admin" --config "$STACK/etc/admin.conf")
"${admin[@]}" publisher add vg --name Valgrind >/dev/null
"${admin[@]}" member add vg vg-user --role owner >/dev/null
jwt=$("${admin[@]}" jwt --sub vg-user --ttl 3600)
auth="Authorization: Bearer $jwt"
J="Content-Type: application/json"

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
expect() { local want=$1; shift; local got; got=$(code "$@"); [ "$got" = "$want" ] || stack_die "expected $want, got $got: $*"; }

n=0
for i in $(seq 1 "$rounds"); do
	id=$(curl -s -X POST -H "$auth" -H "$J" -d "{\"name\":\"vg $i\",\"description\":\"round $i\"}" \
	    "$base/publishers/vg/tokens" | sed -n 's/.*"id" *: *"\([0-9a-f-]*\)".*/\1/p')
	[ -n "$id" ] || stack_die "creation $i failed"
	expect 200 -H "$auth" "$base/publishers/vg/tokens"
	expect 204 -X DELETE -H "$auth" "$base/publishers/vg/tokens/$id"
	expect 404 -X DELETE -H "$auth" "$base/publishers/vg/tokens/$id"
	expect 401 "$base/publishers/vg/tokens"
	expect 401 -H "Authorization: Bearer x.y.z" "$base/publishers/vg/tokens"
	expect 400 -X POST -H "$auth" -H "$J" -d '{"name":' "$base/publishers/vg/tokens"
	expect 400 -X POST -H "$auth" -H "$J" -d '{"name":"a","name":"b"}' "$base/publishers/vg/tokens"
	expect 415 -X POST -H "$auth" -d '{"name":"x"}' "$base/publishers/vg/tokens"
	expect 404 -H "$auth" "$base/publishers/nope/tokens"
	expect 405 -X PUT -H "$auth" "$base/publishers/vg/tokens"
	n=$((n + 11))
done
echo "valgrind.sh: $n requests answered as expected; stopping pat-fcgi"
# memcheck needs time to stop and check for leaks.
stack_fcgi_stop 30
rc=$FCGI_RC
cat "$vlog"
if [ "$rc" != 0 ] || [ -s "$vlog" ]; then
	echo "valgrind.sh: FAILED (exit $rc; report above, in $vlog)"
	exit 1
fi
echo "valgrind.sh: 0 errors, 0 bytes definitely or indirectly lost"
