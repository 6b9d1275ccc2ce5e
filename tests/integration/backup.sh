#!/bin/sh
# tests/integration/backup.sh - vigie backup and restore on real parts:
# the pipeline fills Redis from the fixture auth.log; a backup, a flush
# and a restore give byte-identical reports and the same incidents; a
# damaged backup (cut at 20 offsets, or one byte flipped) is refused with
# Redis untouched; a restore over data needs --force, which saves that
# data first; --dir and --keep name and prune the daily files.
set -eu

NAME=backup . "$(dirname "$0")/lib.sh"

start_redis --appendonly no

/usr/bin/perl tests/fixtures/mkmmdb.pl --schema maxmind tests/fixtures/geo.txt "$tmp/geo.mmdb"
cp tests/fixtures/auth.log "$tmp/auth.log"
cat >"$tmp/vigie.conf" <<EOF
[redis]
address = $R
[geo]
database = $tmp/geo.mmdb
home-countries = FR
[rules]
path = rules
[collector]
sensor = web1
state-dir = $tmp/state
log = $tmp/auth.log:sshd
[correlator]
timezone = UTC
EOF
V() { "$BIN/vigie" -c "$tmp/vigie.conf" "$@"; }
# snapshot NAME: what an analyst sees, into $tmp/NAME.*
snapshot() {
	V report --days 3650 --format json >"$tmp/$1.report"
	V incidents list --format json >"$tmp/$1.incidents"
	for id in $(jq -r '.[].id' "$tmp/$1.incidents"); do
		V incidents show "$id" --format json
	done >"$tmp/$1.shows"
	rcli --raw KEYS 'vigie:*' | sort >"$tmp/$1.keys"
}

echo "# the pipeline fills Redis"
check "collector --once" "$BIN/vigie-collector" -c "$tmp/vigie.conf" --once
check "correlator --drain" sh -c "'$BIN/vigie-correlator' --allow-root -c '$tmp/vigie.conf' --drain 2>'$tmp/drain.err'"
snapshot before
check "incidents to compare" test "$(jq length "$tmp/before.incidents")" -ge 2
check "days to compare" test "$(jq length "$tmp/before.report")" -ge 1

echo "# backup, flush, restore"
check "backup" V backup "$tmp/one.vbk"
check "no temporary file left" test ! -e "$tmp/one.vbk.tmp"
check "the file is private" test "$(stat -c %a "$tmp/one.vbk")" = 600
check "it starts with its format" test "$(head -c 15 "$tmp/one.vbk")" = "VIGIE-BACKUP 1"
nkeys=$(wc -l <"$tmp/before.keys")
V backup "$tmp/one.vbk" >"$tmp/backup.out"
check "the summary counts every key ($nkeys)" grep -q "^$tmp/one.vbk: $nkeys keys" "$tmp/backup.out"
rcli FLUSHALL >/dev/null
check "flushed" test "$(rcli DBSIZE)" = 0
check "dry run" sh -c "'$BIN/vigie' -c '$tmp/vigie.conf' restore --dry-run '$tmp/one.vbk' >'$tmp/dry.out'"
check "dry run says what it would write" grep -q "would write $nkeys keys" "$tmp/dry.out"
check "dry run writes nothing" test "$(rcli DBSIZE)" = 0
check "restore" V restore "$tmp/one.vbk"
snapshot after
for f in report incidents shows keys; do
	check "restored $f identical" cmp "$tmp/before.$f" "$tmp/after.$f"
done
check "expiry kept (day keys still expire)" sh -c "test \$(redis-cli -s '$sock' PTTL \$(redis-cli -s '$sock' --raw KEYS 'vigie:day:*:totals' | head -n 1)) -gt 0"
check "the stream's consumer group came back" sh -c "redis-cli -s '$sock' XINFO GROUPS vigie:ev:{web1} | grep -qx correlators"

