#!/bin/sh
# tests/integration/reload.sh - a serving correlator reloaded with SIGHUP
# while a growing stream is counted: a rule file with a syntax error or a
# bad meta is refused (file and line in the log) and the running rules
# keep counting; a valid new rule is used after the next SIGHUP; keys
# that need a restart are named and kept; a sensor that appears while it
# runs is read. Then retention: a shorter retention-days is refused at
# start, by -n, by vigie config check and at reload unless confirmed with
# the exact count of days it deletes, and carried out when it is. Then
# days and hours around midnight in Europe/Paris, winter and summer.
set -eu

NAME=rl . "$(dirname "$0")/lib.sh"

start_redis --appendonly no

/usr/bin/perl tests/fixtures/mkmmdb.pl --schema maxmind tests/fixtures/geo.txt \
    "$tmp/geo.mmdb"
mkdir "$tmp/rules"
cp rules/ssh.yar "$tmp/rules/"
D=$(date -u -d '3 days ago' +%F)	# the day of the events
conf="$tmp/vigie.conf"
# write_conf [KEY = VALUE lines for [correlator]]...: home-countries $HOME_CC.
HOME_CC=FR
write_conf() {
	{
		printf '[redis]\naddress = %s\n' "$R"
		printf '[geo]\ndatabase = %s\nhome-countries = %s\n' "$tmp/geo.mmdb" "$HOME_CC"
		printf '[rules]\npath = %s\n' "$tmp/rules"
		printf '[correlator]\ntimezone = UTC\nblock-ms = 100\nclaim-idle = 5000\nbatch = 4\n'
		for l in "$@"; do printf '%s\n' "$l"; done
	} >"$conf"
}
write_conf

# fails SENSOR N SRC USER SECOND0: N rejected sshd passwords, one a
# second from SECOND0 past 10:00 of day D, appended to the sensor's log.
fails() {
	i=0
	while [ $i -lt "$2" ]; do
		s=$(($5 + i))
		printf '%sT10:%02d:%02dZ web1 sshd[%d]: Failed password for %s from %s port %d ssh2\n' \
		    "$D" $((s / 60)) $((s % 60)) $((100 + s)) "$4" "$3" $((40000 + s)) >>"$tmp/$1.log"
		i=$((i + 1))
	done
}
collect() {
	"$BIN/vigie-collector" --redis "$R" --sensor "$1" --state-dir "$tmp/state" \
	    --log "$tmp/$1.log:sshd" --once 2>>"$tmp/collector.err"
}
total() { v=$(rcli HGET "vigie:day:$D:totals" "$1"); echo "${v:-0}"; }
# wait_for WHAT CMD...: CMD true within 10 s.
wait_for() {
	what=$1; shift
	_i=0
	until "$@" >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ $_i -gt 200 ] && { echo "# timed out waiting for $what"; return 1; }
		sleep 0.05
	done
}
events_are() { test "$(total events)" = "$1"; }
log_has() { grep -q -- "$1" "$tmp/cor.err"; }
rule_hits() {
	"$BIN/vigie" --redis "$R" report --day "$D" --format json |
	    jq -r --arg r "$1" '.rules[$r] // 0'
}
alive() { kill -0 "$cor_pid" 2>/dev/null; }

echo "# (4) a serving correlator, started before any sensor"
"$BIN/vigie-correlator" --allow-root -c "$conf" --no-http 2>"$tmp/cor.err" &
cor_pid=$!
pids="$cor_pid"
check "correlator serving" wait_for "start" log_has "1 worker on"
fails web1 5 61.177.172.5 root 0
check "collector sends 5 lines" collect web1
check "a sensor that appeared while it runs is read: 5 events" wait_for 5 events_are 5
check "5 detections by the shipped rule" test "$(rule_hits ssh_password_guessing)" = 5

echo "# a rule file with a syntax error: refused, the running rules go on"
printf 'rule broken {\n  condition:\n    action == \n}\n' >"$tmp/rules/zz_bad.yar"
kill -HUP "$cor_pid"
check "the reload fails and says so" wait_for "reload failed" \
    log_has "reload failed: still running the configuration and the 1 rule loaded at start"
check "its log names the file and line" log_has "$tmp/rules/zz_bad.yar:4: error"
check "the correlator is still running" alive
fails web1 5 185.220.101.4 admin 10
check "collector sends 5 more lines" collect web1
check "the counts grow: 10 events" wait_for 10 events_are 10
check "and detections still happen: 10" test "$(rule_hits ssh_password_guessing)" = 10

