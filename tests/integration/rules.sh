#!/bin/sh
# tests/integration/rules.sh - vigie rules test, the rule author's tool:
# inputs through the collector's parsers and the correlator's
# detect_event(), no Redis; each match with what the condition read, the
# strings matched and the window's state; --expect fails on a changed
# rule and shows the difference; --why-not names the false part; JSON
# events as input; terminal escapes never reach the terminal.
set -eu

NAME=rules . "$(dirname "$0")/lib.sh"

/usr/bin/perl tests/fixtures/mkmmdb.pl --schema maxmind tests/fixtures/geo.txt "$tmp/geo.mmdb"
log=tests/fixtures/auth.log
T() { "$BIN/vigie" rules test --geoip "$tmp/geo.mmdb" --home-countries FR "$@"; }
# near FILE WHERE N TEXT: TEXT (fixed) within N lines after the match at WHERE.
near() { grep -A"$3" "^$2 " "$1" | grep -qF -- "$4"; }

cat >"$tmp/root.yar" <<'EOF'
rule root_guess {
  meta:
    description = "root password guesses"
    category = "bruteforce" severity = "high"
    threshold = 3 window = 60 group_by = "src_ip"
  strings:
    $root = "for root from"   // a comment with a { brace
    $port = /port [0-9]{5}/
  condition:
    action == "auth_fail" and ($root or $port) and (src_country != "FR" or hour < 6)
}
EOF

echo "# the shipped rules on the fixture"
check "runs" sh -c "T() { '$BIN/vigie' rules test --geoip '$tmp/geo.mmdb' --home-countries FR \"\$@\"; }; T rules -- $log:sshd >'$tmp/ship.out'"
check "three incidents would open, as the pipeline opens" grep -q "3 incidents would open" "$tmp/ship.out"
check "the summary counts the events" grep -q "50 events" "$tmp/ship.out"
check "the fifth failure opens the first incident" near "$tmp/ship.out" "$log:12" 5 "5 of 5 in 600 s: an incident opens here"
check "the next one joins it" near "$tmp/ship.out" "$log:13" 5 "joins the incident opened at $log:12 (6 detections)"
check "the source's country and standing" near "$tmp/ship.out" "$log:3" 1 "61.177.172.5 (CN, external, extraterritorial)"
check "what the condition read" near "$tmp/ship.out" "$log:3" 3 "action=auth_fail"

echo "# strings, offsets, the window"
T "$tmp/root.yar" -- "$log:sshd" >"$tmp/root.out"
check "each string match with its offset and bytes" near "$tmp/root.out" "$log:3" 6 'string   $root at 16, 13 bytes: "for root from"'
check "the regular expression's match" near "$tmp/root.out" "$log:3" 7 'string   $port at 43, 10 bytes: "port 40001"'
check "the third opens (threshold 3)" near "$tmp/root.out" "$log:5" 8 "3 of 3 in 60 s: an incident opens here"
check "context externals read" near "$tmp/root.out" "$log:3" 4 'src_country=CN'

echo "# --format json"
T --format json "$tmp/root.yar" -- "$log:sshd" >"$tmp/root.json"
check "one JSON object per match" sh -c "jq -e -s 'length > 3 and all(.rule == \"root_guess\")' '$tmp/root.json' >/dev/null"
check "with its window and strings" sh -c "head -n 1 '$tmp/root.json' | jq -e '.window.threshold == 3 and .strings[0].string == \"\$root\" and .event.src_ip == \"61.177.172.5\"' >/dev/null"

echo "# --expect"
T --format matches "$tmp/root.yar" -- "$log:sshd" >"$tmp/expect"
check "the same rule: as expected (exit 0)" sh -c "'$BIN/vigie' rules test --geoip '$tmp/geo.mmdb' --home-countries FR --format matches --expect '$tmp/expect' '$tmp/root.yar' -- $log:sshd | grep -q 'as expected'"
sed 's/(\$root or \$port)/$root and $port/' "$tmp/root.yar" >"$tmp/changed.yar"
rc=$(status "$tmp/exp.err" sh -c "'$BIN/vigie' rules test --geoip '$tmp/geo.mmdb' --home-countries FR --format matches --expect '$tmp/expect' '$tmp/changed.yar' -- $log:sshd >'$tmp/exp.out'")
check "a changed rule fails (exit 1)" test "$rc" = 1
check "and shows the difference" grep -q "^- expected, did not match: root_guess $log:" "$tmp/exp.out"
check "and counts it" grep -q "differences* from $tmp/expect" "$tmp/exp.out"

