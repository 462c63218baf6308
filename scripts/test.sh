#!/bin/bash
# test.sh PROGS [TESTS] — every Criterion suite against a private stack
# (MariaDB, pat-fcgi, nginx) started here and stopped on exit. The stack
# runs the programs (pat-fcgi, pat-admin) of build dir PROGS; the suites
# come from build dir TESTS (default: the same). TSan cannot run Criterion
# itself, so make check-tsan runs plain suites against TSan-built programs.
# Suites named test_fault_* disturb the stack (kill MariaDB, crash the
# worker) and run last, one test at a time. Prints each suite's Criterion
# summary and a total line; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=stack.sh
. scripts/stack.sh

build=${1:-build}
tests=${2:-$build}
dir="$build/stack"
# Sanitizer reports from pat-fcgi go to files; any such file fails the run.
# allocator_may_return_null: libfcgi asks malloc for a negative size on a
# hostile PARAMS record (test_fcgi_raw does this on purpose); as in
# production, malloc must then fail and libfcgi abort, which the supervisor
# survives, rather than ASan stopping at the request itself.
san_log="$(realpath -m "$dir")/log/sanitizer-pat-fcgi"
export PAT_FCGI_WRAPPER="env ASAN_OPTIONS=log_path=$san_log:abort_on_error=0:detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=log_path=$san_log:print_stacktrace=1 TSAN_OPTIONS=log_path=$san_log:second_deadlock_stack=1:allocator_may_return_null=1"
trap 'stack_down "$STACK"' EXIT
trap 'exit 130' INT TERM

echo "test.sh: starting a private stack in $dir"
stack_up "$dir" "$build"
eval "$(stack_exports)"
echo "test.sh: MariaDB on $PAT_TEST_MYSQL_SOCKET, nginx on 127.0.0.1:$PAT_TEST_HTTP_PORT"

# The suites' own processes: leaks inside libcriterion are not ours.
export LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0"

passed=0 failed=0 crashed=0 bad=()
run_suite() {
	local t=$1 out rc jobs=
	# Fault suites stop shared servers: their tests run one at a time.
	case $(basename "$t") in test_fault_*) jobs=-j1 ;; esac
	out="$STACK/log/$(basename "$t").out"
	echo "=== $(basename "$t")"
	set +e
	"$t" $jobs ${CRITERION_OPTS:-} > "$out" 2>&1
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

for t in "$tests"/tests/test_*; do
	case $(basename "$t") in *.o|*.d|test_fault_*) continue ;; esac
	[ -x "$t" ] && run_suite "$t"
done
for t in "$tests"/tests/test_fault_*; do
	case $t in *.o|*.d) continue ;; esac
	[ -x "$t" ] && run_suite "$t"
done

# pat-fcgi must stop cleanly (SIGTERM, exit 0), leaving no sanitizer report.
stack_fcgi_stop
if [ "$FCGI_RC" != 0 ] && [ "$FCGI_RC" != 127 ]; then
	echo "test.sh: pat-fcgi exited $FCGI_RC on SIGTERM (want 0); see $STACK/log/pat-fcgi.log"
	bad+=("pat-fcgi-exit")
	failed=$((failed + 1))
fi
# A report is an ERROR (ASan, LSan), a UBSan runtime error or a TSan
# WARNING; ASan's "failed to allocate" warning is the libfcgi case above.
if grep -lE 'ERROR: |runtime error:|WARNING: ThreadSanitizer' "$san_log".* >/dev/null 2>&1; then
	echo "test.sh: sanitizer reports from pat-fcgi:"
	cat "$san_log".*
	bad+=("pat-fcgi-sanitizer")
	failed=$((failed + 1))
fi

echo
if [ ${#bad[@]} -gt 0 ]; then
	echo "test.sh: failing suites: ${bad[*]} (logs in $STACK/log/)"
fi
echo "total: $passed passed, $((failed + crashed)) failed"
[ ${#bad[@]} -eq 0 ] && [ $((failed + crashed)) -eq 0 ]
