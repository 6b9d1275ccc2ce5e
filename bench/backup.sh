#!/bin/sh
# bench/backup.sh - the command line on a day of events (default
# 1,000,000): `vigie report` for that day (median of 5 runs, text and
# JSON), then `vigie backup`, a flush and `vigie restore`, in MB/s of the
# backup file; the day's report must read the same after the restore.
#   LINES=N sh bench/backup.sh     (make bench-backup)
set -eu

BIN=${BIN:-bin}
LINES=${LINES:-1000000}
WORKERS=1
cd "$(dirname "$0")/.."
. bench/lib.sh

# median CMD...: the median wall time of 5 runs, in ms.
median() {
	for _i in 1 2 3 4 5; do
		_t0=$(now)
		"$@" >/dev/null
		calc "($(now) - $_t0) * 1000" 1
		echo
	done | sort -n | sed -n 3p
}

genlog --days 1
redis_start "$tmp/redis"
"$BIN/vigie-collector" --redis "unix:$sock" --sensor bench \
    --state-dir "$tmp/state" --log "$tmp/auth.log:sshd" --once 2>"$tmp/collector.log"
# shellcheck disable=SC2046
"$BIN/vigie-correlator" --allow-root $(correlator_args) --drain --no-http 2>"$tmp/correlator.log"
_c=$(counted)
[ "$_c" = "$n" ] || die "$_c events counted of $n lines"
day=$(vigie report --days 2 --format json | jq -r 'max_by(.totals.events).day')

echo "command: LINES=$LINES BIN=$BIN sh bench/backup.sh  (make bench-backup)"
machine
echo "input:   $n lines of auth.log in one day ($size MiB), every event counted"
rt=$(median vigie report --day "$day")
rj=$(median vigie report --day "$day" --format json)
ri=$(median vigie incidents list --format json)
echo "report:  vigie report --day $day: $rt ms (text), $rj ms (JSON);" \
    "vigie incidents list --format json: $ri ms (median of 5)"
vigie report --day "$day" --format json >"$tmp/before.json"

keys=$(redis-cli -s "$sock" DBSIZE)
_t0=$(now)
vigie backup "$tmp/day.vbk" >"$tmp/backup.out"
bt=$(calc "$(now) - $_t0" 3)
mb=$(calc "$(stat -c %s "$tmp/day.vbk") / 1048576" 1)
redis-cli -s "$sock" FLUSHALL >/dev/null
_t0=$(now)
vigie restore "$tmp/day.vbk" >"$tmp/restore.out"
rs=$(calc "$(now) - $_t0" 3)
vigie report --day "$day" --format json >"$tmp/after.json"
cmp -s "$tmp/before.json" "$tmp/after.json" || die "the report differs after the restore"
echo "backup:  $keys keys, $mb MB: backup $bt s ($(calc "$mb / $bt" 0) MB/s), restore $rs s" \
    "($(calc "$mb / $rs" 0) MB/s); the day's report reads the same after the restore"
redis_stop
shared
