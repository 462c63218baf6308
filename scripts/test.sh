#!/bin/bash
# test.sh BUILD — every Criterion suite against a private stack (MariaDB,
# pat-fcgi, nginx) started here and stopped on exit. Suites named
# test_fault_* disturb the stack (kill MariaDB, restart pat-fcgi) and run
# last, alone. Prints each suite's Criterion summary and a total line;
# exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=stack.sh
. scripts/stack.sh

build=${1:-build}
dir="$build/stack"
trap 'stack_down "$STACK"' EXIT
trap 'exit 130' INT TERM

echo "test.sh: starting a private stack in $dir"
stack_up "$dir" "$build"
eval "$(stack_exports)"
echo "test.sh: MariaDB on $PAT_TEST_MYSQL_SOCKET, nginx on 127.0.0.1:$PAT_TEST_HTTP_PORT"

passed=0 failed=0 crashed=0 bad=()
run_suite() {
	local t=$1 out rc
	out="$STACK/log/$(basename "$t").out"
	echo "=== $(basename "$t")"
	set +e
	"$t" --ascii ${CRITERION_OPTS:-} > "$out" 2>&1
	rc=$?
	set -e
	grep -E '^\[(----|FAIL|ERR|WARN)\]|Synthesis' "$out" | grep -v '^\[----\] Criterion' || true
	local syn
	syn=$(grep -E 'Synthesis: Tested: ' "$out" | tail -1)
	if [ -z "$syn" ]; then
		echo "    (no Criterion summary: exit $rc; see $out)"
		tail -20 "$out"
		bad+=("$(basename "$t")")
		failed=$((failed + 1))
		return
	fi
	local p f c
	p=$(sed -E 's/.*Passing: ([0-9]+).*/\1/' <<<"$syn")
	f=$(sed -E 's/.*Failing: ([0-9]+).*/\1/' <<<"$syn")
	c=$(sed -E 's/.*Crashing: ([0-9]+).*/\1/' <<<"$syn")
	passed=$((passed + p)); failed=$((failed + f)); crashed=$((crashed + c))
	if [ "$rc" != 0 ] || [ "$f" != 0 ] || [ "$c" != 0 ]; then
		bad+=("$(basename "$t")")
	fi
}

for t in "$build"/tests/test_*; do
	case $(basename "$t") in *.o|*.d|test_fault_*) continue ;; esac
	[ -x "$t" ] && run_suite "$t"
done
for t in "$build"/tests/test_fault_*; do
	case $t in *.o|*.d) continue ;; esac
	[ -x "$t" ] && run_suite "$t"
done

echo
if [ ${#bad[@]} -gt 0 ]; then
	echo "test.sh: failing suites: ${bad[*]} (logs in $STACK/log/)"
fi
echo "total: $passed passed, $((failed + crashed)) failed"
[ ${#bad[@]} -eq 0 ] && [ $((failed + crashed)) -eq 0 ]
