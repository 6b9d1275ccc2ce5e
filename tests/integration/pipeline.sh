#!/bin/sh
# tests/integration/pipeline.sh - the whole pipeline on real parts: a
# private redis-server on a unix socket, the collector on a fixture
# auth.log, the correlator with rules/ssh.yar (the figures are computed
# by hand for its one rule; the pack is samples.sh's) and a fixture .mmdb,
# then the exact figures computed by hand for that fixture. Also: runs
# repeated on the same state change nothing, a collector and a
# correlator killed mid-way lose and double-count nothing, frames that
# cannot be decoded go to the dead-letter stream and stop nothing, and
# bad input is refused with exit 2 naming file and line. Streams hold
# frames of events: XLEN and XPENDING count frames; the events in them
# are read with `vigie events`.
set -eu

NAME=it . "$(dirname "$0")/lib.sh"

# same_json NAME GOT_FILE WANT_FILE: equal as JSON, key order aside.
same_json() {
	jq -S . "$2" >"$tmp/got.json" && jq -S . "$3" >"$tmp/want.json" &&
	    diff -u "$tmp/want.json" "$tmp/got.json"
}

start_redis --appendonly no

/usr/bin/perl tests/fixtures/mkmmdb.pl --schema maxmind tests/fixtures/geo.txt "$tmp/maxmind.mmdb"
/usr/bin/perl tests/fixtures/mkmmdb.pl --schema ipdb tests/fixtures/geo.txt "$tmp/ipdb.mmdb"
cp tests/fixtures/auth.log "$tmp/auth.log"
# The year of a traditional syslog date comes from the file's mtime.
touch -d '2026-11-22 06:00:00 UTC' "$tmp/auth.log"

collect() {
	"$BIN/vigie-collector" --redis "$R" --sensor web1 --state-dir "$tmp/state" \
	    --log "$tmp/auth.log:sshd" --once "$@"
}
correlate() {
	"$BIN/vigie-correlator" --allow-root --redis "$R" --rules rules/ssh.yar --geoip "$tmp/maxmind.mmdb" \
	    --home-countries FR --timezone UTC --drain "$@"
}
# expect_figures PREFIX_ARGS...: every hand-computed figure.
expect_figures() {
	for d in 2026-11-20 2026-11-21 2026-11-22; do
		"$BIN/vigie" "$@" report --day $d --format json >"$tmp/report-$d.json"
		check "report $d ($*)" same_json "report $d" "$tmp/report-$d.json" \
		    "tests/fixtures/expected/report-$d.json"
	done
	"$BIN/vigie" "$@" incidents list --format json |
	    jq '[.[] | {id, rule, category, severity, group, src_ip, country,
	        count, status, first_seen, last_seen}]' >"$tmp/incidents.json"
	check "incidents ($*)" same_json incidents "$tmp/incidents.json" \
	    tests/fixtures/expected/incidents.json
}

# events SENSOR [OPTION...]: the sensor's events as JSON lines into
# $tmp/ev-SENSOR.json (vigie events); its exit status.
events() {
	s=$1; shift
	"$BIN/vigie" --redis "$R" "$@" events --sensor "$s" --count 1000000 \
	    --format json >"$tmp/ev-$s.json" 2>"$tmp/ev-$s.err"
}
# stream_ids KEY: the stream's entry ids, one a line.
stream_ids() { rcli XRANGE "$1" - + | awk '/^[0-9]+-[0-9]+$/'; }

echo "# first run"
check "collector --once" collect
events web1
check "stream holds every line once" test "$(wc -l <"$tmp/ev-web1.json")" = 50
check "each event's id is its frame's id and its index" sh -c \
    "jq -r .id '$tmp/ev-web1.json' | awk -F/ '\$2 != (\$1 == f ? i + 1 : 0) { exit 1 } { f = \$1; i = \$2 }'"
frames=$(rcli XLEN 'vigie:ev:{web1}')
check "stream holds frames, not one entry per event" test "$frames" -ge 1 -a "$frames" -lt 50
check "sensor registered" test "$(rcli SMEMBERS vigie:sensors)" = web1
check "correlator --drain" correlate
check "group has nothing pending" test "$(rcli XPENDING 'vigie:ev:{web1}' correlators | head -1)" = 0
expect_figures --redis "$R"