echo "# --why-not"
cat >"$tmp/oracle.yar" <<'EOF'
rule oracle_guess {
  meta:
    category = "bruteforce" severity = "low" threshold = 1 window = 60
  condition:
    action == "auth_fail" and user == "oracle" and dest_port == 0
}
EOF
T --why-not oracle_guess "$tmp/oracle.yar" -- "$log:sshd" >"$tmp/why.out"
check "names the one false part of a near miss" grep -q "oracle_guess did not match: only this was false: user == \"oracle\"" "$tmp/why.out"
check "with the value it read" grep -q "reads    user=admin" "$tmp/why.out"
check "tallies each term" grep -q "false for .*: action == \"auth_fail\"" "$tmp/why.out"
check "unknown rule: exit 2" test "$(status "$tmp/w.err" T --why-not nosuch "$tmp/oracle.yar" -- "$log:sshd")" = 2

echo "# JSON events as input, hostile text"
esc=$(printf '\033')
printf '{"kind":"log","ts":1763632800000000,"src_ip":"61.177.172.5","action":"auth_fail","user":"x%s]2;pwned\\u0007","line":"Failed password for root from 61.177.172.5 port 40001 ssh2"}\n' "$esc" |
    sed "s/$esc/\\\\u001b/" >"$tmp/events.json"
T "$tmp/root.yar" -- "$tmp/events.json" >"$tmp/ev.out"
check "an event JSON line is judged" grep -q "^$tmp/events.json:1  root_guess" "$tmp/ev.out"
printf 'Nov 20 10:00:03 web1 sshd[100]: Failed password for invalid user x%s[2J%s]0;owned%s from 61.177.172.5 port 40001 ssh2\n' \
    "$esc" "$esc" "$(printf '\007')" >"$tmp/hostile.log"
T --why-not root_guess "$tmp/root.yar" -- "$tmp/hostile.log:sshd" >"$tmp/hostile.out"
check "no raw escape or bell reaches the terminal" sh -c "! grep -q \"\$(printf '[\\033\\007]')\" '$tmp/hostile.out'"
check "they are shown escaped" grep -q '\\e\[2J' "$tmp/hostile.out"

echo "# a capture file: its flows, as the collector makes them"
t0=$(date -u -d '2026-11-22 10:00:00' +%s)
i=0
{
	echo "link ether"
	while [ $i -lt 25 ]; do
		echo "$((t0 + i)).000000 tcp 61.177.172.5 40$((100 + i)) 10.0.0.10 $((1000 + i)) flags=S seq=1$i"
		echo "$((t0 + i)).000300 tcp 10.0.0.10 $((1000 + i)) 61.177.172.5 40$((100 + i)) flags=RA ack=1$((i))1"
		i=$((i + 1))
	done
} >"$tmp/scan.txt"
"$B/tools/mkpcap" "$tmp/scan.txt" "$tmp/scan.pcap"
T --internal 10.0.0.0/8 rules -- "$tmp/scan.pcap" >"$tmp/scan.out"
check "the scan's 20th rejected flow opens the port scan incident" near "$tmp/scan.out" "$tmp/scan.pcap#flow20" 6 "20 of 20 in 60 s: an incident opens here"
check "a flow's event: source, country, state" near "$tmp/scan.out" "$tmp/scan.pcap#flow1" 2 "61.177.172.5 (CN, external, extraterritorial)"
check "the rule read the flow's state" near "$tmp/scan.out" "$tmp/scan.pcap#flow1" 4 "state=rejected"

echo "# usage"
check "no -- INPUT: exit 2" test "$(status "$tmp/u.err" T rules)" = 2
check "unknown parser: exit 2" test "$(status "$tmp/u.err" T rules -- "$log:nosuch")" = 2
check "it names the input" grep -q "$log:nosuch: unknown parser" "$tmp/u.err"
check "a missing input: exit 2" test "$(status "$tmp/u.err" T rules -- "$tmp/none.log:sshd")" = 2
check "a bad rule file: exit 2 with file:line" sh -c "printf 'rule x { condition: nosuch == 1 }\n' >'$tmp/bad.yar'; '$BIN/vigie' rules test '$tmp/bad.yar' -- $log:sshd 2>'$tmp/bad.err'; test \$? = 2 && grep -q '$tmp/bad.yar:1: error' '$tmp/bad.err'"

check "an unknown meta key (a typo): exit 2 with file:line" sh -c "printf 'rule t {\n  meta:\n    treshold = 5\n  condition:\n    false\n}\n' >'$tmp/typo.yar'; '$BIN/vigie' rules check '$tmp/typo.yar' 2>'$tmp/typo.err'; test \$? = 2 && grep -q '$tmp/typo.yar:3: rule t: unknown meta treshold' '$tmp/typo.err'"

done_tests
