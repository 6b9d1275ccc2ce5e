#!/bin/sh
# bench/syslog.sh - the syslog receiver's sustained rate on loopback:
# tools/syslogsend sends N RFC 5424 messages over TCP (octet counting)
# and N RFC 3164 datagrams over UDP, as fast as the sockets take them, to
# one vigie-collector that stores them in a private redis-server. Prints
# messages per second from the first send to the last frame in Redis,
# the collector's CPU, and what UDP lost (TCP must lose nothing).
# A last UDP run is paced (SYSLOG_UDP_RATE, default 100000 a second).
#   make bench-syslog [SYSLOG_N=200000] [SYSLOG_UDP_RATE=100000]
set -eu
BIN=${BIN:-bin}
N=${SYSLOG_N:-200000}
cd "$(dirname "$0")/.."
. bench/lib.sh

port=$((30000 + ($$ * 11) % 20000))
redis_start "$tmp/redis"
R="unix:$sock"
send=build/tools/syslogsend
[ -x "$send" ] || die "build/tools/syslogsend is missing: make first"

# run PROTO FORMAT [options]: one collector, N messages; prints a table row.
run() {
	proto=$1; fmt=$2; shift 2
	s="$proto$fmt"
	"$BIN/vigie-collector" --redis "$R" --sensor "$s" --state-dir "$tmp/state-$s" \
	    --syslog "$proto:127.0.0.1:$port" 2>"$tmp/collector-$s.log" &
	cpid=$!
	i=0
	until redis-cli -s "$sock" EXISTS "vigie:lease:{$s}" | grep -qx 1; do
		i=$((i + 1)); [ $i -lt 100 ] || die "the collector did not start"
		sleep 0.05
	done
	t0=$(now)
	"$send" "$@" -f "$fmt" -n "$N" "$proto" 127.0.0.1 "$port" 2>"$tmp/send-$s.log"
	tsent=$(now)
	# The last frame in Redis: the stream stops growing for a second.
	last=-1; tend=$tsent
	while :; do
		x=$(redis-cli -s "$sock" XLEN "vigie:ev:{$s}")
		if [ "$x" != "$last" ]; then last=$x; tend=$(now)
		elif [ "$(calc "$(now) - $tend > 1" 0)" = 1 ]; then break; fi
		sleep 0.05
	done
	ccpu=$(cpu "$cpid"); crss=$(rss "$cpid")
	kill "$cpid"; wait "$cpid" 2>/dev/null || true
	got=$(redis-cli -s "$sock" HGET "vigie:sensor:{$s}" stored)
	drops=$(redis-cli -s "$sock" HGET "vigie:sensor:{$s}" drops)
	wall=$(calc "$tend - $t0" 3)
	printf "| %s, RFC %s | %d | %d | %.2f %% | %s | %s | %s s | %.0f | %d MiB |\n" \
	    "$proto" "$fmt" "$N" "$got" "$(calc "100 * ($N - $got) / $N")" \
	    "$(calc "$got / $wall" 0)" "$(calc "$N / ($tsent - $t0)" 0)" "$ccpu" \
	    "$(calc "$got / ($ccpu + 0.001)" 0)" "$((crss / 1024))"
	[ "$drops" = 0 ] || echo "  ($drops dropped by a full spool)"
	if [ "$proto" = tcp ] && [ "$got" != "$N" ]; then
		echo "bench: TCP lost $((N - got)) messages" >&2; exit 1
	fi
	port=$((port + 1))
}

echo "syslog receiver, loopback, $N messages per run (make bench-syslog)"
machine
echo
echo "| transport | sent | stored | lost | stored/s (first send to last frame in Redis) | sent/s | collector CPU | stored/CPU-s | collector max RSS |"
echo "|---|---|---|---|---|---|---|---|---|"
run tcp 5424 -o
run tcp 3164
run udp 3164
run udp 5424
RATE=${SYSLOG_UDP_RATE:-100000}
echo
echo "UDP paced at $RATE messages/s:"
run udp 5424 -r "$RATE"
echo
shared