# An event's fields, as the parser set them: the hostile user name does
# not move the source, IPv4-mapped becomes IPv4.
check "hostile user name keeps its real source" sh -c \
    "jq -r 'select(.src_ip == \"218.92.0.7\") | .id' '$tmp/ev-web1.json' | wc -l | grep -qx 3"
check "IPv4-mapped source normalised" sh -c \
    "jq -r .src_ip '$tmp/ev-web1.json' | grep -qx 185.220.101.4"
stream_ids 'vigie:ev:{web1}' >"$tmp/ids"
check "explicit frame ids are strictly increasing" sh -c \
    "sort -t- -k1,1n -k2,2n -u -c '$tmp/ids' && test \$(wc -l <'$tmp/ids') = $frames"
check "evidence of incident 1 holds the lines that fired it" sh -c \
    "'$BIN/vigie' --redis '$R' incidents show 1 --format json | jq -r '.evidence[].line' | grep -c 'Failed password' | grep -qx 6"
check "each piece of evidence is whole again: id, ts, sensor, source" sh -c \
    "'$BIN/vigie' --redis '$R' incidents show 1 --format json | jq -e '[.evidence[] | (.id | test(\"^[0-9]+-[0-9]+/[0-9]+$\")) and .ts > 0 and .sensor == \"web1\" and .src_ip != null and .kind == \"log\" and (keys_unsorted[0:5] == [\"id\",\"kind\",\"ts\",\"sensor\",\"src_ip\"])] | length == 6 and all'"

# Incident 1 went quiet for over 24 h of event time before the Nov 21
# burst: the commit closed it, and the burst opened a new window (3 of
# the 5 the threshold needs) instead of joining it. Incidents 2 and 3
# were closed at the end of the drain by the wall-clock sweep.
check "a detection after the quiet period closes the incident" test \
    "$(rcli HGET vigie:inc:1 closed_by)" = "quiet period"
check "and starts a new window" test "$(rcli ZCARD 'vigie:win:ssh_password_guessing:61.177.172.5')" = 3
check "the sweep leaves no incident marked open" test "$(rcli ZCARD vigie:incidents:open)" = 0
check "nor any open-incident pointer" test -z "$(rcli --scan --pattern 'vigie:inc:open:*')"

echo "# the same file and state again: nothing new, nothing counted twice"
check "collector --once again" collect
check "stream unchanged" test "$(rcli XLEN 'vigie:ev:{web1}')" = "$frames"
check "correlator --drain again" correlate
expect_figures --redis "$R"
check "lines appended later are read from the saved offset" sh -c "
	printf '%s\n' 'Nov 22 07:00:00 web1 sshd[4000]: Accepted publickey for deploy from 10.0.0.9 port 60000 ssh2: ED25519 SHA256:abc' >>'$tmp/auth.log'
	touch -d '2026-11-22 07:00:01 UTC' '$tmp/auth.log'
	'$BIN/vigie-collector' --redis '$R' --sensor web1 --state-dir '$tmp/state' --log '$tmp/auth.log:sshd' --once &&
	test \"\$(redis-cli -s '$sock' XLEN 'vigie:ev:{web1}')\" = $((frames + 1))"
check "correlator counts the appended line once" correlate
check "day 2026-11-22 has 2 events" test "$(rcli HGET vigie:day:2026-11-22:totals events)" = 2

echo "# an acknowledged frame given to the commit function again counts nothing"
id=$(head -1 "$tmp/ids")
before=$(rcli HGET vigie:day:2026-11-20:totals events)
check "commit refuses an acknowledged frame" test "$(rcli FCALL vigie_commit_v4 1 'vigie:ev:{web1}' correlators vigie: 86400 86400000000 20 1000 10000 0 0 \
    "$id" F 7 1 0 0 H day:2026-11-20:totals 1 events 7 | tr '\n' ' ')" = "0 7 0 "
check "counters unchanged" test "$(rcli HGET vigie:day:2026-11-20:totals events)" = "$before"
check "nor dead-letters it" test "$(rcli FCALL vigie_commit_v4 1 'vigie:ev:{web1}' correlators vigie: 86400 86400000000 20 1000 10000 0 0 \
    "$id" D "not a frame" xyz | tr '\n' ' ')" = "0 0 0 "
