#!/bin/bash
# bench.sh BUILD — make bench: how close pat comes to the physical limits of
# this machine, measured in one run. Starts a private stack (as make run,
# on a free port), measures the Argon2id ceiling in-process (Debian's
# libargon2 and libsodium), creation and the cheap paths through nginx with
# wrk, a trivial FastCGI responder behind the same nginx, and pat-fcgi's
# peak RSS; prints a table with ratios and writes docs/BENCHMARKS.md.
#
# Environment: PAT_BENCH_SECONDS (per wrk run, default 10),
# PAT_BENCH_WORKERS (pat-fcgi threads, default 2 x CPUs).
# The only change to the shipped configuration: nginx's per-address
# creation rate limit is lifted (wrk runs from one address).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=stack.sh
. scripts/stack.sh

build=${1:-build}
secs=${PAT_BENCH_SECONDS:-10}
ncpu=$(nproc)
workers=${PAT_BENCH_WORKERS:-$((2 * ncpu))}
out_md=docs/BENCHMARKS.md
command -v wrk >/dev/null || stack_die "wrk not found (scripts/deps.sh installs it)"

trap 'stack_down "$STACK"' EXIT
trap 'exit 130' INT TERM
export PAT_STACK_THREADS=$workers PAT_STACK_CAP=100000 PAT_STACK_RATE=1000000r/s
stack_up "$build/bench-stack" "$build"
port=$HTTP_PORT
base="http://127.0.0.1:$port"
admin=("$build/pat-admin" --config "$STACK/etc/admin.conf")
"${admin[@]}" publisher add bench --name Bench >/dev/null
"${admin[@]}" publisher add bench-list --name "Bench list" >/dev/null
"${admin[@]}" member add bench bench-user --role owner >/dev/null
"${admin[@]}" member add bench-list bench-user --role owner >/dev/null
for i in 1 2 3 4 5; do
	"${admin[@]}" create --publisher bench-list --name "list $i" >/dev/null
done
jwt=$("${admin[@]}" jwt --sub bench-user --ttl 3600)
m=$(sed -n 's/^argon2_memory_kib = //p' "$STACK/etc/pat.conf")
t=$(sed -n 's/^argon2_iterations = //p' "$STACK/etc/pat.conf")
p=$(sed -n 's/^argon2_parallelism = //p' "$STACK/etc/pat.conf")
fcgi_pid=$(stack_pid pat-fcgi)

declare -A R
kv() { sed -n "s/^$1=//p" <<<"$2"; }

echo "bench: Argon2id m=$m t=$t p=$p, ceiling on $ncpu and $workers threads (${secs}s each)"
a1=$("$build/tests/helpers/bench_argon2" "$m" "$t" "$p" "$ncpu" "$secs")
a2=$("$build/tests/helpers/bench_argon2" "$m" "$t" "$p" "$workers" "$secs")
R[ref_lat]=$(kv ref_latency_ms "$a1")
R[sod_lat]=$(kv sodium_latency_ms "$a1")
R[ref_ncpu]=$(kv ref_rate "$a1")
R[ref_workers]=$(kv ref_rate "$a2")
R[sod_ncpu]=$(kv sodium_rate "$a1")
R[sod_workers]=$(kv sodium_rate "$a2")
R[sod_same]=$(kv sodium_same_tag "$a1")
ceiling=$(awk -v a="${R[ref_ncpu]}" -v b="${R[ref_workers]}" 'BEGIN{print (a>b)?a:b}')

# to_ms VALUE-WITH-UNIT
to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) printf "%.2f", v/1000; else if (v ~ /ms$/) printf "%.2f", v+0; else if (v ~ /s$/) printf "%.2f", v*1000; else print v }'; }

# wrkrun NAME CONNECTIONS METHOD PATH EXPECTED_STATUS [AUTH] [CT] [BODY]
wrkrun() {
	local name=$1 c=$2 method=$3 path=$4 want=$5 auth=${6:-} ct=${7:-} body=${8:-}
	local th=$(( c < ncpu ? c : ncpu )) out got
	got=$(curl -s -o /dev/null -w '%{http_code}' -X "$method" ${auth:+-H "Authorization: $auth"} \
	    ${ct:+-H "Content-Type: $ct"} ${body:+--data-binary "$body"} "$base$path")
	[ "$got" = "$want" ] || stack_die "$name: expected HTTP $want, got $got"
	out=$(PAT_BENCH_METHOD=$method PAT_BENCH_AUTH=$auth PAT_BENCH_CT=$ct PAT_BENCH_BODY=$body \
	    wrk -t"$th" -c"$c" -d"${secs}s" --latency -s scripts/bench.lua "$base$path")
	R[${name}_rps]=$(awk '/^Requests\/sec:/{print $2}' <<<"$out")
	R[${name}_p50]=$(to_ms "$(awk '$1=="50%"{print $2}' <<<"$out")")
	R[${name}_p99]=$(to_ms "$(awk '$1=="99%"{print $2}' <<<"$out")")
	R[${name}_errors]=$(awk '/Socket errors/{print}' <<<"$out")
	if [ "$want" -lt 300 ] && grep -q "Non-2xx" <<<"$out"; then
		stack_die "$name: some responses were not $want: $(grep Non-2xx <<<"$out")"
	fi
	printf 'bench: %-14s c=%-3s %9s req/s  p50 %8s ms  p99 %8s ms\n' "$name" "$c" \
	    "${R[${name}_rps]}" "${R[${name}_p50]}" "${R[${name}_p99]}"
}

