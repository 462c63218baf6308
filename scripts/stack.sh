#!/bin/bash
# stack.sh — a private pat stack: MariaDB, pat-fcgi and nginx, all under one
# directory, on unix sockets and a free loopback port. No system service is
# touched. Used by test.sh, run.sh and bench.sh (sourced), or by hand:
#
#   eval "$(scripts/stack.sh up BUILD DIR [--db-only] [--port N])"   # prints exports
#   scripts/stack.sh down DIR
#
# Layout of DIR: db/ (datadir), run/ (sockets, pids), etc/ (configs and
# secret files, 0600), log/, nginx/ (nginx prefix).

set -euo pipefail

STACK_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

stack_log() { echo "stack: $*" >&2; }
stack_die() { echo "stack: error: $*" >&2; exit 1; }

# A TCP port on 127.0.0.1 that nothing listens on now.
stack_free_port() {
	local p i
	for i in $(seq 1 200); do
		p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
		if [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]; then
			echo "$p"
			return 0
		fi
	done
	stack_die "no free port found"
}

stack_rand_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# Waits up to $2 seconds for path $1 to exist as a socket.
stack_wait_socket() {
	local i
	for i in $(seq 1 $(( $2 * 10 ))); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

stack_pid_add() { echo "$1 $2" >> "$STACK/run/pids"; }

# The pid recorded for NAME (mariadbd, pat-fcgi, nginx, ...), or nothing.
stack_pid() { awk -v n="$1" '$1==n{p=$2} END{print p}' "$STACK/run/pids"; }

# Sends SIG to PID, waits up to SECS (default 10) for it to go, then KILL.
stack_kill_wait() {
	local pid=$1 sig=$2 secs=${3:-10}
	kill -"$sig" "$pid" 2>/dev/null || return 0
	for _ in $(seq 1 $((secs * 10))); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
}

# Stops the process recorded as NAME with SIG (SECS of grace) and forgets
# it. STACK_RC is its exit status when it is our child (127 otherwise).
stack_stop() {
	local name=$1 sig=${2:-TERM} secs=${3:-10} pid
	STACK_RC=0
	pid=$(stack_pid "$name")
	[ -n "$pid" ] || return 0
	stack_kill_wait "$pid" "$sig" "$secs"
	wait "$pid" 2>/dev/null || STACK_RC=$?
	sed -i "/^$name $pid\$/d" "$STACK/run/pids"
}

# stack_init DIR BUILD: a fresh directory.
stack_init() {
	STACK=$(realpath -m "$1")
	BUILD=$(realpath -m "$2")
	if [ -f "$STACK/run/pids" ]; then
		stack_down "$STACK"
	fi
	rm -rf "$STACK"
	mkdir -p "$STACK"/{db,run,etc,log,nginx/conf,nginx/tmp}
	chmod 0755 "$STACK" "$STACK/run" "$STACK/log" "$STACK/nginx"
	chmod 0700 "$STACK/etc"
	: > "$STACK/run/pids"
	if [ "$(id -u)" = 0 ]; then
		DB_OS_USER=root
		NGINX_USER=www-data
		getent passwd www-data >/dev/null || NGINX_USER=nobody
		FCGI_GROUP=$(id -gn "$NGINX_USER")
	else
		DB_OS_USER=$(id -un)
		NGINX_USER=
		FCGI_GROUP=
	fi
}

stack_sql() {
	mariadb --no-defaults -S "$STACK/run/mysqld.sock" -u "$DB_OS_USER" "$@"
}

stack_db_start() {
	local i
	command -v mariadbd >/dev/null || stack_die "mariadbd not found (scripts/deps.sh installs mariadb-server)"
	mariadb-install-db --no-defaults --datadir="$STACK/db" --user="$DB_OS_USER" \
	    --auth-root-authentication-method=socket --skip-test-db \
	    > "$STACK/log/mariadb-install.log" 2>&1 \
	    || { cat "$STACK/log/mariadb-install.log" >&2; stack_die "mariadb-install-db failed"; }
	stack_db_run
	stack_db_load
}

# Starts mariadbd on an existing data directory and waits for it.
stack_db_run() {
	local i
	mariadbd --no-defaults --datadir="$STACK/db" --user="$DB_OS_USER" \
	    --socket="$STACK/run/mysqld.sock" --skip-networking \
	    --pid-file="$STACK/run/mysqld.pid" --log-error="$STACK/log/mysqld.log" \
	    --innodb-buffer-pool-size=128M --max-connections=500 \
	    --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
	    --sql-mode=STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION \
	    </dev/null >/dev/null 2>&1 &
	stack_pid_add mariadbd $!
	for i in $(seq 1 300); do
		stack_sql -e 'SELECT 1' >/dev/null 2>&1 && break
		kill -0 "$(stack_pid mariadbd)" 2>/dev/null \
		    || { tail -20 "$STACK/log/mysqld.log" >&2; stack_die "mariadbd exited"; }
		sleep 0.1
	done
	stack_sql -e 'SELECT 1' >/dev/null || stack_die "MariaDB did not come up"
}

# Kills mariadbd hard (fault injection); stack_db_run brings it back.
stack_db_kill() { stack_stop mariadbd KILL; }

# The database, its schema, and the two least-privilege accounts.
stack_db_load() {
	local pw apw
	pw=$(stack_rand_hex 24)
	apw=$(stack_rand_hex 24)
	(umask 077; printf '%s\n' "$pw" > "$STACK/etc/db.password"; printf '%s\n' "$apw" > "$STACK/etc/admin.password")
	stack_sql -e "CREATE DATABASE IF NOT EXISTS pat CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
	stack_sql pat < "$STACK_TOP/schema.sql" || stack_die "schema.sql failed to load"
	# Passwords go through stdin, never argv.
	stack_sql pat <<SQL
CREATE USER IF NOT EXISTS 'pat'@'localhost' IDENTIFIED BY '$pw';
CREATE USER IF NOT EXISTS 'pat_admin'@'localhost' IDENTIFIED BY '$apw';
SQL
	stack_sql pat < "$STACK_TOP/docs/grants.sql" || stack_die "docs/grants.sql failed to load"
}

# stack_write_config: pat.conf (server account) and admin.conf (admin account).
stack_write_config() {
	local threads=${PAT_STACK_THREADS:-4}
	(umask 077
	 head -c 48 /dev/urandom | base64 -w0 > "$STACK/etc/jwt.secret"
	 head -c 48 /dev/urandom | base64 -w0 > "$STACK/etc/pepper")
	local conf
	for conf in pat admin; do
		local user=pat pwfile=db.password
		[ "$conf" = admin ] && { user=pat_admin; pwfile=admin.password; }
		cat > "$STACK/etc/$conf.conf" <<CONF
; generated by scripts/stack.sh for a private stack
[server]
listen = unix:$STACK/run/pat.sock
threads = $threads
socket_mode = 0660
${FCGI_GROUP:+socket_group = $FCGI_GROUP}

[database]
socket = $STACK/run/mysqld.sock
name = pat
user = $user
password_file = $pwfile

[auth]
issuer = https://login.pat.test/
audience = pat
leeway_seconds = 60
hs256_secret_file = jwt.secret

[tokens]
argon2_memory_kib = ${PAT_STACK_ARGON2_M:-19456}
argon2_iterations = 2
argon2_parallelism = 1
pepper_file = pepper
max_tokens_per_publisher = ${PAT_STACK_CAP:-100}
CONF
	done
	chmod 0644 "$STACK/etc/pat.conf" "$STACK/etc/admin.conf"
}

stack_fcgi_start() {
	[ -x "$BUILD/pat-fcgi" ] || stack_die "$BUILD/pat-fcgi is not built"
	rm -f "$STACK/run/pat.sock"
	# Started with core dumps allowed, so that test_fcgi_raw proves pat-fcgi
	# turns them off itself.
	(ulimit -c unlimited 2>/dev/null || true
	 exec ${PAT_FCGI_WRAPPER:-} "$BUILD/pat-fcgi" --config "$STACK/etc/pat.conf") \
	    </dev/null >>"$STACK/log/pat-fcgi.log" 2>&1 &
	stack_pid_add pat-fcgi $!
	stack_wait_socket "$STACK/run/pat.sock" 30 \
	    || { tail -20 "$STACK/log/pat-fcgi.log" >&2; stack_die "pat-fcgi did not come up"; }
}

# SIGTERM (SECS of grace); FCGI_RC is its exit status (127: not our child).
stack_fcgi_stop() {
	stack_stop pat-fcgi TERM "${1:-10}"
	FCGI_RC=$STACK_RC
}

# The shipped nginx/pat.conf, with only its port, socket and log paths
# replaced, inside a minimal main configuration of our own.
stack_nginx_start() {
	local port=$1
	sed -e "s|listen 127.0.0.1:8080;|listen 127.0.0.1:$port;|" \
	    -e "s|unix:/run/pat/pat.sock|unix:$STACK/run/pat.sock|" \
	    -e "s|/var/log/nginx/|$STACK/log/|g" \
	    ${PAT_STACK_RATE:+-e "s|rate=5r/s;|rate=$PAT_STACK_RATE;|"} \
	    "$STACK_TOP/nginx/pat.conf" > "$STACK/nginx/conf/pat-site.conf"
	cat > "$STACK/nginx/conf/nginx.conf" <<NGX
${NGINX_USER:+user $NGINX_USER;}
worker_processes ${PAT_STACK_NGINX_WORKERS:-2};
pid $STACK/run/nginx.pid;
error_log $STACK/log/nginx-error.log warn;
events { worker_connections 4096; }
http {
    client_body_temp_path $STACK/nginx/tmp/body;
    fastcgi_temp_path $STACK/nginx/tmp/fastcgi;
    proxy_temp_path $STACK/nginx/tmp/proxy;
    uwsgi_temp_path $STACK/nginx/tmp/uwsgi;
    scgi_temp_path $STACK/nginx/tmp/scgi;
    include /etc/nginx/mime.types;
    include $STACK/nginx/conf/pat-site.conf;
}
NGX
	nginx -t -q -p "$STACK/nginx" -e "$STACK/log/nginx-error.log" -c "$STACK/nginx/conf/nginx.conf" \
	    || stack_die "nginx configuration test failed"
	nginx -p "$STACK/nginx" -e "$STACK/log/nginx-error.log" -c "$STACK/nginx/conf/nginx.conf" \
	    -g 'daemon off;' </dev/null >>"$STACK/log/nginx-error.log" 2>&1 &
	stack_pid_add nginx $!
	for _ in $(seq 1 100); do
		[ -n "$(ss -Htln "sport = :$port" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	tail -5 "$STACK/log/nginx-error.log" >&2
	stack_die "nginx did not listen on 127.0.0.1:$port"
}

# Stops everything recorded in DIR/run/pids, newest first.
stack_down() {
	local dir=${1:-$STACK} name pid
	[ -f "$dir/run/pids" ] || return 0
	tac "$dir/run/pids" | while read -r name pid; do
		stack_kill_wait "$pid" TERM
	done
	: > "$dir/run/pids"
}

# Picks up a running stack's settings (for the fault-injection commands).
stack_reattach() {
	STACK=$(realpath -m "$1")
	[ -f "$STACK/run/pids" ] || stack_die "$STACK is not a running stack"
	BUILD=$(sed -n "s/^export PAT_TEST_BUILD='\(.*\)'\$/\1/p" "$STACK/run/env")
	DB_OS_USER=$(sed -n "s/^export PAT_TEST_MYSQL_USER='\(.*\)'\$/\1/p" "$STACK/run/env")
}

stack_exports() {
	cat <<EXP
export PAT_TEST_TOP='$STACK_TOP'
export PAT_TEST_DIR='$STACK'
export PAT_TEST_BUILD='$BUILD'
export PAT_TEST_CONFIG='$STACK/etc/pat.conf'
export PAT_TEST_ADMIN_CONFIG='$STACK/etc/admin.conf'
export PAT_TEST_MYSQL_SOCKET='$STACK/run/mysqld.sock'
export PAT_TEST_MYSQL_USER='$DB_OS_USER'
export PAT_TEST_FCGI_SOCKET='$STACK/run/pat.sock'
export PAT_TEST_HTTP_PORT='${HTTP_PORT:-}'
EXP
}

# stack_up DIR BUILD [--db-only] [--port N]
stack_up() {
	local dir=$1 build=$2 dbonly=0
	shift 2
	HTTP_PORT=
	while [ $# -gt 0 ]; do
		case $1 in
		--db-only) dbonly=1 ;;
		--port) HTTP_PORT=$2; shift ;;
		*) stack_die "unknown option $1" ;;
		esac
		shift
	done
	stack_init "$dir" "$build"
	stack_db_start
	stack_write_config
	if [ "$dbonly" = 0 ]; then
		stack_fcgi_start
		[ -n "$HTTP_PORT" ] || HTTP_PORT=$(stack_free_port)
		stack_nginx_start "$HTTP_PORT"
	fi
	stack_exports > "$STACK/run/env"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	case ${1:-} in
	up) shift; [ $# -ge 2 ] || stack_die "usage: stack.sh up BUILD DIR [--db-only] [--port N]"
	    b=$1 d=$2; shift 2; stack_up "$d" "$b" "$@"; stack_exports ;;
	down) [ $# -ge 2 ] || stack_die "usage: stack.sh down DIR"; stack_down "$(realpath -m "$2")" ;;
	db-kill|db-start|fcgi-restart)
	    [ $# -ge 2 ] || stack_die "usage: stack.sh $1 DIR"
	    stack_reattach "$2"
	    case $1 in
	    db-kill) stack_db_kill ;;
	    db-start) stack_db_run ;;
	    fcgi-restart) stack_fcgi_stop; stack_fcgi_start ;;
	    esac ;;
	*) stack_die "usage: stack.sh up BUILD DIR [--db-only] [--port N] | down DIR" ;;
	esac
fi