check "a bad argument layout is refused before any write" sh -c \
    "redis-cli -s '$sock' FCALL vigie_commit_v4 1 'vigie:ev:{web1}' correlators vigie: 86400 86400000000 20 1000 10000 0 0 \
    '$id' F 7 1 0 0 H day:2026-11-20:totals 2 events 7 | grep -q 'truncated arguments' &&
    test \"\$(redis-cli -s '$sock' HGET vigie:day:2026-11-20:totals events)\" = '$before'"
check "a block of detections that does not add up is refused before any write" sh -c \
    "redis-cli -s '$sock' FCALL vigie_commit_v4 1 'vigie:ev:{web1}' correlators vigie: 86400 86400000000 20 1000 10000 0 0 \
    '$id' F 7 1 1 2 H day:2026-11-20:totals 1 events 7 \"\$(printf '1\\t2\\tx')\" one | grep -q 'bad\\|add up\\|truncated' &&
    test \"\$(redis-cli -s '$sock' HGET vigie:day:2026-11-20:totals events)\" = '$before'"

echo "# crashes: a collector killed between spool and Redis, a correlator killed before its commit"
cat >"$tmp/vigie.conf" <<EOF
; config-file run: another prefix, the ip-location-db schema
[redis]
address = $R
prefix = crash:
[geo]
database = $tmp/ipdb.mmdb
home-countries = FR
[rules]
path = rules/ssh.yar
[collector]
sensor = web1
state-dir = $tmp/state2
log = $tmp/auth.log:sshd
frame-events = 10
[correlator]
timezone = UTC
stream-keep = 2
EOF
cp tests/fixtures/auth.log "$tmp/auth.log"
touch -d '2026-11-22 06:00:00 UTC' "$tmp/auth.log"
rc=$(VIGIE_TEST_CRASH_AFTER=2 status "$tmp/crash.err" "$BIN/vigie-collector" -c "$tmp/vigie.conf" --once)
check "collector died as told (exit 99)" test $rc = 99
# Every frame was in the spool, synced, before the first XADD; two were
# confirmed by Redis when the collector died, others may have been sent.
events web1 -c "$tmp/vigie.conf"
n=$(wc -l <"$tmp/ev-web1.json")
check "the confirmed frames are in Redis ($n events)" test "$n" -ge 20 -a "$n" -le 50
check "restarted collector sends what Redis lacks and goes on" \
    "$BIN/vigie-collector" -c "$tmp/vigie.conf" --once
events web1 -c "$tmp/vigie.conf"
check "every line stored once" test "$(wc -l <"$tmp/ev-web1.json")" = 50
check "no event twice" sh -c "jq -c 'del(.id)' '$tmp/ev-web1.json' | sort | uniq -d | grep -c . | grep -qx 0"
cframes=$(rcli XLEN 'crash:ev:{web1}')
check "more frames than stream-keep, to see the trim" test "$cframes" -gt 2
rc=$(VIGIE_TEST_CRASH_BEFORE=1 status "$tmp/crash2.err" "$BIN/vigie-correlator" --allow-root -c "$tmp/vigie.conf" --drain)
check "correlator died as told (exit 99)" test $rc = 99
check "its batch is left pending" test "$(rcli XPENDING 'crash:ev:{web1}' correlators | head -1)" = "$cframes"
check "nothing counted yet" test -z "$(rcli HGET crash:day:2026-11-20:totals events)"
# A serving correlator trims at once, before it may claim the dead one's
# entries (they are not idle long enough yet): the trim must spare them.
"$BIN/vigie-correlator" --allow-root -c "$tmp/vigie.conf" --no-http 2>"$tmp/serve.err" &
serve_pid=$!
sleep 2
kill "$serve_pid"
wait "$serve_pid" || true
check "a trim spares entries still pending" test "$(rcli XLEN 'crash:ev:{web1}')" = "$cframes"
check "and they are still pending" test "$(rcli XPENDING 'crash:ev:{web1}' correlators | head -1)" = "$cframes"
check "a new correlator claims and counts the dead one's entries" \
    "$BIN/vigie-correlator" --allow-root -c "$tmp/vigie.conf" --drain