echo "# a restore over data"
err="$tmp/over.err"
check "refused without --force (exit 2)" test "$(status "$err" V restore "$tmp/one.vbk")" = 2
check "it says why" grep -q "already holds Vigie data" "$err"
rcli SET vigie:extra 1 >/dev/null
check "restore --force" sh -c "'$BIN/vigie' -c '$tmp/vigie.conf' restore --force '$tmp/one.vbk' >'$tmp/force.out'"
saved=$(ls "$tmp"/vigie-before-restore-*.vbk 2>/dev/null | head -n 1)
check "--force saved the data it replaced" test -n "$saved"
check "the saved copy holds the extra key" sh -c "grep -aq 'vigie:extra' '$saved'"
check "the extra key is gone" test "$(rcli EXISTS vigie:extra)" = 0
snapshot forced
check "forced restore identical" cmp "$tmp/before.report" "$tmp/forced.report"

echo "# damaged backups are refused, Redis untouched"
rcli FLUSHALL >/dev/null
size=$(stat -c %s "$tmp/one.vbk")
bad=0
i=0
while [ $i -lt 20 ]; do
	cut=$(( (size - 1) * i / 19 ))
	[ $cut -ge "$size" ] && cut=$((size - 1))
	head -c "$cut" "$tmp/one.vbk" >"$tmp/cut.vbk"
	rc=$(status "$tmp/cut.err" V restore "$tmp/cut.vbk")
	if [ "$rc" != 2 ] || [ "$(rcli DBSIZE)" != 0 ] || ! grep -q "nothing was written" "$tmp/cut.err"; then
		bad=$((bad + 1)); echo "# cut at $cut: exit $rc, $(cat "$tmp/cut.err")"
	fi
	i=$((i + 1))
done
check "a backup cut at any of 20 offsets is refused, nothing written" test $bad = 0
for off in 20 $((size / 3)) $((size / 2)) $((size - 20)); do
	cp "$tmp/one.vbk" "$tmp/flip.vbk"
	/usr/bin/perl -e 'open(my $f, "+<", $ARGV[0]) or die; seek($f, $ARGV[1], 0);
	    read($f, my $c, 1); seek($f, $ARGV[1], 0); print $f chr(ord($c) ^ 0x10);' \
	    "$tmp/flip.vbk" "$off"
	rc=$(status "$tmp/flip.err" V restore "$tmp/flip.vbk")
	check "a byte flipped at $off: refused (exit 2), nothing written" \
	    sh -c "test $rc = 2 && test \$(redis-cli -s '$sock' DBSIZE) = 0"
done
check "the message names the file and byte" grep -q "$tmp/flip.vbk: byte [0-9]*:" "$tmp/flip.err"
printf 'not a backup\n' >"$tmp/junk.vbk"
check "not a backup: refused" test "$(status "$tmp/junk.err" V restore "$tmp/junk.vbk")" = 2
check "it says so" grep -q "not a Vigie backup" "$tmp/junk.err"

echo "# daily backups: --dir and --keep"
check "restore again" V restore "$tmp/one.vbk"
mkdir -p "$tmp/daily"
for d in 20260101T000000Z 20260102T000000Z 20260103T000000Z; do
	cp "$tmp/one.vbk" "$tmp/daily/vigie-$d.vbk"
done
touch "$tmp/daily/notes.txt"
check "backup --dir --keep 2" V backup --dir "$tmp/daily" --keep 2
check "two backups kept" test "$(ls "$tmp/daily" | grep -c '^vigie-.*\.vbk$')" = 2
check "the newest is today's" sh -c "ls '$tmp/daily' | grep -q \"^vigie-$(date -u +%Y%m%d)T\""
check "other files untouched" test -e "$tmp/daily/notes.txt"

echo "# usage"
check "--keep without --dir: exit 2" test "$(status "$tmp/u.err" V backup "$tmp/x.vbk" --keep 3)" = 2
check "no file: exit 2" test "$(status "$tmp/u.err" V restore)" = 2
check "unreadable target dir: exit 1" test "$(status "$tmp/u.err" V backup "$tmp/nodir/x.vbk")" = 1
check "it names the path" grep -q "$tmp/nodir/x.vbk.tmp" "$tmp/u.err"

done_tests
