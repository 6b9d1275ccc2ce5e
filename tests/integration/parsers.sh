#!/bin/sh
# tests/integration/parsers.sh - the parsers through the real collector and
# Redis: "message repeated N times" stores N events in one frame (the line's
# checkpoint covers all or none), each --log FILE:PARSER reads its format,
# a configured nginx log_format is used, an unknown parser exits 2.
set -eu

NAME=parsers . "$(dirname "$0")/lib.sh"

start_redis --appendonly no

cat >"$tmp/auth.log" <<'L'
2026-11-22T10:00:00Z web1 sshd-session[10]: message repeated 4 times: [ Failed password for root from 198.51.100.1 port 1000 ssh2]
2026-11-22T10:00:01Z web1 sshd-session[10]: Failed password for root from 198.51.100.1 port 1000 ssh2
2026-11-22T10:00:01Z web1 sshd-session[10]: Disconnecting: Too many authentication failures [preauth]
2026-11-22T10:00:02Z web1 sudo:    alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id
2026-11-22T10:00:03Z web1 kernel: usb 1-1: USB disconnect, device number 2
L
cat >"$tmp/access.log" <<'L'
203.0.113.5 [22/Nov/2026:10:00:00 +0000] shop.example "GET /cart HTTP/1.1" 302 0 "curl/8"
L
cat >"$tmp/vigie.conf" <<L
[collector]
nginx-log-format = \$remote_addr [\$time_local] \$host "\$request" \$status \$body_bytes_sent "\$http_user_agent"
L

collect() {
	"$BIN/vigie-collector" --redis "$R" --sensor p1 --state-dir "$tmp/state" \
	    --config "$tmp/vigie.conf" --log "$tmp/auth.log:syslog" \
	    --log "$tmp/access.log:nginx" --once "$@"
}
events() {
	"$BIN/vigie" --redis "$R" events --sensor p1 --count 1000 \
	    --format json >"$tmp/ev.json"
}
count() { jq -s "[.[] | select($1)] | length" "$tmp/ev.json"; }

check "collector reads every parser" collect
check "events read back" events
check "message repeated 4 times: four auth_fail events, and one more" \
    test "$(count '.action == "auth_fail" and .src_ip == "198.51.100.1" and .service == "sshd"')" = 5
check "the four in one frame, with the line's checkpoint" \
    test "$(jq -rs --argjson ts "$(date -u -d 2026-11-22T10:00:00Z +%s)000000" \
    '[.[] | select(.ts == $ts and .action == "auth_fail") | .id | split("/")[0]] | (length|tostring) + " " + (unique|length|tostring)' "$tmp/ev.json")" = "4 1"
check "each with its own id" \
    test "$(jq -s '[.[] | .id] | unique | length' "$tmp/ev.json")" = "$(jq -s length "$tmp/ev.json")"
check "the connection's address carried to its later line" \
    test "$(count '.action == "disconnect" and .src_ip == "198.51.100.1"')" = 1
check "sudo: 3 incorrect password attempts, three events" \
    test "$(count '.action == "auth_fail" and .user == "alice" and .service == "sudo"')" = 3
check "kernel: USB removal" test "$(count '.action == "media_removed" and .device == "1-1"')" = 1
check "nginx: the configured log_format" \
    test "$(count '.action == "http_request" and .src_ip == "203.0.113.5" and .http_hostname == "shop.example"')" = 1
check "a second run stores nothing more" collect
check "events read back again" events
check "still five" test "$(count '.action == "auth_fail" and .src_ip == "198.51.100.1"')" = 5

# The shipped rules test service, not program: OpenSSH 9.8's sshd-session.
check "correlator drains" "$BIN/vigie-correlator" --allow-root --redis "$R" --rules rules \
    --timezone UTC --drain
"$BIN/vigie" --redis "$R" incidents list --format json >"$tmp/inc.json"
check "five sshd-session failures: ssh_password_guessing" \
    test "$(jq '[.[] | select(.rule == "ssh_password_guessing" and .src_ip == "198.51.100.1")] | length' "$tmp/inc.json")" = 1
check "three sudo attempts: sudo_password_guessing" \
    test "$(jq '[.[] | select(.rule == "sudo_password_guessing")] | length' "$tmp/inc.json")" = 1

rc=$(status "$tmp/bad.err" "$BIN/vigie-collector" --log "$tmp/auth.log:nosuch" --once)
check "an unknown parser is refused (exit 2)" test "$rc" = 2
printf '[collector]\nnginx-log-format = $remote_addr$status\n' >"$tmp/bad.conf"
rc=$(status "$tmp/bad.err" "$BIN/vigie-collector" --redis "$R" --state-dir "$tmp/s2" --config "$tmp/bad.conf" --log "$tmp/access.log:nginx" --once)
check "a bad nginx-log-format is refused (exit 2)" test "$rc" = 2
check "naming the key" grep -q nginx-log-format "$tmp/bad.err"

done_tests