echo "# a bad meta: refused with its file and line"
rm "$tmp/rules/zz_bad.yar"
printf 'rule bad_meta {\n  meta:\n    severity = "high"\n    threshold = "five"\n  condition:\n    true\n}\n' \
    >"$tmp/rules/zz_meta.yar"
kill -HUP "$cor_pid"
check "the reload fails" wait_for "second failure" sh -c \
    "test \$(grep -c 'reload failed' '$tmp/cor.err') = 2"
check "the meta error names file and line" \
    log_has "$tmp/rules/zz_meta.yar:4: rule bad_meta: meta threshold must be an integer"
check "still running" alive

echo "# the file fixed: a valid new rule is used after SIGHUP"
rm "$tmp/rules/zz_meta.yar"
cat >"$tmp/rules/zz_root.yar" <<'EOF'
rule ssh_root_attempt {
  meta:
    category = "bruteforce" severity = "low" group_by = "src_ip"
  condition:
    program == "sshd" and action == "auth_fail" and user == "root"
}
EOF
HOME_CC="FR, DE"
write_conf "workers = 2" "retention-days = 60"
kill -HUP "$cor_pid"
check "one line says what changed" wait_for "reload 2" log_has "reload 2: 2 rules (+ssh_root_attempt)"
check "it names the new home countries and retention" \
    log_has "reload 2: .*home-countries FR,DE (was FR).*retention-days 60 (was 90)"
check "workers needs a restart, running value kept" \
    log_has "needs a restart, running value kept: workers 2 (running 1)"
check "the new retention is recorded" test "$(rcli HGET vigie:config retention-days)" = 60
fails web1 3 185.220.101.4 root 20
check "collector sends 3 lines" collect web1
check "13 events" wait_for 13 events_are 13
check "the new rule detected the 3 new root attempts (not the older ones)" \
    test "$(rule_hits ssh_root_attempt)" = 3
check "the old rule goes on: 13" test "$(rule_hits ssh_password_guessing)" = 13
check "DE is now a home country: its new attempts are not extraterritorial" \
    test "$(total extraterritorial)" = 10
fails web2 2 61.177.172.5 oracle 30
check "a second new sensor is read too" collect web2
check "15 events" wait_for 15 events_are 15
check "the worker said so" log_has "new sensor stream vigie:ev:{web2}"
check "still one worker" test "$(rcli XINFO CONSUMERS 'vigie:ev:{web1}' correlators | grep -c '^name$')" = 1

echo "# a retention shrink at reload without confirmation is refused"
write_conf "retention-days = 2"
kill -HUP "$cor_pid"
check "refused, saying 1 day" wait_for "refused" log_has "retention-days 2 would delete 1 day that retention-days 60 keeps: $D"
check "the reload is refused as a whole" log_has "reload refused"
check "the retention recorded stays" test "$(rcli HGET vigie:config retention-days)" = 60
check "the day's keys stay" test "$(rcli EXISTS "vigie:day:$D:totals")" = 1
check "the running rules stay: 2" sh -c "! grep -q 'reload 3' '$tmp/cor.err'"

kill "$cor_pid"
rc=0; wait "$cor_pid" || rc=$?
pids=
check "SIGTERM: exit 0" test $rc = 0
check "its last line counts every event once" log_has "15 events counted"
check "nothing pending" test "$(rcli XPENDING 'vigie:ev:{web1}' correlators | head -1)" = 0

echo "# (5) retention: days 40, 20 and 1 days old under retention-days 30"
d40=$(date -u -d '40 days ago' +%F)
d20=$(date -u -d '20 days ago' +%F)
d1=$(date -u -d '1 day ago' +%F)
for d in $d40 $d20 $d1; do
	rcli HSET "ret:day:$d:totals" events 7 >/dev/null
	rcli HSET "ret:day:$d:rule" ssh_password_guessing 3 >/dev/null
	rcli PFADD "ret:day:$d:uniq" 61.177.172.5 >/dev/null
	rcli XADD "ret:det:$d" '*' frame 1-0 detections '[]' >/dev/null
