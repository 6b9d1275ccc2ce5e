#!/bin/sh
# tests/integration/order.sh - incidents and figures do not depend on the
# order events are processed in: the same 200,000-line day (1) by one
# worker in order, and by four workers in two processes killed mid-drain
# and restarted; (2) read newest line first. Counters, HyperLogLog counts
# and incident sets (rule, group, first_seen, last_seen, count) must be
# identical, and for any order of the lines. Also (3) every group_by key on a fixture whose groups were
# computed by hand, and a rule whose event lacks its key.
set -eu

NAME=ord . "$(dirname "$0")/lib.sh"
start_redis --appendonly no

/usr/bin/perl tests/fixtures/mkmmdb.pl --schema maxmind tests/fixtures/geo.txt "$tmp/geo.mmdb"
"$B/tools/genlog" --seed 11 --days 1 --lines 200000 --end 1795400000 -o "$tmp/day.log"
tac "$tmp/day.log" >"$tmp/rev.log"
shuf --random-source="$tmp/day.log" "$tmp/day.log" >"$tmp/shuf.log"
touch -d @1795400000 "$tmp/day.log" "$tmp/rev.log" "$tmp/shuf.log"

# conf PREFIX LOG: a config for one run.
conf() {
	cat >"$tmp/$1.conf" <<EOC
[redis]
address = $R
prefix = $1:
[geo]
database = $tmp/geo.mmdb
home-countries = FR
[rules]
path = rules
[collector]
sensor = web1
state-dir = $tmp/state-$1
log = $2:sshd
[correlator]
timezone = UTC
EOC
}
# figures PREFIX: every counter of the days, and the incident set.
figures() {
	for d in 2026-11-22 2026-11-23 2026-11-24; do
		"$BIN/vigie" -c "$tmp/$1.conf" report --day $d --format json
	done | jq -S . >"$tmp/$1.report"
	"$BIN/vigie" -c "$tmp/$1.conf" incidents list --limit 1000000 --format json |
	    jq -S '[.[] | {rule, group, first_seen, last_seen, count}] | sort_by(.rule, .group, .first_seen)' \
	    >"$tmp/$1.incidents"
	# Hits per rule and the latest hit of each, whatever the commit order.
	rcli HGETALL "$1:rules:stats" | paste - - | LC_ALL=C sort >"$tmp/$1.stats"
}

echo "# (1) one worker, in order"
conf one "$tmp/day.log"
"$BIN/vigie-collector" -c "$tmp/one.conf" --once 2>/dev/null
check "one worker drains" "$BIN/vigie-correlator" --allow-root -c "$tmp/one.conf" --no-http --drain
figures one
n=$(jq length "$tmp/one.incidents")
check "the day has incidents to compare ($n)" test "$n" -gt 50

# The same incidents computed apart, from the events themselves: per
# source, runs of auth_fail whose gaps are at most a day; an incident
# starts at the first detection with 5 in the next 600 s, and counts the
# run from there. Read from a stream no correlator trims.
conf ref "$tmp/day.log"
"$BIN/vigie-collector" -c "$tmp/ref.conf" --once 2>/dev/null
"$BIN/vigie" -c "$tmp/ref.conf" events --count 0 --format json |
    jq -r 'select(.program == "sshd" and .action == "auth_fail") | "\(.src_ip) \(.ts)"' |
    LC_ALL=C sort -k1,1 -k2,2n | awk -v W=600000000 -v Q=86400000000 -v TH=5 '
	function flush(   i, j) {
		for (i = 1; i <= n; i++) {
			j = i + TH - 1
			if (j <= n && t[j] - t[i] <= W) {
				printf "%s %d %d %d\n", g, t[i] / 1000000, t[n] / 1000000, n - i + 1
				break
			}
		}
		n = 0
	}
	$1 != g || $2 - t[n] > Q { if (n) flush(); g = $1 }
	{ t[++n] = $2 }
	END { if (n) flush() }' | LC_ALL=C sort >"$tmp/reference"