check "nothing left pending" test "$(rcli XPENDING 'crash:ev:{web1}' correlators | head -1)" = 0
check "the drained stream is trimmed to stream-keep entries" test "$(rcli XLEN 'crash:ev:{web1}')" = 2
events web1 -c "$tmp/vigie.conf"
check "and keeps the newest: the fixture's last line" test \
    "$(tail -n 1 "$tmp/ev-web1.json" | jq .ts)" = "$(date -u -d '2026-11-21 12:24:00' +%s)000000"
expect_figures -c "$tmp/vigie.conf"

echo "# hostile lines: overlong, NUL bytes, invalid UTF-8, CRLF, empty"
h="$tmp/hostile.log"
{
	# 1: a 100 KiB user name (sshd itself cuts messages at 1 KiB: only a
	# forged file has this): kept to 64 KiB, one event, counted truncated,
	# no longer recognised since its source was cut off.
	printf 'Nov 20 08:00:00 web1 sshd[900]: Failed password for invalid user '
	head -c 102400 /dev/zero | tr '\0' A
	printf ' from 61.177.172.9 port 1000 ssh2\n'
	# 2: NUL bytes inside the user name.
	printf 'Nov 20 08:00:01 web1 sshd[900]: Failed password for invalid user r\000o\000ot from 61.177.172.9 port 1001 ssh2\n'
	# 3, 4: invalid UTF-8 and a terminal escape in the user name.
	printf 'Nov 20 08:00:02 web1 sshd[900]: Failed password for invalid user \377\376adm\300in from 61.177.172.9 port 1002 ssh2\n'
	printf 'Nov 20 08:00:03 web1 sshd[900]: Failed password for invalid user \033[31mred from 61.177.172.9 port 1003 ssh2\n'
	# 5: CRLF ending; then an empty line, which records nothing.
	printf 'Nov 20 08:00:04 web1 sshd[900]: Failed password for root from 61.177.172.9 port 1004 ssh2\r\n'
	printf '\n'
	printf 'Nov 20 08:00:05 web1 sshd[900]: Failed password for admin from 61.177.172.9 port 1005 ssh2\n'
} >"$h"
touch -d '2026-11-22 06:00:00 UTC' "$h"
"$BIN/vigie-collector" --redis "$R" --sensor hostile --state-dir "$tmp/state3" \
    --log "$h:sshd" --once 2>"$tmp/hostile.err"
events hostile
check "hostile lines: seven lines read, six events" test "$(wc -l <"$tmp/ev-hostile.json")" = 6
check "hostile lines: the overlong one is counted as truncated" \
    grep -q "7 lines, 5 recognised, 0 without syslog header, 1 truncated" "$tmp/hostile.err"
check "hostile lines: the overlong line is kept to 64 KiB" sh -c \
    "head -n 1 '$tmp/ev-hostile.json' | jq -e '(.line | length) > 60000 and (.line | length) <= 65536'"
check "hostile lines: CR stripped from a CRLF line" sh -c \
    "jq -r .line '$tmp/ev-hostile.json' | grep -q 'port 1004 ssh2\$'"
check "correlator drains the hostile stream" "$BIN/vigie-correlator" --allow-root --redis "$R" --rules rules/ssh.yar \
    --geoip "$tmp/maxmind.mmdb" --home-countries FR --timezone UTC --drain
hid=$(rcli HGET vigie:day:2026-11-20:totals incidents_opened)
check "hostile lines: five attempts open an incident" test "$hid" = 3
inc=$(rcli GET 'vigie:inc:open:ssh_password_guessing:61.177.172.9')
check "hostile lines: its detail is valid JSON with five evidence entries" sh -c \
    "'$BIN/vigie' --redis '$R' incidents show $inc --format json | jq -e '.evidence | length == 5'"
check "hostile lines: invalid UTF-8 becomes U+FFFD in the evidence" sh -c \
    "'$BIN/vigie' --redis '$R' incidents show $inc --format json | jq -e '[.evidence[].user] | any(. == \"\\ufffd\\ufffdadm\\ufffdin\")'"
check "hostile lines: the text view shows no raw escape byte" sh -c \
    "! '$BIN/vigie' --redis '$R' incidents show $inc | grep -q \"\$(printf '\\033')\""