done
# ret_conf DAYS [CONFIRM]
ret_conf() {
	{
		printf '[redis]\naddress = %s\nprefix = ret:\n' "$R"
		printf '[rules]\npath = rules\n[correlator]\ntimezone = UTC\n'
		printf 'retention-days = %s\n' "$1"
		[ -n "${2:-}" ] && printf 'confirm-retention-shrink = %s\n' "$2"
		:
	} >"$tmp/ret.conf"
}
nkeys() { rcli --scan --pattern "ret:$1*" | wc -l | tr -d ' '; }
ret_conf 30
check "start with retention-days 30 records it" \
    "$BIN/vigie-correlator" --allow-root -c "$tmp/ret.conf" --drain
check "ret:config retention-days = 30" test "$(rcli HGET ret:config retention-days)" = 30

ret_conf 10
rc=$(status "$tmp/ret.err" "$BIN/vigie-correlator" --allow-root -c "$tmp/ret.conf" --drain)
check "retention-days 10 without confirmation: exit 2" test "$rc" = 2
check "it says 1 day, which, and the keys" grep -q \
    "retention-days 10 would delete 1 day that retention-days 30 keeps: $d20 (keys ret:day:<day>:\* and ret:det:<day>); to go ahead, add confirm-retention-shrink = 1 to \[correlator\]" \
    "$tmp/ret.err"
check "no key deleted" test "$(nkeys day:$d20)$(nkeys det:$d20)$(nkeys day:$d40)$(nkeys day:$d1)" = 3133
check "the recorded value is unchanged" test "$(rcli HGET ret:config retention-days)" = 30
rc=$(status "$tmp/ret-n.err" "$BIN/vigie-correlator" --allow-root -c "$tmp/ret.conf" -n)
check "vigie-correlator -n: exit 2, with the count" sh -c \
    "test $rc = 2 && grep -q 'would delete 1 day' '$tmp/ret-n.err'"
rc=$(status "$tmp/ret-c.err" "$BIN/vigie" config check "$tmp/ret.conf")
check "vigie config check: exit 2, with the count" sh -c \
    "test $rc = 2 && grep -q 'would delete 1 day' '$tmp/ret-c.err'"
sed "s|^address = .*|address = unix:$tmp/nowhere.sock|" "$tmp/ret.conf" >"$tmp/away.conf"
rc=$(status "$tmp/away.err" sh -c "'$BIN/vigie' config check '$tmp/away.conf' >/dev/null")
check "config check with Redis away: exit 0, saying it could not check" sh -c \
    "test $rc = 0 && grep -q 'retention-days not checked' '$tmp/away.err'"
rc=$(status "$tmp/away-n.err" "$BIN/vigie-correlator" --allow-root -c "$tmp/away.conf" -n)
check "-n with Redis away: exit 0, saying it could not check" sh -c \
    "test $rc = 0 && grep -q 'retention-days not checked' '$tmp/away-n.err'"

ret_conf 10 3
rc=$(status "$tmp/ret3.err" "$BIN/vigie-correlator" --allow-root -c "$tmp/ret.conf" --drain)
check "the wrong count (3): exit 2" test "$rc" = 2
check "it says the right one" grep -q \
    "confirm-retention-shrink = 3 does not match: .*; set confirm-retention-shrink = 1" "$tmp/ret3.err"
check "no key deleted" test "$(nkeys day:$d20)$(nkeys det:$d20)" = 31
rc=$(status "$tmp/ret3c.err" "$BIN/vigie" config check "$tmp/ret.conf")
check "config check refuses the wrong count too" test "$rc" = 2

ret_conf 10 1
check "config check accepts the right count" "$BIN/vigie" config check "$tmp/ret.conf"
check "the right count (1): accepted" sh -c \
    "'$BIN/vigie-correlator' --allow-root -c '$tmp/ret.conf' --drain 2>'$tmp/ret1.err'"
check "it says what it did" grep -q "retention-days 10 (was 30): 1 day deleted: $d20; new expiry on 1" "$tmp/ret1.err"
check "the day beyond it is gone, det stream included" test "$(nkeys day:$d20)$(nkeys det:$d20)" = 00
ttl=$(rcli TTL "ret:day:$d1:totals")
check "the day it keeps expires by the new limit ($ttl s)" \
    test "$ttl" -gt 0 -a "$ttl" -le $((10 * 86400 + 86400))
