#!/bin/sh
# scripts/fuzz.sh — build the libFuzzer harnesses (tests/fuzz/fuzz_*.c) with
# clang, ASan and UBSan into build/fuzz/, replay every past crash
# (tests/fuzz/regress/<target>/*), then fuzz each target for FUZZ_SECONDS on a
# copy of its seed corpus (build/fuzz/corpus-<target>; tests/fuzz/corpus/ is
# never written). Exits non-zero if a harness fails to build, a regression
# input fails, or fuzzing finds a crash, leak, timeout or oracle violation.
#
# Environment:
#   FUZZ_SECONDS   seconds per target (default 30; 0 = build and replay only)
#   FUZZ_TARGETS   space-separated subset of: jwt valid token config app
#   FUZZ_CC        clang binary (default clang)
#   FUZZ_FRESH=1   start from the checked-in seeds, dropping build/fuzz/corpus-*
#   FUZZ_ARGS      extra libFuzzer flags for every run (e.g. -jobs=2 -workers=2)
#   FUZZ_CFLAGS    extra compiler flags for the library and the harnesses
#   FUZZ_OUT       build directory (default build/fuzz); runs that may overlap
#                  (a long run by hand while `make fuzz` runs) need their own
#
# Long run by hand (see docs/FUZZING.md):
#   FUZZ_OUT=build/fuzz-long FUZZ_SECONDS=0 scripts/fuzz.sh    # build only
#   nice build/fuzz-long/fuzz_jwt -max_len=9000 -max_total_time=3600 \
#       -print_final_stats=1 build/fuzz-long/corpus-jwt
#
# Flags and file lists are split on purpose:
# shellcheck disable=SC2086,SC2016
set -eu

cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_TARGETS=${FUZZ_TARGETS:-"jwt valid token config app"}
FUZZ_CC=${FUZZ_CC:-clang}
FUZZ_FRESH=${FUZZ_FRESH:-0}
FUZZ_ARGS=${FUZZ_ARGS:-}
FUZZ_CFLAGS=${FUZZ_CFLAGS:-}
# Stacks for UBSan reports too; libFuzzer turns any report into a crash.
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export UBSAN_OPTIONS
OUT=${FUZZ_OUT:-build/fuzz}
PKGS="json-c libargon2 libmariadb libcrypto inih"

die() { echo "fuzz.sh: $*" >&2; exit 2; }

command -v "$FUZZ_CC" >/dev/null 2>&1 ||
    die "$FUZZ_CC not found (apt-get install clang libclang-rt-14-dev)"
case $FUZZ_SECONDS in
*[!0-9]*|'') die "FUZZ_SECONDS must be a number of seconds" ;;
esac

# -max_len per target: a little over each input's own limit, so the
# "too big" paths are reachable (JWT_MAX_LEN 8192, VAL_BODY_MAX 16384).
max_len() {
	case $1 in
	jwt)	echo 9000 ;;
	valid)	echo 17000 ;;
	token)	echo 128 ;;
	config)	echo 4096 ;;
	app)	echo 12000 ;;
	*)	echo 4096 ;;
	esac
}

