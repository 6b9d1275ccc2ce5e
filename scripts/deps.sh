#!/bin/sh
# scripts/deps.sh - install what Vigie needs to build, test and run the
# demo on Debian 12. As root it runs apt-get; otherwise it names the
# missing packages and stops.
set -eu

PKGS="gcc make pkg-config libc6-dev tzdata ca-certificates
libpcap-dev libmaxminddb-dev libhiredis-dev libevent-dev libyara-dev
libcmocka-dev libinih-dev libjansson-dev redis-server redis-tools jq
libmaxmind-db-writer-perl chromium fonts-dejavu-core curl time bc
netcat-openbsd openssh-client iproute2 yara
libsystemd-dev systemd-journal-remote rsyslog bsdutils clang"
# make bench-peers replays the bench's log through Debian's fail2ban too.
[ "${VIGIE_PEERS:-}" = 1 ] && PKGS="$PKGS fail2ban"
# make container builds the image with podman (runc: crun refuses hybrid
# cgroups) from a Debian 12 base that debootstrap makes when no registry
# answers; make container-test runs the compose stack.
[ "${VIGIE_CONTAINER:-}" = 1 ] && PKGS="$PKGS podman runc debootstrap podman-compose uidmap slirp4netns fuse-overlayfs"
# make bench-http loads the web API with wrk.
[ "${VIGIE_BENCH_HTTP:-}" = 1 ] && PKGS="$PKGS wrk"

missing=""
for p in $PKGS; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$s" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
# Node and npm drive the browser tests and fetch the demo's geo database;
# any node >= 18 on PATH will do, else Debian's.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "vigie: missing Debian packages:$missing" >&2
	echo "vigie: install them as root: apt-get install$missing" >&2
	exit 1
fi
echo "vigie: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