ttl=$(rcli TTL "ret:det:$d1")
check "its det stream too ($ttl s)" test "$ttl" -gt 0 -a "$ttl" -le $((10 * 86400 + 86400))
check "the day retention 30 no longer kept is not ours to touch" \
    test "$(nkeys day:$d40)$(rcli TTL "ret:day:$d40:totals")" = 3-1
check "10 recorded" test "$(rcli HGET ret:config retention-days)" = 10
check "a restart with the confirmation left in the file is accepted" sh -c \
    "'$BIN/vigie-correlator' --allow-root -c '$tmp/ret.conf' --drain 2>'$tmp/ret1b.err' &&
    grep -q 'confirm-retention-shrink = 1 is not needed' '$tmp/ret1b.err'"
ret_conf 20
check "a longer retention needs no confirmation" \
    "$BIN/vigie-correlator" --allow-root -c "$tmp/ret.conf" --drain
ttl=$(rcli TTL "ret:day:$d1:totals")
check "and gives the days it keeps their longer expiry ($ttl s)" \
    test "$ttl" -gt $((10 * 86400 + 86400)) -a "$ttl" -le $((20 * 86400 + 86400))

echo "# time zone: events around midnight in Europe/Paris, winter and summer"
# (rules/ssh.yar alone: the hours count its detections, one per attempt)
{
	printf '2026-01-15T22:30:00Z web1 sshd[1]: Failed password for root from 61.177.172.5 port 1 ssh2\n'
	printf '2026-01-15T23:10:00Z web1 sshd[2]: Failed password for root from 61.177.172.5 port 2 ssh2\n'
	printf '2026-01-15T23:30:00Z web1 sshd[3]: Failed password for root from 61.177.172.5 port 3 ssh2\n'
	printf '2026-07-15T21:45:00Z web1 sshd[4]: Failed password for root from 61.177.172.5 port 4 ssh2\n'
	printf '2026-07-15T22:30:00Z web1 sshd[5]: Failed password for root from 61.177.172.5 port 5 ssh2\n'
	printf '2026-07-15T23:30:00Z web1 sshd[6]: Failed password for root from 61.177.172.5 port 6 ssh2\n'
} >"$tmp/tz.log"
printf '[redis]\nprefix = tz:\n' >"$tmp/tz.conf"
check "collector" "$BIN/vigie-collector" -c "$tmp/tz.conf" --redis "$R" --sensor tz \
    --state-dir "$tmp/state-tz" --log "$tmp/tz.log:sshd" --once
check "correlator --timezone Europe/Paris" "$BIN/vigie-correlator" --allow-root -c "$tmp/tz.conf" \
    --redis "$R" --rules rules/ssh.yar --timezone Europe/Paris --drain
# day_is DAY EVENTS HOURS: the day's events and its 24 hours as JSON.
day_is() {
	"$BIN/vigie" -c "$tmp/tz.conf" --redis "$R" report --day "$1" --format json |
	    jq -e --argjson e "$2" --argjson h "$3" '.totals.events == $e and .hours == $h' >/dev/null ||
	{ "$BIN/vigie" -c "$tmp/tz.conf" --redis "$R" report --day "$1" --format json | jq -c '[.totals, .hours]'; return 1; }
}
h() { # h HOUR=N...: the 24 hours with those counts
	awk -v a="$*" 'BEGIN { n = split(a, p, " "); for (i = 1; i <= n; i++) {
		split(p[i], kv, "="); c[kv[1]] = kv[2] }
		printf "["; for (i = 0; i < 24; i++) printf "%s%d", i ? "," : "", c[i] + 0; print "]" }'
}
check "winter, UTC+1: 22:30Z is 23:30 on the 15th" day_is 2026-01-15 1 "$(h 23=1)"
check "23:10Z and 23:30Z are 00:10 and 00:30 on the 16th" day_is 2026-01-16 2 "$(h 0=2)"
check "summer, UTC+2: 21:45Z is 23:45 on the 15th" day_is 2026-07-15 1 "$(h 23=1)"
check "22:30Z and 23:30Z are 00:30 and 01:30 on the 16th" day_is 2026-07-16 2 "$(h 0=1 1=1)"
check "those four days and no other" test "$(rcli --scan --pattern 'tz:day:*:totals' | sort | tr '\n' ' ')" = \
    "tz:day:2026-01-15:totals tz:day:2026-01-16:totals tz:day:2026-07-15:totals tz:day:2026-07-16:totals "

done_tests
