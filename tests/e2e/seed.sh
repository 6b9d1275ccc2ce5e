#!/usr/bin/env bash
# tests/e2e/seed.sh - load a known day of state into a private redis-server.
# Writes the correlator's key layout with redis-cli; run.sh and the tests share its numbers.
# usage: seed.sh SOCKET DAY [PREFIX]    (DAY is YYYY-MM-DD, UTC)
set -euo pipefail

sock=$1
day=$2
P=${3:-vigie:}
prev=$(date -u -d "$day -1 day" +%F)
HOSTILE='<img src=x onerror=window.__pwned=1>'
HOSTILE_USER='"><script>window.__pwned=1</script>'

r() {
	local out
	out=$(redis-cli -s "$sock" "$@") || { echo "seed: redis-cli $1 failed" >&2; exit 1; }
	case $out in
	ERR*|WRONGTYPE*|"(error)"*) echo "seed: $1: $out" >&2; exit 1 ;;
	esac
}

# µs since the epoch of "$day HH:MM:SS" UTC
us() { echo "$(date -u -d "$1 $2" +%s)000000"; }

r FLUSHALL

D="${P}day:$day"
r HSET "$D:totals" events 15872 detections 1243 external 1180 \
    extraterritorial 1101 unknown_country 37 incidents_opened 4
# 1143 with a known country + 37 unknown = 1180 external; FR is home.
r HSET "$D:country" CN 402 RU 233 US 179 BR 96 NL 88 DE 61 FR 42 IN 40 \
    "$HOSTILE" 2
r HSET "$D:category" bruteforce 812 scan 251 webattack 97 policy 20
r HSET "$D:rule" ssh_password_guessing 790 port_scan 251 \
    web_path_traversal 97 admin_port_from_abroad 20 "$HOSTILE" 22
hours=(12 9 31 88 140 97 54 23 18 25 40 61 57 44 38 52 60 71 66 49 43 39 37 26)
args=()
for h in "${!hours[@]}"; do args+=("$h" "${hours[$h]}"); done
r HSET "$D:hour" "${args[@]}"

# 25 sources: the cut at 20 falls inside a tie at 12 (ips 203.0.113.1x).
r ZADD "$D:sources" 148 203.0.113.7 131 198.51.100.23 96 192.0.2.44 \
    80 2001:db8::bad 77 203.0.113.99 60 198.51.100.5 51 192.0.2.200 \
    44 203.0.113.50 40 198.51.100.77 33 192.0.2.9 30 203.0.113.3 \
    25 198.51.100.8 21 192.0.2.66 18 203.0.113.21 15 198.51.100.150 \
    12 203.0.113.19 12 203.0.113.15 12 203.0.113.11 12 203.0.113.17 \
    12 203.0.113.13 12 203.0.113.18 9 192.0.2.1 5 192.0.2.2 2 192.0.2.3 \
    1 192.0.2.4
r HSET "$D:source_country" 203.0.113.7 CN 198.51.100.23 RU 192.0.2.44 US \
    2001:db8::bad "$HOSTILE" 203.0.113.99 BR 198.51.100.5 NL \
    192.0.2.200 DE 203.0.113.50 CN 198.51.100.77 FR 192.0.2.9 IN \
    203.0.113.3 "" 198.51.100.8 CN 192.0.2.66 RU 203.0.113.21 US \
    198.51.100.150 CN 203.0.113.19 CN 203.0.113.15 RU 203.0.113.11 CN \
    203.0.113.17 BR 203.0.113.13 CN 203.0.113.18 NL
r PFADD "$D:uniq" 203.0.113.7 198.51.100.23 192.0.2.44 2001:db8::bad \
    203.0.113.99 198.51.100.5 192.0.2.200 203.0.113.50 198.51.100.77 \
    192.0.2.9 203.0.113.3 198.51.100.8 192.0.2.66 203.0.113.21 \
    198.51.100.150 203.0.113.19 203.0.113.15 203.0.113.11 203.0.113.17 \
    203.0.113.13 203.0.113.18 192.0.2.1 192.0.2.2 192.0.2.3 192.0.2.4
