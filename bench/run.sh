#!/bin/sh
# bench/run.sh - end-to-end throughput: the collector and the correlator on
# a generated auth.log (default 1,000,000 lines) against a private
# redis-server (unix socket, AOF everysec as on an appliance).
# Prints events per second of wall clock, and per CPU-second of each
# program and of Redis, with the machine it ran on.
#   LINES=N sh bench/run.sh      WORKERS=N for the correlator
set -eu

BIN=${BIN:-bin}
LINES=${LINES:-1000000}
WORKERS=${WORKERS:-1}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-bench.XXXXXX")
redis_pid=
cleanup() {
	[ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
export TZ=UTC

sock="$tmp/redis.sock"
redis-server --port 0 --unixsocket "$sock" --dir "$tmp" --save '' \
    --appendonly yes --appendfsync everysec --daemonize no \
    --logfile "$tmp/redis.log" &
redis_pid=$!
until redis-cli -s "$sock" ping >/dev/null 2>&1; do sleep 0.05; done

now() { date +%s.%N; }
# cpu PID: user+system seconds a process has used so far.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
# run_timed OUT CMD...: wall seconds, CPU seconds and max RSS of CMD.
run_timed() {
	out=$1; shift
	/usr/bin/time -f '%e %U %S %M' -o "$out" "$@"
}

/usr/bin/perl tests/fixtures/mkmmdb.pl --schema ipdb tests/fixtures/geo.txt "$tmp/geo.mmdb"
t0=$(now)
build/tools/genlog --seed 7 --days 7 --lines "$LINES" -o "$tmp/auth.log"
t1=$(now)
n=$(wc -l <"$tmp/auth.log")
size=$(du -m "$tmp/auth.log" | cut -f1)

r0=$(cpu "$redis_pid")
run_timed "$tmp/collector.time" "$BIN/vigie-collector" --redis "unix:$sock" \
    --sensor bench --state-dir "$tmp/state" --log "$tmp/auth.log:sshd" \
    --once 2>"$tmp/collector.log"
r1=$(cpu "$redis_pid")
# The stream holds frames of events: count the events, before the trim
# (and outside the correlator's Redis CPU).
stored=$("$BIN/vigie" --redis "unix:$sock" events --sensor bench --count 0 \
    --format json | wc -l)
r1b=$(cpu "$redis_pid")
run_timed "$tmp/correlator.time" "$BIN/vigie-correlator" --redis "unix:$sock" \
    --rules rules --geoip "$tmp/geo.mmdb" --home-countries FR \
    --workers "$WORKERS" --drain 2>"$tmp/correlator.log"
r2=$(cpu "$redis_pid")

frames=$(redis-cli -s "$sock" XINFO STREAM 'vigie:ev:{bench}' | awk '/^entries-added$/ { getline; print }')
kept=$(redis-cli -s "$sock" XLEN 'vigie:ev:{bench}')
counted=$("$BIN/vigie" --redis "unix:$sock" report --days 9 --format json | jq '[.[].totals.events] | add')
used=$(redis-cli -s "$sock" INFO memory | awk -F: '/^used_memory_human/ { print $2 }' | tr -d '\r')

report() {
	# report NAME TIMEFILE REDIS_CPU
	set -- "$1" $(cat "$2") "$3"
	awk -v name="$1" -v wall="$2" -v u="$3" -v s="$4" -v rss="$5" \
	    -v rcpu="$6" -v n="$n" 'BEGIN {
		printf "%-16s %9.0f events/s wall  %9.0f events/s per CPU-second " \
		    "(%.2f s wall, %.2f s CPU, %d MiB max RSS; Redis %.2f s CPU)\n",
		    name, n / wall, n / (u + s), wall, u + s, rss / 1024, rcpu }'
}

echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(free -g | awk '/Mem:/ { print $2 }') GiB"
echo "input:   $n lines of auth.log ($size MiB), generated in $(echo "$t1 - $t0" | bc) s"
echo "command: LINES=$LINES WORKERS=$WORKERS make bench"
report vigie-collector "$tmp/collector.time" "$(echo "$r1 - $r0" | bc)"
report vigie-correlator "$tmp/correlator.time" "$(echo "$r2 - $r1b" | bc)"
echo "stream:  $stored events stored in $frames frames, $counted counted; $kept frames kept after the trim; Redis used_memory $used"
tail -n 1 "$tmp/collector.log"
tail -n 1 "$tmp/correlator.log"
[ "$stored" = "$n" ] && [ "$counted" = "$n" ]