# CPU seconds (user+system) of processes, from /proc: where a creation's
# time goes besides Argon2.
cpu_ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
db_pid=$(stack_pid mariadbd)
ngx_pids() { pgrep -f "nginx: worker process" | tr '\n' ' '; }
fcgi_pids() { echo "$fcgi_pid $(pgrep -P "$fcgi_pid" | tr '\n' ' ')"; }

bearer="Bearer $jwt"
body='{"name":"bench","description":"make bench"}'
wrkrun create_c1 1 POST /publishers/bench/tokens 201 "$bearer" application/json "$body"
wrkrun create_cw "$workers" POST /publishers/bench/tokens 201 "$bearer" application/json "$body"
cpu0=($(cpu_ticks $(fcgi_pids)) $(cpu_ticks "$db_pid") $(cpu_ticks $(ngx_pids)))
wrkrun create_c4w $((4 * workers)) POST /publishers/bench/tokens 201 "$bearer" application/json "$body"
cpu1=($(cpu_ticks $(fcgi_pids)) $(cpu_ticks "$db_pid") $(cpu_ticks $(ngx_pids)))
hz=$(getconf CLK_TCK)
# ms of CPU per creation for each, over the c=4w run
per_req() { awk -v d="$1" -v hz="$hz" -v r="${R[create_c4w_rps]}" -v s="$secs" 'BEGIN{ n = r * s; if (n > 0) printf "%.2f", d * 1000 / hz / n; else print "n/a" }'; }
R[cpu_fcgi]=$(per_req $(( cpu1[0] - cpu0[0] )))
R[cpu_db]=$(per_req $(( cpu1[1] - cpu0[1] )))
R[cpu_ngx]=$(per_req $(( cpu1[2] - cpu0[2] )))
wrkrun e401 $((4 * workers)) GET /publishers/bench/tokens 401 "Bearer not.a.jwt"
wrkrun e400 $((4 * workers)) POST /publishers/bench/tokens 400 "$bearer" application/json '[]'
wrkrun e404 $((4 * workers)) GET /nowhere 404
wrkrun list $((4 * workers)) GET /publishers/bench-list/tokens 200 "$bearer"
# Peak RSS of pat-fcgi: its supervisor plus the worker process (children).
R[rss_kib]=0
for pid in "$fcgi_pid" $(pgrep -P "$fcgi_pid"); do
	R[rss_kib]=$(( R[rss_kib] + $(awk '/^VmHWM:/{print $2}' "/proc/$pid/status") ))
done

# The HTTP + FastCGI ceiling: a trivial responder on pat-fcgi's socket.
stack_fcgi_stop
"$build/tests/helpers/trivial_fcgi" "$STACK/run/pat.sock" "$workers" &
stack_pid_add trivial_fcgi $!
stack_wait_socket "$STACK/run/pat.sock" 10 || stack_die "trivial_fcgi did not start"
wrkrun trivial $((4 * workers)) GET /publishers/bench/tokens 200

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b+0 == 0) print "n/a"; else printf "%.2f", a/b }'; }
verdict() { awk -v v="$1" -v t="$2" -v d="$3" 'BEGIN{ if (v == "n/a") print "n/a"; else if ((d == ">=" && v+0 >= t) || (d == "<=" && v+0 <= t)) print "met"; else print "NOT met" }'; }
r_create=$(ratio "${R[create_c4w_rps]}" "$ceiling")
r_401=$(ratio "${R[e401_rps]}" "${R[trivial_rps]}")
r_400=$(ratio "${R[e400_rps]}" "${R[trivial_rps]}")
r_404=$(ratio "${R[e404_rps]}" "${R[trivial_rps]}")
r_list=$(ratio "${R[list_rps]}" "${R[trivial_rps]}")
r_lat=$(ratio "${R[create_c1_p50]}" "${R[ref_lat]}")
budget_kib=$(( workers * m + 32 * 1024 ))
r_rss=$(ratio "${R[rss_kib]}" "$(( workers * m ))")

