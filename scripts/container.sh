#!/bin/sh
# scripts/container.sh - build the container image with podman, then
# (with "test") bring the compose stack up on a generated log and check
# that /healthz answers 200 and the events are counted, then take it down.
# Without a reachable registry, the Debian 12 base image is made locally
# with debootstrap from Debian's mirror and imported.
#   sh scripts/container.sh build|test
set -eu
trap 'rm -f "$conf"' EXIT

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
IMAGE=localhost/vigie:latest
BASE=localhost/vigie-base:bookworm
MIRROR=${VIGIE_MIRROR:-http://deb.debian.org/debian}
# runc: crun refuses this kind of host's hybrid cgroups. Resource limits
# that a container may set under the host's own (the defaults are above).
PODMAN="podman --runtime runc"
conf=$(mktemp "${TMPDIR:-/tmp}/vigie-containers.XXXXXX")
printf '[containers]\ndefault_ulimits = ["nproc=4096:4096", "nofile=16384:16384"]\n' >"$conf"
export CONTAINERS_CONF="$conf"
say() { printf 'container: %s\n' "$*"; }

base() {
	$PODMAN image exists "$BASE" && return
	if $PODMAN pull -q docker.io/library/debian:12 >/dev/null 2>&1; then
		$PODMAN tag docker.io/library/debian:12 "$BASE"
		return
	fi
	say "no registry: making $BASE with debootstrap ($MIRROR)"
	root=$(mktemp -d "${TMPDIR:-/tmp}/vigie-rootfs.XXXXXX")
	trap 'rm -rf "$root" "$conf"' EXIT
	debootstrap --variant=minbase bookworm "$root" "$MIRROR" >"$root.log" 2>&1 ||
	    { tail "$root.log"; exit 1; }
	rm -f "$root.log"
	tar -C "$root" -c . | $PODMAN import - "$BASE" >/dev/null
	rm -rf "$root"
	trap 'rm -f "$conf"' EXIT
}

build() {
	base
	say "building $IMAGE"
	$PODMAN build --format docker -q -t "$IMAGE" --build-arg BASE="$BASE" \
	    -f container/Dockerfile . >/dev/null
	say "built $IMAGE ($($PODMAN image inspect -f '{{.Size}}' "$IMAGE") bytes)"
}

run_test() {
	build
	w=$(mktemp -d "${TMPDIR:-/tmp}/vigie-compose.XXXXXX")
	cp container/compose.yaml "$w/"
	mkdir -p "$w/etc" "$w/logs" "$w/pcap" "$w/geo"
	# The image's own configuration, with the web view's token added.
	$PODMAN run --rm "$IMAGE" cat /etc/vigie/vigie.conf >"$w/etc/vigie.conf"
	$PODMAN run --rm "$IMAGE" cat /etc/vigie/redis.conf >"$w/etc/redis.conf"
	printf '[correlator]\nhttp-token-file = /etc/vigie/http.token\n' >>"$w/etc/vigie.conf"
	head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$w/etc/http.token"
	uid=$($PODMAN run --rm "$IMAGE" id -u)
	chown "$uid" "$w/etc/http.token"
	chmod 600 "$w/etc/http.token"
	build/tools/genlog --seed 42 --days 1 --lines 2000 -o "$w/logs/auth.log"
	chmod a+rX "$w" "$w/etc" "$w/logs" "$w/etc/vigie.conf" "$w/etc/redis.conf" \
	    "$w/logs/auth.log"
	port=$(/usr/bin/perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(
	    Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport')
	project=vigie-test-$$
	down() {
		(cd "$w" && podman-compose --podman-args="--runtime runc" \
		    -p "$project" down -v >/dev/null 2>&1) || true
		rm -rf "$w" "$conf"
	}
	trap down EXIT
	(cd "$w" && VIGIE_HTTP_PORT=$port podman-compose \
	    --podman-args="--runtime runc" -p "$project" up -d) >"$w/up.log" 2>&1 ||
	    { cat "$w/up.log"; exit 1; }
	i=0
	until curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 120 ]; then
			say "no /healthz after 60 s"
			podman logs "${project}_correlator_1" 2>&1 | tail
			exit 1
		fi
		sleep 0.5
	done
	say "compose stack up: /healthz answers 200 on 127.0.0.1:$port"
	n=$(wc -l <"$w/logs/auth.log")
	i=0
	while :; do
		got=$(podman exec "${project}_correlator_1" vigie -c \
		    /etc/vigie/vigie.conf report --days 3 --format json 2>/dev/null |
		    jq '[.[].totals.events] | add // 0' || echo 0)
		[ "$got" = "$n" ] && break
		i=$((i + 1))
		[ $i -gt 120 ] && { say "$got of $n events counted"; exit 1; }
		sleep 0.5
	done
	say "$n of $n log lines counted through the stack"
}

case ${1:-build} in
build) build ;;
test) run_test ;;
*) echo "usage: sh scripts/container.sh build|test" >&2; exit 2 ;;
esac