echo "# (4) a corrupt frame lands in vigie:dead and every other frame is counted"
# Frame format 1 by hand (core/event.h), values shorter than 128 bytes.
# Field numbers are read from the field table, never spelled here.
fno() { awk -F'"' -v n="$1" '/^FIELD\(/ { if ($2 == n) print i; i++ }' core/event_fields.h; }
F_KIND=$(fno kind) F_TS=$(fno ts) F_SRC=$(fno src_ip) F_PROG=$(fno program)
F_ACTION=$(fno action) F_USER=$(fno user) F_LINE=$(fno line)
F_SVC=$(fno service)
byte() { printf "\\$(printf %03o "$1")"; }
fld() { byte "$1"; byte "${#2}"; printf '%s\000' "$2"; }
hdr() { printf 'VGF\001'; byte "$1"; printf '\000\000\000'; byte 2; printf 't4\000'; }
# auth_fail TS SRC USER: an sshd rejected attempt (TS "": none, the frame's time).
auth_fail() {
	if [ -n "$1" ]; then byte 8; fld "$F_TS" "$1"; else byte 7; fi
	fld "$F_KIND" log; fld "$F_SRC" "$2"; fld "$F_PROG" sshd
	fld "$F_SVC" sshd
	fld "$F_ACTION" auth_fail; fld "$F_USER" "$3"
	fld "$F_LINE" "Failed password for $3 from $2 port 22 ssh2"
}
us() { echo "$(date -u -d "2026-12-01 $1" +%s)000000"; }
base=$(date -u -d '2026-12-01 09:00:00' +%s)000
xadd() { rcli -x XADD 'vigie:ev:{t4}' "$base-$1" frame >/dev/null; }
good1() {
	hdr 2; auth_fail "$(us 10:00:00)" 61.177.172.5 root
	byte 4; fld "$F_TS" "$(us 10:05:00)"; fld "$F_KIND" log
	fld "$F_SRC" 10.0.0.9; fld "$F_ACTION" auth_ok
}
good1 | xadd 1
{ printf 'XYZ'; good1 | tail -c +4; } | xadd 2
{ printf 'VGF\003'; good1 | tail -c +5; } | xadd 3
{ hdr 2; auth_fail "$(us 11:00:00)" 185.220.101.4 admin
    auth_fail "" 92.255.85.7 oracle; } | xadd 4
good1 | head -c 40 | xadd 5
rcli XADD 'vigie:ev:{t4}' "$base-6" data "not a frame field" >/dev/null
{ hdr 2; auth_fail "$(us 11:30:00)" 203.0.113.5 test
    auth_fail "$(us 12:00:00)" 90.1.2.3 guest; } | xadd 7
rcli SADD vigie:sensors t4 >/dev/null
check "correlator drains good and corrupt frames alike" sh -c \
    "'$BIN/vigie-correlator' --allow-root --redis '$R' --rules rules/ssh.yar --geoip '$tmp/maxmind.mmdb' \
    --home-countries FR --timezone UTC --drain 2>'$tmp/dead.err'"
check "nothing pending" test "$(rcli XPENDING 'vigie:ev:{t4}' correlators | head -1)" = 0
rcli --raw XRANGE vigie:dead - + | awk '
	f == "id" || f == "reason" || f == "stream" { printf "%s %s\n", f, $0 }
	{ f = $0 }' >"$tmp/dead.txt"
printf '%s\n' "stream vigie:ev:{t4}" "id $base-2" "reason not a frame" \
    "stream vigie:ev:{t4}" "id $base-3" "reason unknown frame version" \
    "stream vigie:ev:{t4}" "id $base-5" "reason truncated field" \
    "stream vigie:ev:{t4}" "id $base-6" "reason no frame field" >"$tmp/dead.want"
check "the four corrupt frames are in vigie:dead with their reasons" \
    diff -u "$tmp/dead.want" "$tmp/dead.txt"
check "with their bytes as they were" sh -c \
    "redis-cli -s '$sock' --raw XRANGE vigie:dead - + COUNT 1 | grep -a -q '^XYZ'"
check "counted in vigie:stats" test "$(rcli HGET vigie:stats dead)" = 4
check "logged once for the minute" test "$(grep -c 'cannot decode frame' "$tmp/dead.err")" = 1
check "and counted by the worker" grep -q '4 undecodable frames dead-lettered' "$tmp/dead.err"
"$BIN/vigie" --redis "$R" report --day 2026-12-01 --format json >"$tmp/report-2026-12-01.json"
check "the day's figures are those of the good frames" same_json "report 2026-12-01" \
    "$tmp/report-2026-12-01.json" tests/fixtures/expected/report-2026-12-01.json
