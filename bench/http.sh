#!/bin/sh
# bench/http.sh - the web API under load, on loopback: a day of
# 1,000,000 generated auth.log lines stored by the collector and counted
# by a serving correlator, then wrk for 30 s against /api/v1/report and
# 30 s against /api/v1/incidents, as configured and without the server's
# one-second cache; the correlator's counting rate alone and while wrk
# hammers the report (two more days of the same size, stored beforehand
# under other sensor names). Prints requests/s and latency percentiles.
#   LINES=N  DURATION=30s  CONNECTIONS=16  THREADS=1  WORKERS=1
# (one wrk thread: on two cores, wrk, the server, Redis and the worker
# share them.)
set -eu

BIN=${BIN:-bin}
LINES=${LINES:-1000000}
WORKERS=${WORKERS:-1}
DURATION=${DURATION:-30s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-1}
cd "$(dirname "$0")/.."
. bench/lib.sh
command -v wrk >/dev/null || die "wrk not found (VIGIE_BENCH_HTTP=1 sh scripts/deps.sh)"

# A day: yesterday's 24 hours (UTC), so that one day holds them all;
# and the two days before, of the same size, counted later (below).
log_end=$(( $(date -u -d 'today 00:00' +%s) - 1 ))
day=$(date -u -d "@$log_end" +%F)
build/tools/genlog --seed 7 --days 1 --lines "$LINES" --end "$log_end" \
    -o "$tmp/auth.log"
for k in 2 3; do
	build/tools/genlog --seed $((6 + k)) --days 1 --lines "$LINES" \
	    --end $((log_end - (k - 1) * 86400)) -o "$tmp/auth$k.log"
done
n=$(wc -l <"$tmp/auth.log")
/usr/bin/perl tests/fixtures/mkmmdb.pl --schema ipdb tests/fixtures/geo.txt \
    "$tmp/geo.mmdb"

redis_start "$tmp/r"
collector "$tmp/r" "$tmp/coll.time"
# The days before, stored by sensors bench2 and bench3, kept out of the
# sensors set until they are to be counted.
for k in 2 3; do
	"$BIN/vigie-collector" --redis "unix:$sock" --sensor "bench$k" \
	    --state-dir "$tmp/r/state$k" --log "$tmp/auth$k.log:sshd" --once \
	    2>>"$tmp/r/collector.log" || die "collector bench$k failed"
	redis-cli -s "$sock" SREM vigie:sensors "bench$k" >/dev/null
	eval "n$k=\$(wc -l <\"\$tmp/auth\$k.log\")"
