#!/bin/sh
# tests/hostile/run.sh - inputs built to mislead, end to end on real
# parts: a private redis-server, the collector, the correlator, the CLI
# and the web server. Each case asserts the right fields or a counted
# rejection, that nothing crashed, and that every string reaching the
# terminal, the alert JSON or the web view is escaped.
#   (1) log lines: addresses in user names, URLs, user agents and PAM
#       ruser; text after "ssh2:"; CR, ANSI and OSC escapes; NUL; 1 MiB;
#       invalid UTF-8; forged headers; markup (mklogs.pl)
#  (1b) journal entries: big compressed fields, NUL, escapes, an
#       identifier and a host that try to write the header
#   (2) syslog over UDP and TCP: lying octet counts, forged headers,
#       NUL, LF, oversize
#   (3) packets (hostile_pcap.c): lying IP and TCP lengths, IPv6
#       extension chains long, looping and truncated, 65,535 tiny
#       segments in one flow
#   (4) HTTP: huge headers, bad escapes, traversal, NUL in the target,
#       slow headers
set -eu

NAME=hostile . "$(dirname "$0")/../integration/lib.sh"
HPCAP=${HPCAP:-$B/tests/hostile_pcap}

start_redis --appendonly no

# raw FILE: bytes no terminal should get raw: C0 controls but LF and
# TAB, DEL, and C1 controls (UTF-8 \302\200-\302\237). Prints how many.
raw() {
	c0=$(LC_ALL=C tr -dc '\000-\010\013-\037\177' <"$1" | wc -c)
	c1=$(LC_ALL=C grep -c "$(printf '\302[\200-\237]')" "$1" || true)
	echo $((c0 + c1))
}
noraw() { n=$(raw "$1"); [ "$n" = 0 ] || { echo "$n raw control bytes in $1"; od -c "$1" | grep -m3 '033\|\\a\|\\r\|\\0'; return 1; }; }
# tty FILE CMD...: CMD's output on a terminal (a pty), CR as the program wrote it.
tty() {
	_o=$1; shift
	script -qec "stty -onlcr; $*" /dev/null >"$_o" </dev/null
}
events() { "$BIN/vigie" --redis "$R" events --sensor "$1" --count 0 --format json; }
# ev SENSOR MARKER: the first event whose line, url or user holds MARKER
# (as bytes: line_b64 too), as JSON.
ev() { events "$1" | jq -c --arg m "$2" 'select(((.line // "") + (.url // "") + (.user // "") +
    (.line_b64 // "" | @base64d)) | contains($m))' | head -1; }
# is SENSOR MARKER JQ-EXPR: the expression is true of that event.
is() {
	_e=$(ev "$1" "$2")
	[ -n "$_e" ] || { echo "no event holds $2"; return 1; }
	printf '%s\n' "$_e" | jq -e "$3" >/dev/null || { echo "$3: false of"; printf '%s\n' "$_e" | cut -c1-400; return 1; }
}
health() { rcli HGET "vigie:sensor:{$1}" "$2"; }
json_lines() { while IFS= read -r _l; do printf '%s\n' "$_l" | jq -e . >/dev/null || { echo "not JSON: $_l" | cut -c1-300; return 1; }; done <"$1"; }
free_port() {
	/usr/bin/perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(
	    Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport'
}

echo "# (1) log lines"
now=$(date +%s)
/usr/bin/perl tests/hostile/mklogs.pl "$tmp/auth.log" "$tmp/access.log" $((now - 600))
check "collector --once on the hostile files" "$BIN/vigie-collector" --redis "$R" \
    --sensor logs --state-dir "$tmp/state-logs" --log "$tmp/auth.log:syslog" \
    --log "$tmp/access.log:nginx" --once
events logs >"$tmp/logs.json"
check "every event is valid JSON ($(wc -l <"$tmp/logs.json") events)" json_lines "$tmp/logs.json"
check "25 events (3 sudo attempts in one line, 6 sshd, 3 web)" test "$(wc -l <"$tmp/logs.json")" = 25
check "the stored JSON has no raw control byte" noraw "$tmp/logs.json"
check "address in the user name: the format's place wins" is logs m01 \
    '.src_ip == "198.51.100.1" and .user == "m01 from 6.6.6.1 port 1 ssh2" and .action == "auth_fail"'
check "text after ssh2: is not the source" is logs m02 '.src_ip == "198.51.100.2" and .user == "m02"'
check "PAM ruser holding an address" is logs m03 '.src_ip == "198.51.100.3" and .user == "m03"'
check "PAM ruser holding rhost=" is logs m13 '.src_ip == "198.51.100.13" and .user == "m13"'
check "ANSI and OSC escapes in a user: kept as data" is logs m04 \
    '.src_ip == "198.51.100.4" and .user == "m04\u001b[31mred\u001b]0;pwned\u0007"'
check "CR in a user: kept as data" is logs m05 '.src_ip == "198.51.100.5" and .user == "m05\rroot"'
check "NUL in a line: the address stands, the line kept as bytes" is logs m06 \
    '.src_ip == "198.51.100.6" and .action == "auth_fail" and .line == null and .line_b64 != null'
check "invalid UTF-8 in a user: kept as bytes (user_b64)" is logs 'm07' \
    '.src_ip == "198.51.100.7" and .user_b64 == "bTA3//7D" and .user == null'
check "a 1 MiB line: cut, counted, no address from past the cut" is logs m08aaaa \
    '.src_ip == null and .action == null and (.line | length) < 1048576'
check "a 1 MiB line: counted as truncated" test "$(health logs truncated)" = 1
check "a forged header inside a message: the outer one counts" is logs m09 \
    '.host == "web1" and .program == "alice" and .src_ip == null and .action == null'
check "markup in a user: kept as text" is logs m10 '.user == "<script>alert(1)</script>m10" and .src_ip == "198.51.100.10"'
check "an address before [preauth] inside a user-named line: none taken" is logs m11 '.src_ip == null'
check "escapes in a sudo user: three attempts" test "$(jq -c 'select(.program == "sudo" and .action == "auth_fail" and .user == "\u001b]0;pwn\u0007\u001b[2Jm12")' "$tmp/logs.json" | wc -l)" = 3
check "the line after them intact" is logs m15after '.src_ip == "198.51.100.15" and .user == "m15after"'
check "nginx: addresses in the URL, referer and agent are not the client" is logs m20 \
    '.src_ip == "198.51.100.20" and .action == "http_request"'
check "nginx: an address as the remote user is not the client" is logs m21 '.src_ip == "198.51.100.21" and .user == "6.6.6.23"'
check "nginx vhost_combined: the second field is the client" is logs m22 '.src_ip == "198.51.100.22"'

. "$top/tests/hostile/journal.sh"

printf '[correlator]\nalert-file = %s\n' "$tmp/alerts.json" >"$tmp/corr.conf"
check "correlator --drain" "$BIN/vigie-correlator" -c "$tmp/corr.conf" --allow-root \
    --redis "$R" --rules rules --timezone UTC --drain
"$BIN/vigie" --redis "$R" incidents list --format json >"$tmp/inc.json"
check "an incident grouped by the escaped sudo user" sh -c \
    "jq -e '[.[] | select(.rule == \"sudo_password_guessing\" and .group == \"\u001b]0;pwn\u0007\u001b[2Jm12\")] | length == 1' '$tmp/inc.json'"
check "an incident on the markup-named attempts' source" sh -c \
    "jq -e '[.[] | select(.rule == \"ssh_password_guessing\" and .group == \"198.51.100.14\" and .count == 6)] | length == 1' '$tmp/inc.json'"
ssh_id=$(jq -r '.[] | select(.rule == "ssh_password_guessing") | .id' "$tmp/inc.json")
sudo_id=$(jq -r '.[] | select(.rule == "sudo_password_guessing") | .id' "$tmp/inc.json")

echo "# (1) the terminal: escapes shown, never sent"
tty "$tmp/tty-list" "$BIN/vigie" --redis "$R" incidents list
check "vigie incidents list on a terminal: no raw control byte" noraw "$tmp/tty-list"
check "vigie incidents list: the group's escapes shown" grep -qF '\e]0;pwn\x07\e[2Jm12' "$tmp/tty-list"
tty "$tmp/tty-show" "$BIN/vigie" --redis "$R" incidents show "$ssh_id"
check "vigie incidents show (evidence) on a terminal: no raw control byte" noraw "$tmp/tty-show"
check "vigie incidents show: the evidence's escape shown" grep -qF '\e[5mm14' "$tmp/tty-show"
tty "$tmp/tty-sudo" "$BIN/vigie" --redis "$R" incidents show "$sudo_id"
check "vigie incidents show (escaped group) on a terminal: no raw control byte" noraw "$tmp/tty-sudo"
tty "$tmp/tty-events" "$BIN/vigie" --redis "$R" events --sensor logs --count 0
check "vigie events on a terminal: no raw control byte" noraw "$tmp/tty-events"
check "vigie events: CR shown escaped" grep -qF 'm05\rroot' "$tmp/tty-events"
check "vigie events: NUL shown escaped" grep -qE 'm06\\(x00|0)root' "$tmp/tty-events"
check "vigie events: invalid bytes shown escaped" grep -qF 'm07\xff\xfe\xc3' "$tmp/tty-events"
"$BIN/vigie" --redis "$R" events --sensor logs --count 0 >"$tmp/pipe-events"
check "vigie events into a pipe: no raw control byte either" noraw "$tmp/pipe-events"
"$BIN/vigie" --redis "$R" report >"$tmp/report.txt"
check "vigie report: no raw control byte" noraw "$tmp/report.txt"

echo "# (1) the alert JSON"
check "two alerts exported" test "$(wc -l <"$tmp/alerts.json")" = 2
check "each alert line is JSON" json_lines "$tmp/alerts.json"
check "the alert file has no raw control byte" noraw "$tmp/alerts.json"
check "the escaped group comes back exact" sh -c \
    "jq -s -e '[.[] | select(.alert.signature == \"sudo_password_guessing\")] | .[0].vigie.group == \"\u001b]0;pwn\u0007\u001b[2Jm12\"' '$tmp/alerts.json'"

echo "# (1) the web view"
port=$(free_port)
url="http://127.0.0.1:$port"
"$BIN/vigie-correlator" --allow-root --redis "$R" --rules rules --timezone UTC \
    --workers 1 --http "127.0.0.1:$port" --web-root "$top/dashboards" 2>"$tmp/serve.err" &
serve=$!
pids="$pids $serve"
i=0
until curl -fs "$url/healthz" >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 100 ] && { cat "$tmp/serve.err"; exit 1; }
	sleep 0.1
done
day=$(date -u +%Y-%m-%d)
for p in "incidents" "incidents/$ssh_id" "incidents/$sudo_id" "source/198.51.100.14" \
    "report?day=$day" "incidents?text=script" "rules/ssh_password_guessing"; do
	f="$tmp/api-$(printf '%s' "$p" | tr -c 'a-z0-9' _)"
	code=$(curl -s -D "$f.h" -o "$f" -w '%{http_code}' "$url/api/v1/$p")
	check "GET /api/v1/$p: 200 ($code)" test "$code" = 200
	check "  valid JSON" jq -e . "$f"
	check "  no raw <, > or & (markup)" sh -c "! grep -q '[<>&]' '$f'"
	check "  no raw control byte" noraw "$f"
	check "  served as JSON, nosniff, no script allowed" sh -c "grep -qi '^content-type: application/json' '$f.h' &&
	    grep -qi '^x-content-type-options: nosniff' '$f.h' && grep -qi \"^content-security-policy: default-src 'none'\" '$f.h'"
done
check "the evidence comes back exact through the API" sh -c \
    "jq -e '[.. | strings | select(contains(\"</script><script>alert(3)</script>\u001b[5mm14\"))] | length > 0' '$tmp/api-incidents_$ssh_id'"
check "the escaped group comes back exact through the API" sh -c \
    "jq -e '.group == \"\u001b]0;pwn\u0007\u001b[2Jm12\"' '$tmp/api-incidents_$sudo_id'"
for p in / /app.js /style.css; do
	curl -s -o "$tmp/page" "$url$p"
	check "GET $p: nothing of the logs in it" sh -c "! grep -q 'alert(\|m14\|pwn' '$tmp/page'"
done
check "the page allows no inline script" sh -c "curl -sI '$url/' | grep -i '^content-security-policy:' | grep -q \"default-src 'self'\" &&
    ! curl -sI '$url/' | grep -i '^content-security-policy:' | grep -q 'unsafe-inline'"
check "app.js builds text nodes only (no innerHTML)" sh -c "! grep -q 'innerHTML\|outerHTML\|insertAdjacentHTML\|document.write' '$top/dashboards/app.js'"

. "$top/tests/hostile/syslog.sh"
. "$top/tests/hostile/packets.sh"
. "$top/tests/hostile/http.sh"

check "the web server survived it all" kill -0 "$serve"
kill "$serve"; wait "$serve" 2>/dev/null || true
check "no sanitizer report in the server's log" sh -c "! grep -q 'Sanitizer\|runtime error' '$tmp/serve.err'"
done_tests