report=$(cat <<REP
Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $ncpu CPUs, $(free -g | awk '/^Mem:/{print $2}') GiB; $(uname -sr)
Versions: libargon2 $(dpkg-query -W -f='${Version}' libargon2-1 2>/dev/null), libsodium $(dpkg-query -W -f='${Version}' libsodium23 2>/dev/null), nginx $(dpkg-query -W -f='${Version}' nginx-light 2>/dev/null), MariaDB $(dpkg-query -W -f='${Version}' mariadb-server 2>/dev/null), libfcgi $(dpkg-query -W -f='${Version}' libfcgi0ldbl 2>/dev/null)
Run: $(date -u +%Y-%m-%dT%H:%M:%SZ), pat-fcgi $workers worker threads, Argon2id m=$m KiB t=$t p=$p, ${secs}s per wrk run

| what | threads / connections | req/s (hashes/s) | p50 ms | p99 ms |
|---|---|---|---|---|
| Argon2id ceiling, libargon2 (in-process) | $ncpu threads | ${R[ref_ncpu]} | ${R[ref_lat]} (one hash) | |
| Argon2id ceiling, libargon2 (in-process) | $workers threads | ${R[ref_workers]} | | |
| Argon2id, libsodium (SIMD; same tag: ${R[sod_same]}) | $ncpu threads | ${R[sod_ncpu]} | ${R[sod_lat]} (one hash) | |
| Argon2id, libsodium (SIMD) | $workers threads | ${R[sod_workers]} | | |
| POST create (201) | c=1 | ${R[create_c1_rps]} | ${R[create_c1_p50]} | ${R[create_c1_p99]} |
| POST create (201) | c=$workers | ${R[create_cw_rps]} | ${R[create_cw_p50]} | ${R[create_cw_p99]} |
| POST create (201) | c=$((4 * workers)) | ${R[create_c4w_rps]} | ${R[create_c4w_p50]} | ${R[create_c4w_p99]} |
| bad JWT (401) | c=$((4 * workers)) | ${R[e401_rps]} | ${R[e401_p50]} | ${R[e401_p99]} |
| bad body (400) | c=$((4 * workers)) | ${R[e400_rps]} | ${R[e400_p50]} | ${R[e400_p99]} |
| unknown path (404, nginx) | c=$((4 * workers)) | ${R[e404_rps]} | ${R[e404_p50]} | ${R[e404_p99]} |
| GET list (200, 5 tokens) | c=$((4 * workers)) | ${R[list_rps]} | ${R[list_p50]} | ${R[list_p99]} |
| trivial FastCGI responder (200) | c=$((4 * workers)) | ${R[trivial_rps]} | ${R[trivial_p50]} | ${R[trivial_p99]} |

pat-fcgi peak RSS: $(( R[rss_kib] / 1024 )) MiB (${R[rss_kib]} KiB)

CPU per creation at c=$((4 * workers)) (ms; one Argon2 hash alone is ${R[ref_lat]} ms, and $ncpu CPUs are shared by all): pat-fcgi ${R[cpu_fcgi]}, MariaDB ${R[cpu_db]}, nginx ${R[cpu_ngx]}; the load generator (wrk) and the kernel's loopback work come on top.

| ratio | value | target | verdict |
|---|---|---|---|
| creation (c=$((4 * workers))) / Argon2 ceiling | $r_create | >= 0.95 | $(verdict "$r_create" 0.95 ">=") |
| 401 / trivial responder | $r_401 | >= 0.5 | $(verdict "$r_401" 0.5 ">=") |
| 400 / trivial responder | $r_400 | >= 0.5 | $(verdict "$r_400" 0.5 ">=") |
| 404 / trivial responder | $r_404 | (reference) | |
| GET list / trivial responder | $r_list | (reference) | |
| c=1 p50 latency / one hash | $r_lat | <= 1.15 | $(verdict "$r_lat" 1.15 "<=") |
| peak RSS / (workers x Argon2 memory) | $r_rss | RSS <= $budget_kib KiB | $( [ "${R[rss_kib]}" -le "$budget_kib" ] && echo met || echo "NOT met") |
| libsodium / libargon2 hashes/s ($ncpu threads) | $(ratio "${R[sod_ncpu]}" "${R[ref_ncpu]}") | (the SIMD gap) | |
REP
)
echo
echo "$report"
{
	echo "# Benchmarks"
	echo
	echo "Generated by \`make bench\` (scripts/bench.sh); every number in one table comes from the same run."
	echo "See docs/ARGON2-SIMD.md for what the libsodium rows mean for pat."
	echo
	echo "$report"
} > "$out_md"
echo
echo "bench: written to $out_md"