done
port=$(/usr/bin/perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(
    Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport')
url="http://127.0.0.1:$port"

# drained STREAM: waits until the group has read and acknowledged it all.
drained() {
	_top=$(redis-cli -s "$sock" XINFO STREAM "$1" | awk '/^last-generated-id$/ { getline; print }')
	_i=0
	while :; do
		_g=$(redis-cli -s "$sock" XINFO GROUPS "$1" 2>/dev/null | awk '
		    k == "last-delivered-id" { d = $0 } k == "pending" { p = $0 }
		    { k = $0 } END { print d, p }')
		[ "$_g" = "$_top 0" ] && return 0
		_i=$((_i + 1))
		[ "$_i" -le 6000 ] || die "$1 not drained after 5 min: $_g (top $_top)"
		sleep 0.05
	done
}

# 1. The first count: the correlator starts on a full stream.
t0=$(now)
# shellcheck disable=SC2046
"$BIN/vigie-correlator" --allow-root $(correlator_args) --http "127.0.0.1:$port" \
    --web-root dashboards --timezone UTC 2>"$tmp/corr.log" &
corr_pid=$!
drained "$STREAM"
first_s=$(calc "$(now) - $t0")
c=$(counted)
[ "$c" = "$n" ] || die "$c events counted of $n lines"
first=$(calc "$n / $first_s" 0)
# Once counted, the stream is trimmed: the day's data stays in the keys.
events_day=$(vigie report --day "$day" --format json | jq .totals.events)
incidents=$(vigie incidents list --format json | jq length)

# wrk_run NAME PATH: one run; prints the summary line and keeps the output.
wrk_run() {
	wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
	    -H 'Host: 127.0.0.1' "$url$2" >"$tmp/wrk-$1.out" 2>&1 ||
	    die "wrk failed: $(cat "$tmp/wrk-$1.out")"
	awk -v name="$1" -v path="$2" '
	    /Requests\/sec/ { rps = $2 }
	    /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
	    /Non-2xx/ { bad = $NF }
	    /requests in/ { total = $1 }
	    END { printf "  %-9s %-30s %9s req/s  p50 %7s  p99 %7s  (%s requests, non-2xx: %s)\n",
		name, path, rps, p50, p99, total, bad == "" ? 0 : bad }' \
	    "$tmp/wrk-$1.out"
}

# 2. The API over the full day, the correlator idle.
# The generator's day is 86,400 s ending at 23:59:59: its first second
# falls on the day before.
curl -fs "$url/api/v1/report?day=$day" | jq -e ".totals.events == $events_day and
    .totals.events >= $n - 100" >/dev/null ||
    die "the report does not show the day's events ($events_day of $n)"
r1=$(wrk_run report "/api/v1/report?day=$day")
r2=$(wrk_run incidents "/api/v1/incidents?limit=50")

# recount NAME N: sensor NAME's stream (N events) counted; sets recount_s,
# from the first frame read to the last acknowledged (polled every
# 50 ms), and checks that N events were counted.
recount() {
	_c0=$(counted)
	redis-cli -s "$sock" SADD vigie:sensors "$1" >/dev/null
	# From the first frame read (workers look at the sensors each second).
	_i=0
	until [ "$(redis-cli -s "$sock" XINFO GROUPS "vigie:ev:{$1}" | awk '
	    k == "last-delivered-id" { print } { k = $0 }')" != 0-0 ]; do
		_i=$((_i + 1)); [ "$_i" -le 1000 ] || die "$1 never read"
		sleep 0.01
	done
	_t0=$(now)
	drained "vigie:ev:{$1}"
	recount_s=$(calc "$(now) - $_t0")
	_c1=$(counted)
	[ "$((_c1 - _c0))" = "$2" ] || die "$1: counted $((_c1 - _c0)) events of $2"
}

# 3. Another day counted alone, then another while wrk hammers the report.
recount bench3 "$n3"
alone_s=$recount_s
alone=$(calc "$n3 / $alone_s" 0)
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    -H 'Host: 127.0.0.1' "$url/api/v1/report?day=$day" >"$tmp/wrk-load.out" 2>&1 &
wrk_pid=$!
sleep 1
recount bench2 "$n2"
load_s=$recount_s
wait "$wrk_pid" || die "wrk failed: $(cat "$tmp/wrk-load.out")"
loaded=$(calc "$n2 / $load_s" 0)
r3=$(awk '/Requests\/sec/ { rps = $2 } /^ +99%/ { p99 = $2 }
    END { printf "  %-9s %-30s %9s req/s  p99 %7s  (while the correlator counted)\n", "report", "/api/v1/report?day=D", rps, p99 }' "$tmp/wrk-load.out")

# 4. Without the one-second cache: every request reads Redis.
kill "$corr_pid"
wait "$corr_pid" || true
# shellcheck disable=SC2046
VIGIE_HTTP_NO_CACHE=1 "$BIN/vigie-correlator" --allow-root $(correlator_args) \
    --http "127.0.0.1:$port" --web-root dashboards --timezone UTC \
    2>>"$tmp/corr.log" &
corr_pid=$!
_i=0
until curl -fs "$url/healthz" >/dev/null 2>&1; do
	_i=$((_i + 1)); [ "$_i" -le 100 ] || die "the correlator did not restart"
	sleep 0.1
done
r4=$(wrk_run report "/api/v1/report?day=$day")
r5=$(wrk_run incidents "/api/v1/incidents?limit=50")

echo "command: LINES=$LINES DURATION=$DURATION CONNECTIONS=$CONNECTIONS THREADS=$THREADS WORKERS=$WORKERS sh bench/http.sh  (make bench-http)"
machine "$(wrk --version 2>&1 | head -n 1 | awk '{ print "wrk", $2 }')"
echo "data:    $n lines of one day ($day: $events_day events), $incidents incidents, Redis $(redis-cli -s "$sock" INFO memory | awk -F: '/^used_memory_human/ { print $2 }' | tr -d '\r')"
echo "wrk:     -t$THREADS -c$CONNECTIONS -d$DURATION on loopback, the correlator idle; as configured (replies kept 1 s):"
echo "$r1"
echo "$r2"
echo "         without the cache (VIGIE_HTTP_NO_CACHE=1: every request reads Redis):"
echo "$r4"
echo "$r5"
echo "counting: $first events/s the first time (with the correlator's start, $first_s s);"
echo "          the days before ($n3 and $n2 lines, once the correlator runs): $alone events/s alone ($alone_s s), $loaded events/s while wrk ran ($load_s s)"
echo "$r3"
shared
