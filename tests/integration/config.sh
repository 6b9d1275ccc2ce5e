#!/bin/sh
# tests/integration/config.sh - vigie config check names every mistake of
# a file with its line in one run, and the files it refers to (geo
# database, rules, token, logs, captures); vigie config diff says what a
# change would do to the data and refuses an unconfirmed deletion.
set -eu

NAME=config . "$(dirname "$0")/lib.sh"

start_redis --appendonly no
/usr/bin/perl tests/fixtures/mkmmdb.pl --schema maxmind tests/fixtures/geo.txt "$tmp/geo.mmdb"
V() { "$BIN/vigie" "$@"; }

echo "# ten mistakes, ten lines"
printf 'not a database\n' >"$tmp/junk.mmdb"
printf 'abcdefghijklmnopqrstuvwxyz012345\n' >"$tmp/token"
chmod 644 "$tmp/token"
: >"$tmp/empty.yar"
cat >"$tmp/bad.conf" <<EOF
[redis]
address = $R
this line is junk
[geo]
database = $tmp/junk.mmdb
home-countries = FR, XYZ
[rules]
path = $tmp/empty.yar
[collector]
frame-events = 0
log = $tmp/nodir/auth.log:sshd
[correlator]
timezone = Mars/Olympus
workers = 2
workers = 3
http-token-file = $tmp/token
bogus-key = 1
EOF
rc=$(status "$tmp/bad.err" V config check "$tmp/bad.conf")
check "refused: exit 2" test "$rc" = 2
for l in 3:syntax 5:database 6:home-countries 8:'no rules' 10:frame-events \
    11:'nodir' 13:Mars 15:'given again' 16:'readable by others' 17:bogus-key; do
	n=${l%%:*}
	w=${l#*:}
	check "line $n: $w" grep -q "^$tmp/bad.conf:$n: .*$w" "$tmp/bad.err"
done
check "ten problems counted" grep -q "^$tmp/bad.conf: 10 problems" "$tmp/bad.err"

echo "# the same file, right"
chmod 600 "$tmp/token"
mkdir -p "$tmp/logs" "$tmp/rules"
cp rules/*.yar "$tmp/rules/"
cat >"$tmp/good.conf" <<EOF
[redis]
address = $R
[geo]
database = $tmp/geo.mmdb
home-countries = FR
[rules]
path = $tmp/rules
[collector]
state-dir = $tmp/state
log = $tmp/logs/auth.log:sshd
[correlator]
http = 0.0.0.0:8080
http-token-file = $tmp/token
retention-days = 90
EOF
check "OK: exit 0" V config check "$tmp/good.conf"
check "a log that does not exist yet is a warning" sh -c "'$BIN/vigie' config check '$tmp/good.conf' 2>&1 | grep -q 'warning: log: .*does not exist yet'"
sed 's/^http-token-file.*//' "$tmp/good.conf" >"$tmp/open.conf"
check "a web view on 0.0.0.0 without a token: refused at its line" sh -c "'$BIN/vigie' config check '$tmp/open.conf' 2>&1 | grep -q '^$tmp/open.conf:12: http: 0.0.0.0:8080 is not a loopback address'"
check "a directory for a file: said so" sh -c "'$BIN/vigie' config check '$tmp' 2>&1 | grep -q 'a directory, not a configuration file'"
printf '[geo]\ndatabase = %s\n[rules]\npath = %s/rules\n' "$tmp/token" "$tmp" >"$tmp/geo.conf"
check "a file that is no MaxMind DB: named" sh -c "'$BIN/vigie' config check '$tmp/geo.conf' 2>&1 | grep -q 'geo.conf:2: database: database .*: not a MaxMind DB file'"

echo "# config diff"
for d in $(seq 0 9); do
	day=$(date -u -d "-$((d * 10)) days" +%F)
	rcli HSET "vigie:day:$day:totals" events 1 >/dev/null
done
rcli HSET vigie:config retention-days 90 >/dev/null
sed 's/^retention-days = 90/retention-days = 30/' "$tmp/good.conf" >"$tmp/shrink.conf"
rc=$(status "$tmp/diff.err" sh -c "'$BIN/vigie' config diff '$tmp/good.conf' '$tmp/shrink.conf' >'$tmp/diff.out'")
check "a retention shrink without confirmation: exit 2" test "$rc" = 2
check "it says what changes" grep -q "retention-days: 90 at .*good.conf:14 -> 30 at .*shrink.conf:14" "$tmp/diff.out"
check "it counts the days it deletes" sh -c "grep -q 'would delete 6 days' '$tmp/diff.err' '$tmp/diff.out'"
check "and says it is refused" grep -q "not confirmed: refused" "$tmp/diff.out"
{ cat "$tmp/shrink.conf"; echo "confirm-retention-shrink = 6"; } >"$tmp/confirmed.conf"
check "confirmed: exit 0" sh -c "'$BIN/vigie' config diff '$tmp/good.conf' '$tmp/confirmed.conf' >'$tmp/diff2.out' 2>&1"
check "still says it can lose data" grep -q "can lose data" "$tmp/diff2.out"
sed 's|^state-dir = .*|state-dir = /var/tmp/elsewhere|' "$tmp/good.conf" >"$tmp/moved.conf"
V config diff "$tmp/good.conf" "$tmp/moved.conf" >"$tmp/moved.out" 2>&1 || true
check "a new state-dir strands the old spool: said" grep -q "frames still in $tmp/state/spool-" "$tmp/moved.out"
check "no change: exit 0, said" sh -c "'$BIN/vigie' config diff '$tmp/good.conf' '$tmp/good.conf' | grep -q 'no change'"
check "config without a subcommand: exit 2" test "$(status "$tmp/u.err" V config)" = 2

done_tests
