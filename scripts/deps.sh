#!/bin/sh
# Installs the Debian 12 packages that pat's build, tests and local run need,
# only those missing, and refuses a libfcgi older than 2.4.2-2+deb12u1
# (CVE-2025-23016, length overflow in FastCGI PARAMS records).
set -eu

PKGS="build-essential pkg-config libfcgi-dev libjson-c-dev libargon2-dev
libmariadb-dev libcriterion-dev libssl-dev libinih-dev mariadb-server
nginx-light curl wrk libsodium-dev clang libclang-rt-14-dev valgrind
procps iproute2 python3"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps.sh: missing packages:$missing (run as root, or install them)" >&2
		exit 1
	fi
	echo "deps.sh: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# Keep the system's own MariaDB and nginx services stopped: pat starts
	# private instances of its own.
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod 0755 /usr/sbin/policy-rc.d
		trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	fi
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing
fi

v=$(dpkg-query -W -f='${Version}' libfcgi-dev)
if ! dpkg --compare-versions "$v" ge "2.4.2-2+deb12u1"; then
	echo "deps.sh: libfcgi-dev $v is older than 2.4.2-2+deb12u1 (CVE-2025-23016); upgrade it" >&2
	exit 1
fi