jq -r '.[] | select(.rule == "ssh_password_guessing") |
    "\(.group) \(.first_seen | fromdate) \(.last_seen | fromdate) \(.count)"' \
    "$tmp/one.incidents" | LC_ALL=C sort >"$tmp/one.ref"
check "(1) the incidents are exactly the runs that reach 5 in 600 s" \
    diff -u "$tmp/reference" "$tmp/one.ref"

# Every incident change reaches the SIEM's stream once, in the same step.
check "each incident opened once in the alerts stream" test \
    "$(rcli XRANGE one:alerts - + | grep -c '^opened$')" = "$(rcli ZCARD one:incidents)"
check "alert ids are unique" sh -c "redis-cli -s '$sock' XRANGE one:alerts - + |
    awk 'p == \"alert_id\" { print } { p = \$0 }' | sort | uniq -d | grep -c . | grep -qx 0"

echo "# (1) four workers in two processes, killed mid-drain and restarted"
conf four "$tmp/day.log"
sed -i 's/^\[correlator\]$/frame-events = 32\n[correlator]/' "$tmp/four.conf"
"$BIN/vigie-collector" -c "$tmp/four.conf" --once 2>/dev/null
for round in 1 2; do
	"$BIN/vigie-correlator" --allow-root -c "$tmp/four.conf" --no-http --workers 2 2>>"$tmp/four.log" &
	p1=$!
	"$BIN/vigie-correlator" --allow-root -c "$tmp/four.conf" --no-http --workers 2 2>>"$tmp/four.log" &
	p2=$!
	pids="$pids $p1 $p2"
	sleep 0.$((3 + round * 2))
	kill -9 "$p1" "$p2" 2>/dev/null || true
	wait "$p1" 2>/dev/null || true
	wait "$p2" 2>/dev/null || true
done
"$BIN/vigie-correlator" --allow-root -c "$tmp/four.conf" --no-http --workers 2 --drain 2>>"$tmp/four.log" &
p1=$!
"$BIN/vigie-correlator" --allow-root -c "$tmp/four.conf" --no-http --workers 2 --drain 2>>"$tmp/four.log" &
p2=$!
rc1=0; wait "$p1" || rc1=$?
rc2=0; wait "$p2" || rc2=$?
check "two drains finish ($rc1, $rc2)" test "$rc1$rc2" = 00
check "and leave nothing pending" test "$(rcli XPENDING 'four:ev:{web1}' correlators | head -1)" = 0
figures four
check "(1) the same counters and unique sources" cmp "$tmp/one.report" "$tmp/four.report"
check "(1) the same incidents" diff -u "$tmp/one.incidents" "$tmp/four.incidents"
check "(1) the same rule hits and latest hits" diff -u "$tmp/one.stats" "$tmp/four.stats"

# same_as_one NAME LOG WHAT: one worker on LOG, compared with the first run.
same_as_one() {
	conf "$1" "$2"
	"$BIN/vigie-collector" -c "$tmp/$1.conf" --once 2>/dev/null
	check "$3: drained" "$BIN/vigie-correlator" --allow-root -c "$tmp/$1.conf" --no-http --drain
	figures "$1"
	check "(2) $3: the same counters and unique sources" cmp "$tmp/one.report" "$tmp/$1.report"
	check "(2) $3: the same incidents" diff -u "$tmp/one.incidents" "$tmp/$1.incidents"
	check "(2) $3: the same rule hits and latest hits" diff -u "$tmp/one.stats" "$tmp/$1.stats"
}
echo "# (2) the newest line first, then lines in a random order"
same_as_one rev "$tmp/rev.log" "newest first"
same_as_one shuf "$tmp/shuf.log" "random order"

