#!/bin/sh
# tests/integration/incidents.sh - an incident's life on real parts: the
# pipeline on the fixture auth.log opens incidents; analysts acknowledge
# and close them with the CLI and the API; refusals change nothing; the
# notes history reads back; a closed incident is not joined by later
# detections; and the alert file and the syslog socket carry each change
# once, as EVE alert events.
set -eu

NAME=inc . "$(dirname "$0")/lib.sh"

start_redis --appendonly no

/usr/bin/perl tests/fixtures/mkmmdb.pl --schema maxmind tests/fixtures/geo.txt "$tmp/geo.mmdb"
# Dated two years ahead (the year comes from the file's mtime): the
# wall-clock sweep then leaves the fixture's last incidents open, while
# the commit still closes incident 1 on event time, as in pipeline.sh.
year=$(($(date -u +%Y) + 2))
cp tests/fixtures/auth.log "$tmp/auth.log"
touch -d "$year-11-22 06:00:00 UTC" "$tmp/auth.log"
printf 'abcdefghijklmnopqrstuvwxyz012345\n' >"$tmp/token"
chmod 600 "$tmp/token"
TOKEN=$(cat "$tmp/token")

# A syslog receiver on a datagram socket: one datagram a line.
/usr/bin/perl -MIO::Socket::UNIX -MSocket -e '
	my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $ARGV[0])
	    or die "syslog receiver: $!\n";
	open(my $o, ">>", $ARGV[1]) or die "$ARGV[1]: $!\n";
	$o->autoflush(1);
	while (defined($s->recv(my $d, 70000))) { print $o $d, "\n"; }
' "$tmp/syslog.sock" "$tmp/syslog.out" &
pids="$pids $!"