PKG_CFLAGS=$(pkg-config --cflags $PKGS) || die "pkg-config: missing -dev packages"
PKG_LIBS=$(pkg-config --libs $PKGS)
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
CFLAGS="-std=c11 -D_GNU_SOURCE -g -O1 $SAN -Ilib -Icgi-bin -Itests/fuzz/fixtures $PKG_CFLAGS $FUZZ_CFLAGS"
TOP=$(pwd)
case $OUT in
/*)	ABS=$OUT ;;
*)	ABS=$TOP/$OUT ;;
esac
WARN="-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2"

mkdir -p "$OUT/obj/lib" "$OUT/obj/cgi-bin"

# ---- the library, instrumented for coverage (no libFuzzer main) ----
echo "fuzz.sh: building libpat and libpatfcgi with $FUZZ_CC (ASan+UBSan+coverage)"
# Compile in parallel, one job per CPU, with the project's warnings (without
# -Werror: a clang-only warning must not stop fuzzing). A file that does not
# compile is reported and left out; a harness that needs it then fails to
# link, and the others still run.
rm -f "$OUT"/obj/lib/*.o "$OUT"/obj/cgi-bin/*.o
for c in lib/*.c cgi-bin/*.c; do
	[ -e "$c" ] && [ "$c" != cgi-bin/main.c ] && echo "$c"
done | xargs -P "$(nproc)" -I{} sh -c '
	c={}; o='"$OUT"'/obj/${c%.c}.o
	'"$FUZZ_CC"' '"$CFLAGS"' '"$WARN"' -fsanitize=fuzzer-no-link \
	    -c -o "$o" "$c" 2>"$o.err" ||
	    { echo "fuzz.sh: $c does not compile:" >&2; cat "$o.err" >&2; rm -f "$o"; }
	rm -f "$o.err"
    '
rm -f "$OUT/libpat.a" "$OUT/libpatfcgi.a"
objs_lib=$(ls "$OUT"/obj/lib/*.o 2>/dev/null || true)
objs_fcgi=$(ls "$OUT"/obj/cgi-bin/*.o 2>/dev/null || true)
[ -n "$objs_lib" ] || die "no library object compiled"
ar rcs "$OUT/libpat.a" $objs_lib
[ -z "$objs_fcgi" ] || ar rcs "$OUT/libpatfcgi.a" $objs_fcgi

# ---- the harnesses ----
build_target() {
	t=$1
	src=tests/fuzz/fuzz_$t.c
	[ -e "$src" ] || { echo "fuzz.sh: $src missing" >&2; return 1; }
	extra=
	if [ "$t" = app ]; then
		[ -e "$OUT/libpatfcgi.a" ] || { echo "fuzz.sh: no cgi-bin objects" >&2; return 1; }
		extra="$OUT/libpatfcgi.a"
		libs="-lfcgi"
	else
		libs=
	fi
	$FUZZ_CC $CFLAGS $WARN -Werror -fsanitize=fuzzer -o "$OUT/fuzz_$t" \
	    "$src" $extra "$OUT/libpat.a" $libs $PKG_LIBS -lpthread
}

status=0
built=
for t in $FUZZ_TARGETS; do
	if build_target "$t"; then
		built="$built $t"
	else
		echo "fuzz_$t: BUILD FAILED"
		status=1
	fi
done

# ---- replay every past crash ----
for t in $built; do
	dir=tests/fuzz/regress/$t
	set -- "$dir"/*
	[ -e "$1" ] || continue
	log=$OUT/regress-$t.log
	if "$OUT/fuzz_$t" "$@" >"$log" 2>&1; then
		echo "fuzz_$t: regress OK ($# inputs)"
	else
		echo "fuzz_$t: REGRESSION FAILED (see $log)"
		status=1
	fi
done

# ---- corpora: the checked-in seeds copied next to what earlier runs found ----
for t in $built; do
	[ "$FUZZ_FRESH" = 1 ] && rm -rf "$OUT/corpus-$t"
	mkdir -p "$OUT/corpus-$t" "$OUT/artifacts/$t"
	cp tests/fuzz/corpus/"$t"/* "$OUT/corpus-$t"/
done

[ "$FUZZ_SECONDS" -eq 0 ] && exit $status
passed=0
failed=0

# ---- fuzz ----
for t in $built; do
	corpus=$OUT/corpus-$t
	log=$OUT/fuzz-$t.log
	rc=0
	# fuzz_app's handler logs each failed database connection.
	quiet=
	[ "$t" = app ] && quiet=-close_fd_mask=2
	rm -f "$OUT"/fuzz-[0-9]*.log
	# -jobs=N may exit 0 after a job crashed: new artifacts count too.
	before=$(find "$OUT/artifacts/$t" -type f | wc -l)
	# From inside $OUT, so that -jobs=N leaves its fuzz-N.log files there.
	(cd "$OUT" && exec "$ABS/fuzz_$t" -max_total_time="$FUZZ_SECONDS" \
	    -max_len="$(max_len "$t")" $quiet -timeout=30 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$ABS/artifacts/$t/" \
	    $FUZZ_ARGS "$ABS/corpus-$t") >"$log" 2>&1 || rc=$?
	# With -jobs=N each job reports in its own fuzz-<i>.log: add them up.
	execs=$(cat "$log" "$OUT"/fuzz-[0-9]*.log 2>/dev/null |
	    sed -n 's/^stat::number_of_executed_units: *//p' |
	    awk '{ n += $1; k++ } END { if (k) print n; else print "?" }')
	cov=$(cat "$log" "$OUT"/fuzz-[0-9]*.log 2>/dev/null |
	    grep -E '^#[0-9]+.*cov: ' | tail -n 1 |
	    sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	files=$(find "$corpus" -type f | wc -l)
	after=$(find "$OUT/artifacts/$t" -type f | wc -l)
	[ "$rc" -eq 0 ] && [ "$after" -gt "$before" ] && rc=1
	if [ "$rc" -eq 0 ]; then
		echo "fuzz_$t: OK, $execs executions in ${FUZZ_SECONDS}s, cov ${cov:-?}, corpus $files files"
		passed=$((passed + 1))
	else
		# shellcheck disable=SC2012
		art=$(ls -t "$OUT/artifacts/$t/" 2>/dev/null | head -n 1)
		echo "fuzz_$t: CRASH (exit $rc) after $execs executions: $OUT/artifacts/$t/$art (log $log)"
		status=1
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
exit $status