echo "# (3) every group_by key, groups computed by hand"
cat >"$tmp/g1.log" <<'EOL'
2026-11-22T10:00:00Z web1 sshd[1]: Failed password for root from 198.51.100.1 port 1000 ssh2
2026-11-22T10:00:10Z web1 sshd[1]: Failed password for root from 198.51.100.2 port 1001 ssh2
2026-11-22T10:00:20Z web2 sshd[2]: Failed password for admin from 198.51.100.3 port 1002 ssh2
2026-11-22T10:00:30Z web2 sshd[2]: Failed password for admin from 198.51.100.1 port 1003 ssh2
2026-11-22T10:00:40Z web1 sshd[1]: Failed password for root from 198.51.100.5 port 1004 ssh2
EOL
cat >"$tmp/g2.log" <<'EOL'
2026-11-22T10:01:00Z web2 sshd[3]: Failed password for admin from 198.51.100.6 port 1005 ssh2
2026-11-22T10:01:10Z web3 sshd[4]: Failed password for guest from 198.51.100.7 port 1006 ssh2
EOL
for s in 1 2; do
	"$BIN/vigie-collector" --redis "$R" --sensor "s$s" --state-dir "$tmp/state-g$s" \
	    --log "$tmp/g$s.log:sshd" --once 2>/dev/null
done
# Logs carry no destination: a frame of four events that do, written
# byte by byte as frame format 1 (core/event.h) for sensor s3.
# field NUMBER VALUE: one field (short values: one-byte lengths).
field() { printf "\\$(printf %03o "$1")\\$(printf %03o ${#2})%s\\000" "$2"; }
# event TS DEST: kind, ts, src_ip, dest_ip, action.
event() {
	printf '\005'
	field 0 log; field 1 "$1"; field 3 198.51.100.9; field 5 "$2"; field 21 auth_fail
}
{
	printf 'VGF\001\004\000\000\000\002s3\000'
	event 1795345200000000 192.0.2.10
	event 1795345201000000 192.0.2.10
	event 1795345202000000 192.0.2.20
	event 1795345203000000 192.0.2.10
} >"$tmp/dest.frame"
rcli SADD vigie:sensors s3 >/dev/null
rcli -x XADD 'vigie:ev:{s3}' 1795345300000-0 frame <"$tmp/dest.frame" >/dev/null
check "groups: the hand-made frame reads back" sh -c \
    "'$BIN/vigie' --redis '$R' events --sensor s3 --format json | jq -r .dest_ip | tr '\n' ' ' | grep -qx '192.0.2.10 192.0.2.10 192.0.2.20 192.0.2.10 '"
check "groups: drained" "$BIN/vigie-correlator" --allow-root --redis "$R" --rules tests/fixtures/rules/groups.yar \
    --timezone UTC --no-http --drain
"$BIN/vigie" --redis "$R" incidents list --limit 1000 --format json |
    jq -r '.[] | "\(.rule) \(.group) \(.count)"' | LC_ALL=C sort >"$tmp/groups"
LC_ALL=C sort >"$tmp/groups.want" <<'EOW'
by_dest 192.0.2.10 3
by_dest 192.0.2.20 1
by_host web1 3
by_host web2 3
by_rule by_rule 11
by_sensor s1 5
by_sensor s3 4
by_src 198.51.100.1 2
by_src 198.51.100.9 4
by_user admin 3
by_user root 3
EOW
check "groups: user, host (the event's, not the sensor), sensor, rule, src_ip, dest_ip" \
    diff -u "$tmp/groups.want" "$tmp/groups"
check "groups: events that lack the key open nothing, and say so (7 logs lack dest_ip)" \
    test "$(rcli HGET vigie:rules:stats by_dest:no_group)" = 7
check "groups: (4 frame events lack user and host)" test \
    "$(rcli HGET vigie:rules:stats by_user:no_group) $(rcli HGET vigie:rules:stats by_host:no_group)" = "4 4"

done_tests