conf() {
	cat <<EOF
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
alert-file = $tmp/alerts.json
alert-syslog = unix:$tmp/syslog.sock
EOF
}
conf >"$tmp/vigie.conf"
{ conf; echo "http-token-file = $tmp/token"; } >"$tmp/token.conf"
i=0
until [ -S "$tmp/syslog.sock" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && { echo "syslog receiver did not start"; exit 1; }
	sleep 0.05
done

V() { "$BIN/vigie" -c "$tmp/vigie.conf" "$@"; }
# alerts: the alert file's lines so far (0 when there is none).
alerts() { if [ -f "$tmp/alerts.json" ]; then wc -l <"$tmp/alerts.json"; else echo 0; fi; }
# wait_alerts N: until the alert file holds N lines (10 s at most).
wait_alerts() {
	i=0
	while [ "$(alerts)" -lt "$1" ]; do
		i=$((i + 1)); [ $i -gt 200 ] && return 1
		sleep 0.05
	done
}
# serve CONF: a serving correlator on a free port: $serve_pid, $url.
serve() {
	port=$(/usr/bin/perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(
	    Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport')
	"$BIN/vigie-correlator" --allow-root -c "$1" --http "127.0.0.1:$port" \
	    --web-root "$top/dashboards" 2>"$tmp/serve.err" &
	serve_pid=$!
	pids="$pids $serve_pid"
	url="http://127.0.0.1:$port"
	i=0
	until curl -sf "$url/healthz" >/dev/null 2>&1; do
		i=$((i + 1))
		if [ $i -gt 200 ] || ! kill -0 "$serve_pid" 2>/dev/null; then
			cat "$tmp/serve.err"; exit 1
		fi
		sleep 0.05
	done
}
# unserve: SIGTERM; the correlator must stop cleanly (sanitizers too).
unserve() {
	kill "$serve_pid"
	rc=0; wait "$serve_pid" || rc=$?
	check "the serving correlator stops with 0" sh -c "test $rc = 0 || { cat '$tmp/serve.err'; exit 1; }"
}
# post PATH BODY [curl options]: the status code; the body in $tmp/post.json.
post() {
	p=$1; b=$2; shift 2
	curl -s -o "$tmp/post.json" -w '%{http_code}' -X POST "$url$p" \
	    -H 'Content-Type: application/json' -d "$b" "$@"
}
auth="Authorization: Bearer $TOKEN"

echo "# the pipeline opens the fixture's incidents"
check "collector --once" "$BIN/vigie-collector" -c "$tmp/vigie.conf" --once
check "correlator --drain, exporting" sh -c "'$BIN/vigie-correlator' --allow-root -c '$tmp/vigie.conf' --drain 2>'$tmp/drain.err'"
check "three incidents" test "$(V incidents list --format json | jq length)" = 3
check "list --rule: the same filter as the web view" test "$(V incidents list --rule ssh_password_guessing --format json | jq length)" = 3
check "list --country CN" test "$(V incidents list --country CN --format json | jq -c '[.[].country] | unique')" = '["CN"]'
check "list --text finds a source" test "$(V incidents list --text 141.98.11 --format json | jq length)" = 1
check "list --severity critical: none" test "$(V incidents list --severity critical --format json | jq length)" = 0
check "incident 1 closed by the quiet period" test "$(rcli HGET vigie:inc:1 closed_by)" = "quiet period"
check "incidents 2 and 3 open" test "$(V incidents list --status open --format json | jq -c '[.[].id] | sort')" = "[2,3]"
check "the exporters group consumed the stream" test \
    "$(rcli XINFO GROUPS vigie:alerts | awk 'p { print; exit } $0 == "pending" { p = 1 }')" = 0
opened=$(jq -r 'select(.vigie.change == "opened") | .vigie.incident' "$tmp/alerts.json" | sort -n | tr '\n' ' ')
check "each incident's opening is exported once" test "$opened" = "1 2 3 "
base=$(alerts)

echo "# bad usage: exit 2 before Redis is asked"
nowhere="unix:$tmp/nowhere.sock"
for args in "ack" "ack abc" "ack 2 --note" "ack 2 --by" "ack 2 --bogus" \
    "close 2 3" "ack 2 --note a --note b" "close -1" "reopen 2"; do
	# shellcheck disable=SC2086
	rc=$(status "$tmp/usage.err" "$BIN/vigie" --redis "$nowhere" incidents $args)
	check "incidents $args: exit 2" test "$rc" = 2
done
rc=$(status "$tmp/usage.err" "$BIN/vigie" --redis "$nowhere" incidents ack 2 --by "")
check "an empty name: exit 2, said" sh -c "test $rc = 2 && grep -q \"analyst's name\" '$tmp/usage.err'"
rc=$(status "$tmp/usage.err" "$BIN/vigie" --redis "$nowhere" incidents ack 2 --note "$(printf 'a\033[2Jb')")
check "a note with an escape: exit 2, said" sh -c "test $rc = 2 && grep -q 'control characters' '$tmp/usage.err'"
rc=$(status "$tmp/usage.err" "$BIN/vigie" --redis "$nowhere" incidents ack 2)
check "Redis away: exit 1" test "$rc" = 1

echo "# the CLI: acknowledge, close, refusals"
check "ack 2 by alice" sh -c "'$BIN/vigie' -c '$tmp/vigie.conf' incidents ack 2 --by alice --note 'seen, watching' >'$tmp/ack.out'"
check "prints the change" grep -qx 'incident 2 acknowledged by alice (alert 2:2)' "$tmp/ack.out"
check "status acknowledged" test "$(rcli HGET vigie:inc:2 status)" = acknowledged
check "still open for the commit" test "$(rcli ZSCORE vigie:incidents:open 2)" != ""
rc=$(status "$tmp/ref.err" V incidents ack 2)
check "ack again: exit 2" test "$rc" = 2
check "ack again: said" grep -q 'incident 2 is already acknowledged' "$tmp/ref.err"
check "close 2 by alice" V incidents close 2 --by alice --note "blocked at the edge
ticket 4711"
check "closed, by alice" test "$(rcli HMGET vigie:inc:2 status closed_by | tr '\n' ' ')" = "closed alice "
check "out of the open set" test -z "$(rcli ZSCORE vigie:incidents:open 2)"
check "its open pointer cleared" test "$(rcli EXISTS 'vigie:inc:open:ssh_password_guessing:2001:da8::1')" = 0
rc=$(status "$tmp/ref.err" V incidents close 2)
check "close again: exit 2, said" sh -c "test $rc = 2 && grep -q 'incident 2 is already closed' '$tmp/ref.err'"
rc=$(status "$tmp/ref.err" V incidents ack 2)
check "ack a closed one: exit 2, said" sh -c "test $rc = 2 && grep -q 'incident 2 is closed: it cannot be acknowledged' '$tmp/ref.err'"
rc=$(status "$tmp/ref.err" V incidents close 999)
check "no such incident: exit 2, said" sh -c "test $rc = 2 && grep -q 'no incident 999' '$tmp/ref.err'"
check "refusals wrote no note" test "$(rcli LLEN vigie:inc:2:notes)" = 2
check "--by defaults to SUDO_USER" sh -c "SUDO_USER=dave USER=carol '$BIN/vigie' -c '$tmp/vigie.conf' incidents ack 3 | grep -q 'by dave'"

V incidents show 2 >"$tmp/show.txt"
check "show: the status" grep -Eq '^  status +closed$' "$tmp/show.txt"
check "show: who closed it" grep -Eq '^  closed_by +alice$' "$tmp/show.txt"
check "show: the notes, oldest first" sh -c "grep -A6 '^Notes (2, oldest first)' '$tmp/show.txt' |
    grep -v '^Notes' | sed 's/^ *[0-9T:Z-]* *//' | head -5 | tr '\n' '|' |
    grep -qx 'acknowledged by alice|seen, watching|closed by alice|blocked at the edge|ticket 4711|'"
V incidents show 2 --format json >"$tmp/show.json"
check "show --format json: the notes" jq -e '.notes | length == 2 and
    .[0].by == "alice" and .[0].change == "acknowledged" and .[0].text == "seen, watching" and
    .[1].change == "closed" and .[1].text == "blocked at the edge\nticket 4711" and
    (.[1].ts | type) == "number" and (.[1].time | test("^[0-9-]{10}T[0-9:]{8}Z$"))' "$tmp/show.json"
check "show --format json: who and when" jq -e '.status == "closed" and .acknowledged_by == "alice" and
    .closed_by == "alice" and (.closed_at | type) == "string"' "$tmp/show.json"

echo "# the API without a token file: writes refused"
serve "$tmp/vigie.conf"
code=$(post /api/v1/incidents/3/close '{"by": "mallory"}' -H "$auth")
check "POST without http-token-file: 403" test "$code" = 403
check "saying why, in JSON" jq -e '.error | test("http-token-file")' "$tmp/post.json"
check "reads still open on loopback" sh -c "curl -sf '$url/api/v1/incidents/3' | jq -e '.notes | length == 1'"
check "the CLI's changes reach the alert file" wait_alerts $((base + 3))
unserve

echo "# the API with a token"
serve "$tmp/token.conf"
code=$(post /api/v1/incidents/3/close '{"by": "erin"}')
check "no token: 401" test "$code" = 401
code=$(post /api/v1/incidents/3/close '{"by": "erin"}' -H "Authorization: Bearer nottherighttoken000")
check "wrong token: 401" test "$code" = 401
check "a 401 is JSON" jq -e '.error' "$tmp/post.json"
code=$(post /api/v1/incidents/3/close '{"by": "erin"}' -H "$auth" -H 'Host: evil.example')
check "a foreign Host: 403" test "$code" = 403
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/api/v1/incidents/3/close" \
    -H "$auth" -d 'by=erin')
check "a form: 415" test "$code" = 415
code=$(post /api/v1/incidents/3/close '{"by": "erin", "by": "x"}' -H "$auth")
check "duplicate members: 400" test "$code" = 400
code=$(post /api/v1/incidents/3/close '{"note": "no name"}' -H "$auth")
check "no by: 400" test "$code" = 400
code=$(post /api/v1/incidents/3/close '{"by": "erin", "admin": true}' -H "$auth")
check "an unknown member: 400" test "$code" = 400
code=$(post /api/v1/incidents/3/close '{"by": "erin", "note": "a\u0000b"}' -H "$auth")
check "a NUL in the note: 400" test "$code" = 400
code=$(post /api/v1/incidents/3/close '{"by": "erin\u001b[2J"}' -H "$auth")
check "an escape in the name: 400" test "$code" = 400
code=$(post /api/v1/incidents/abc/close '{"by": "erin"}' -H "$auth")
check "a bad id: 400" test "$code" = 400
code=$(post /api/v1/incidents/999/close '{"by": "erin"}' -H "$auth")
check "no such incident: 404" test "$code" = 404
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/api/v1/incidents/3/close")
check "GET on a change: 405" test "$code" = 405
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/api/v1/report")
check "POST on a read: 405" test "$code" = 405
check "refused requests changed nothing" test "$(rcli HGET vigie:inc:3 status)" = acknowledged
code=$(post /api/v1/incidents/3/close '{"by": "erin", "note": "<script>alert(1)</script> \u202e"}' -H "$auth")
check "close 3 with the token: 200" test "$code" = 200
check "answering the change" jq -e '.id == 3 and .status == "closed" and .alert_id == "3:3"' "$tmp/post.json"
code=$(post /api/v1/incidents/3/close '{"by": "erin"}' -H "$auth")
check "close again: 409" test "$code" = 409
check "a 409 says why" jq -e '.error == "incident 3 is already closed"' "$tmp/post.json"
code=$(post /api/v1/incidents/3/ack '{"by": "erin"}' -H "$auth")
check "ack a closed one: 409" test "$code" = 409
curl -s "$url/api/v1/incidents/3" >"$tmp/inc3.json"
check "GET incident: the notes" jq -e '.status == "closed" and .closed_by == "erin" and
    [.notes[] | [.by, .change]] == [["dave", "acknowledged"], ["erin", "closed"]] and
    .notes[1].text == "<script>alert(1)</script> \u202e"' "$tmp/inc3.json"
check "the API's change reaches the alert file" wait_alerts $((base + 4))
unserve

echo "# a closed incident is not joined: the next detections open another"
cat >>"$tmp/auth.log" <<'EOF'
Nov 21 13:00:00 web1 sshd[3300]: Failed password for root from 141.98.11.20 port 43000 ssh2
Nov 21 13:00:01 web1 sshd[3300]: Failed password for root from 141.98.11.20 port 43000 ssh2
Nov 21 13:00:02 web1 sshd[3300]: Failed password for root from 141.98.11.20 port 43000 ssh2
Nov 21 13:00:03 web1 sshd[3300]: Failed password for root from 141.98.11.20 port 43000 ssh2
Nov 21 13:00:04 web1 sshd[3300]: Failed password for root from 141.98.11.20 port 43000 ssh2
EOF
touch -d "$year-11-22 06:00:00 UTC" "$tmp/auth.log"
check "collector --once" "$BIN/vigie-collector" -c "$tmp/vigie.conf" --once
check "correlator --drain" sh -c "'$BIN/vigie-correlator' --allow-root -c '$tmp/vigie.conf' --drain 2>'$tmp/drain2.err'"
check "incident 3 keeps its count" test "$(rcli HGET vigie:inc:3 count)" = 5
check "incident 4 opened for the same source" test \
    "$(rcli HMGET vigie:inc:4 group status | tr '\n' ' ')" = "141.98.11.20 open "
check "the pointer names incident 4" test "$(rcli GET 'vigie:inc:open:ssh_password_guessing:141.98.11.20')" = 4

echo "# the alert file and the syslog socket"
check "every line is an EVE alert event" jq -e -s 'length > 0 and all(.[];
    .event_type == "alert" and
    (.timestamp | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}[+-][0-9]{4}$")) and
    (.alert.signature | type) == "string" and (.alert.severity | IN(1, 2, 3, 4)) and
    (.vigie.incident | type) == "number" and (.vigie.alert_id | test("^[0-9]+:[0-9]+$")))' "$tmp/alerts.json"
check "no alert twice" test -z "$(jq -r .vigie.alert_id "$tmp/alerts.json" | sort | uniq -d)"
jq -r 'select(.vigie.change == "acknowledged" or (.vigie.change == "closed" and .vigie.by != "vigie")) |
    [.vigie.incident, .vigie.change, .vigie.by, .vigie.status, .vigie.alert_id] | @tsv' \
    "$tmp/alerts.json" | sort >"$tmp/changes.got"
# The opening by the commit is each incident's change 1.
printf '2\tacknowledged\talice\tacknowledged\t2:2\n2\tclosed\talice\tclosed\t2:3\n3\tacknowledged\tdave\tacknowledged\t3:2\n3\tclosed\terin\tclosed\t3:3\n' \
    >"$tmp/changes.want"
check "each analyst's change exported once" diff -u "$tmp/changes.want" "$tmp/changes.got"
check "with the incident's fields" jq -e -s 'map(select(.vigie.alert_id == "2:3"))[0] |
    .src_ip == "2001:da8::1" and .alert.signature == "ssh_password_guessing" and
    .alert.category == "bruteforce" and .alert.severity == 3 and .vigie.country == "CN" and
    .vigie.count == 5 and .vigie.group_by == "src_ip" and
    .vigie.note == "blocked at the edge\nticket 4711"' "$tmp/alerts.json"
check "a hostile note stays one escaped line" sh -c \
    "grep -F '"3:3"' '$tmp/alerts.json' | grep -F '\"note\":\"<script>alert(1)</script> ' >/dev/null"
check "one datagram per alert" test "$(wc -l <"$tmp/syslog.out")" = "$(alerts)"
check "each an RFC 5424 local4.notice message carrying the line" sh -c "
    sed -n 's/^<165>1 [0-9T:.-]*Z [^ ]* vigie-correlator [0-9]* alert - //p' '$tmp/syslog.out' |
    diff -u '$tmp/alerts.json' -"
check "the drain named its outputs" grep -q "alerts: exporting vigie:alerts to file $tmp/alerts.json and syslog unix:" "$tmp/drain2.err"
check "a serving correlator counts what it exported" grep -q 'alerts: 1 exported to file' "$tmp/serve.err"

echo "# a drain beside other exporters: a live one's alerts stay its own, a dead one's are taken over"
check "ack incident 4" V incidents ack 4 --by frank
check "close incident 4" V incidents close 4 --by frank
# An exporter that read 4:2 and died; one that read 4:3 and is still at it.
dead=$(rcli XREADGROUP GROUP exporters dead-exporter COUNT 1 STREAMS vigie:alerts '>' | sed -n 2p)
live=$(rcli XREADGROUP GROUP exporters live-exporter COUNT 1 STREAMS vigie:alerts '>' | sed -n 2p)
check "two alerts pending with two exporters" test "$(rcli XPENDING vigie:alerts exporters | head -n 1)" = 2
before=$(alerts)
t0=$(date +%s)
"$BIN/vigie-correlator" --allow-root -c "$tmp/vigie.conf" --drain 2>"$tmp/drain3.err" &
drain_pid=$!
sleep 1
check "the live exporter acknowledges its alert" test "$(rcli XACK vigie:alerts exporters "$live")" = 1
rc=0; wait "$drain_pid" || rc=$?
t1=$(date +%s)
check "the drain exits 0" test "$rc" = 0
check "the dead exporter's alert exported once, by the drain" test \
    "$(jq -r .vigie.alert_id "$tmp/alerts.json" | grep -c '^4:2$')" = 1
check "the live exporter's alert left to it" test \
    "$(jq -r .vigie.alert_id "$tmp/alerts.json" | grep -c '^4:3$')" = 0
check "one line more" test "$(alerts)" = $((before + 1))
check "after the dead one was idle 5 s ($((t1 - t0)) s)" test $((t1 - t0)) -ge 4
check "nothing left pending" test "$(rcli XPENDING vigie:alerts exporters | head -n 1)" = 0

done_tests