check "a frame given again is dead-lettered once" test "$(rcli FCALL vigie_commit_v4 1 'vigie:ev:{t4}' correlators vigie: 86400 86400000000 20 1000 10000 0 0 \
    "$base-2" D "not a frame" XYZ | tr '\n' ' ')" = "0 0 0 "
check "vigie:dead unchanged" test "$(rcli XLEN vigie:dead)" = 4
rc=0; events t4 || rc=$?
check "vigie events reads the good frames' events" test "$(wc -l <"$tmp/ev-t4.json")" = 6
check "and names the others (exit 1)" test "$rc" = 1
check "det:<d> holds one entry per frame, not one per detection" \
    test "$(rcli XLEN vigie:det:2026-12-01)" = 3
check "each carrying its frame's detections" sh -c \
    "redis-cli -s '$sock' --raw XRANGE vigie:det:2026-12-01 - + | grep '^\[' |
    jq -s -e 'map(length) == [1, 2, 2] and .[1][1].index == 1 and
        .[1][1].src_ip == \"92.255.85.7\" and .[1][1].country == \"RU\" and
        .[1][1].rule == \"ssh_password_guessing\"'"

echo "# bad input: exit 2, file and line named"
printf '[redis]\naddress = 127.0.0.1:6379\n[correlator]\nworkers = zero\n' >"$tmp/bad.conf"
rc=$(status "$tmp/bad.err" "$BIN/vigie-correlator" --allow-root -c "$tmp/bad.conf" -n)
check "bad config: exit 2" test $rc = 2
check "bad config: file:line named" grep -q "$tmp/bad.conf:4: bad value \"zero\" for workers" "$tmp/bad.err"
check "vigie config check accepts the good file" "$BIN/vigie" config check "$tmp/vigie.conf"
rc=$(status /dev/null "$BIN/vigie" config check "$tmp/bad.conf")
check "vigie config check refuses the bad one with 2" test $rc = 2
printf 'rule broken {\n  meta: threshold = "five"\n  condition:\n    action == \n}\n' >"$tmp/broken.yar"
rc=$(status "$tmp/rules.err" "$BIN/vigie" rules check "$tmp/broken.yar")
check "vigie rules check: exit 2 on a broken rule" test $rc = 2
check "vigie rules check: file:line named" grep -q "$tmp/broken.yar:[0-9]*: error" "$tmp/rules.err"
printf 'rule bad_meta {\n  meta: threshold = "five" group_by = "planet"\n  condition: true\n}\n' >"$tmp/meta.yar"
rc=$(status "$tmp/meta.err" "$BIN/vigie" rules check "$tmp/meta.yar")
check "vigie rules check: bad meta refused" test $rc = 2
check "vigie rules check: bad meta named" grep -q 'rule bad_meta: meta threshold must be an integer' "$tmp/meta.err"
check "vigie rules check: shipped rules pass" "$BIN/vigie" rules check rules
rc=$(status /dev/null "$BIN/vigie-collector" --log "$tmp/auth.log:perl" --once)
check "unknown parser: exit 2" test $rc = 2
rc=$(status "$tmp/twice.err" "$BIN/vigie-collector" --log "$tmp/auth.log:sshd" --log "$tmp/auth.log:syslog" --once)
check "a file given twice: exit 2, before anything is read" test $rc = 2
check "a file given twice: said" grep -q "is already read" "$tmp/twice.err"

rc=$(status /dev/null "$BIN/vigie" --redis "unix:$tmp/nowhere.sock" report --day)
rc2=$(status /dev/null "$BIN/vigie" --redis "unix:$tmp/nowhere.sock" report --day 2026-02-30)
rc3=$(status /dev/null "$BIN/vigie" --redis "unix:$tmp/nowhere.sock" report)
check "vigie report: a missing value is bad usage (2), before any connection" test $rc = 2
check "vigie report: an impossible day is bad usage (2)" test $rc2 = 2
check "vigie report: Redis away is a runtime failure (1)" test $rc3 = 1

done_tests