r PFADD "$D:uniq_foreign" 203.0.113.7 198.51.100.23 192.0.2.44 \
    2001:db8::bad 203.0.113.99 198.51.100.5 192.0.2.200 203.0.113.50 \
    192.0.2.9 198.51.100.8 192.0.2.66 203.0.113.21 198.51.100.150 \
    203.0.113.19 203.0.113.15 203.0.113.11 203.0.113.17 203.0.113.13 \
    203.0.113.18

# The day before: totals only, for the day picker.
r HSET "${P}day:$prev:totals" events 9021 detections 611 external 580 \
    extraterritorial 498 unknown_country 12 incidents_opened 2
r HSET "${P}day:$prev:country" CN 301 RU 197 FR 70

# incident ID RULE CATEGORY SEVERITY GROUP_BY GROUP SRC_IP COUNTRY SENSOR
#          COUNT STATUS FIRST_SEEN_US LAST_SEEN_US
incident() {
	r HSET "${P}inc:$1" id "$1" rule "$2" category "$3" severity "$4" \
	    group_by "$5" group "$6" src_ip "$7" country "$8" sensor "$9" \
	    count "${10}" status "${11}" first_seen "${12}" last_seen "${13}"
	r ZADD "${P}incidents" "${13%???}" "$1"
}

incident 1 ssh_password_guessing bruteforce medium src_ip 203.0.113.7 \
    203.0.113.7 CN edge-1 148 open "$(us "$prev" 23:10:05)" \
    "$(us "$day" 06:12:40)"
incident 2 port_scan scan low src_ip 198.51.100.23 198.51.100.23 RU \
    edge-2 251 acknowledged "$(us "$day" 03:02:11)" "$(us "$day" 04:55:00)"
incident 3 admin_port_from_abroad policy high src_ip 192.0.2.44 \
    192.0.2.44 US edge-1 20 closed "$(us "$day" 01:34:22)" \
    "$(us "$day" 01:41:09)"
incident 4 web_path_traversal webattack high user "$HOSTILE" \
    2001:db8::bad "$HOSTILE" web-3 9 open "$(us "$day" 04:20:00)" \
    "$(us "$day" 07:45:30)"
incident 5 ssh_password_guessing bruteforce critical src_ip 203.0.113.99 \
    203.0.113.99 BR edge-2 77 open "$(us "$day" 05:00:00)" \
    "$(us "$day" 05:31:17)"

ts4=$(us "$day" 07:45:30)
r RPUSH "${P}inc:4:ev" \
    "{\"id\":\"${ts4%???}-0\",\"ts\":$ts4,\"sensor\":\"web-3\",\"src_ip\":\"2001:db8::bad\",\"action\":\"http_request\",\"user\":$(printf '%s' "$HOSTILE_USER" | sed 's/"/\\"/g; s/^/"/; s/$/"/'),\"line\":\"GET /../../etc/passwd HTTP/1.1 $(printf '%s' "$HOSTILE" | sed 's/"/\\"/g')\"}" \
    "{\"id\":\"${ts4%???}-1\",\"ts\":$((ts4 - 60000000)),\"sensor\":\"web-3\",\"src_ip\":\"2001:db8::bad\",\"action\":\"http_request\",\"line\":\"GET /cgi-bin/..%2f..%2fbin/sh\"}" \
    "not json at all"
ts1=$(us "$day" 06:12:40)
r RPUSH "${P}inc:1:ev" \
    "{\"id\":\"${ts1%???}-0\",\"ts\":$ts1,\"sensor\":\"edge-1\",\"src_ip\":\"203.0.113.7\",\"action\":\"auth_fail\",\"user\":\"root\",\"line\":\"Failed password for root from 203.0.113.7 port 50122 ssh2 \\u001b[2J\"}"
