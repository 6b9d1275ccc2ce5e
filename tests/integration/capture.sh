#!/bin/sh
# tests/integration/capture.sh - packet capture end to end on real parts:
# captures written by tools/mkpcap with libpcap's own writer, the
# collector reading them (--pcap) into a private redis-server, the
# correlator with the shipped rules and the fixture geo database. (1) a
# SYN scan from abroad raises the scan incident, an upload abroad the
# jurisdiction rule, and a second read stores nothing twice; (2) a
# capture of random bytes is read to its end, every packet malformed;
# (3) a collector killed mid-file, restarted, stores each flow once;
# (4) live: real curl, ssh and nc between two network namespaces joined
# by a veth pair, captured with --interface (skipped, and said so, where
# namespaces are refused).
set -eu

NAME=cap . "$(dirname "$0")/lib.sh"
MKPCAP=$B/tools/mkpcap
skipped=0

start_redis --appendonly no
/usr/bin/perl tests/fixtures/mkmmdb.pl --schema maxmind tests/fixtures/geo.txt "$tmp/geo.mmdb"

collect() {
	"$BIN/vigie-collector" --redis "$R" --state-dir "$tmp/state" "$@"
}
correlate() {
	"$BIN/vigie-correlator" --allow-root --redis "$R" --rules rules --geoip "$tmp/geo.mmdb" \
	    --home-countries FR --timezone UTC --drain
}
# events SENSOR: its events as JSON lines.
events() { "$BIN/vigie" --redis "$R" events --sensor "$1" --count 0 --format json; }

echo "# (1) a SYN scan from abroad, an upload abroad; read twice"
t0=$(date -u -d '2026-11-22 10:00:00' +%s)
{
	echo "link ether"
	# 61.177.172.5 (CN) probes 25 closed ports of 10.0.0.10: RST answers.
	i=0
	while [ $i -lt 25 ]; do
		p=$((1000 + i))
		echo "$((t0 + i)).000000 tcp 61.177.172.5 40$((100 + i)) 10.0.0.10 $p flags=S seq=1$i"
		echo "$((t0 + i)).000300 tcp 10.0.0.10 $p 61.177.172.5 40$((100 + i)) flags=RA ack=1$((i))1"
		i=$((i + 1))
	done
	# ... and finds SSH open.
	echo "$((t0 + 30)).0 tcp 61.177.172.5 40200 10.0.0.10 22 flags=S seq=100"
	echo "$((t0 + 30)).001 tcp 10.0.0.10 22 61.177.172.5 40200 flags=SA seq=900 ack=101"
	echo "$((t0 + 30)).002 tcp 61.177.172.5 40200 10.0.0.10 22 flags=A seq=101 ack=901"
	echo "$((t0 + 30)).003 tcp 61.177.172.5 40200 10.0.0.10 22 flags=PA seq=101 ack=901 data=SSH-2.0-Go\\r\\n"
	# 10.0.0.20 uploads 10.4 MB to 61.177.172.9 (CN).
	echo "$((t0 + 40)).0 tcp 10.0.0.20 50000 61.177.172.9 443 flags=S seq=0"
	echo "$((t0 + 40)).001 tcp 61.177.172.9 443 10.0.0.20 50000 flags=SA seq=0 ack=1"
	awk -v t="$((t0 + 41))" 'BEGIN { d = sprintf("%1448s", ""); gsub(/ /, "x", d);
	    for (i = 0; i < 7000; i++)
		printf "%d.%06d tcp 10.0.0.20 50000 61.177.172.9 443 flags=A seq=%d ack=1 data=%s\n",
		    t + int(i / 1000), (i % 1000) * 1000, 1 + i * 1448, d }'
} >"$tmp/scan.txt"
"$MKPCAP" "$tmp/scan.txt" "$tmp/scan.pcap"
check "collector reads the capture" collect --sensor edge --pcap "$tmp/scan.pcap" --once
check "correlator drains" correlate
events edge >"$tmp/edge.json"
check "27 flows" test "$(wc -l <"$tmp/edge.json")" = 27
check "25 rejected flows from the scanner" test "$(jq -c 'select(.state == "rejected" and
    .src_ip == "61.177.172.5" and .dest_ip == "10.0.0.10" and .proto == "tcp" and
    .pkts_toserver == 1 and .pkts_toclient == 1 and .tcp_flags == "16")' "$tmp/edge.json" | wc -l)" = 25
check "a rejected flow's fields" test "$(jq -c 'select(.dest_port == 1003) |
    [.ts, .start, .end, .src_port, .bytes_toserver, .bytes_toclient]' "$tmp/edge.json")" = \
    "[$((t0 + 3))000000,$((t0 + 3))000000,$((t0 + 3))000300,40103,40,40]"
check "the SSH flow: established, banner read" test "$(jq -c 'select(.dest_port == 22) |
    [.state, .app_proto, .ssh_software, .pkts_toserver]' "$tmp/edge.json")" = '["established","ssh","Go",3]'
check "the upload: 7001 packets, 10,416,040 bytes, 2048 kept" test "$(jq -c 'select(.dest_port == 443) |
    [.pkts_toserver, .bytes_toserver, (.payload | @base64d | length)]' "$tmp/edge.json")" = \
    '[7001,10416040,2048]'
"$BIN/vigie" --redis "$R" incidents list --format json >"$tmp/inc.json"
check "scan incident on the scanner" test "$(jq -c '[.[] | select(.rule == "port_scan") |
    .group, .count, .country]' "$tmp/inc.json")" = '["61.177.172.5",25,"CN"]'
check "admin port from abroad" test "$(jq -c '[.[] | select(.rule == "admin_port_from_abroad") |
    .group]' "$tmp/inc.json")" = '["61.177.172.5"]'
check "data leaving the jurisdiction" test "$(jq -c '[.[] | select(.rule == "data_leaving_jurisdiction") |
    .group]' "$tmp/inc.json")" = '["10.0.0.20"]'
xlen=$(rcli XLEN 'vigie:ev:{edge}')
collect --sensor edge --pcap "$tmp/scan.pcap" --once 2>"$tmp/again.err"
check "read again: said so" grep -q "read to its end before (27 flows)" "$tmp/again.err"
check "read again: nothing stored twice" test "$(rcli XLEN 'vigie:ev:{edge}')" = "$xlen"
check "read again: still 27 flows" test "$(events edge | wc -l)" = 27
check "the same file given twice: refused" sh -c "! '$BIN/vigie-collector' --redis '$R' \
    --state-dir '$tmp/state' --sensor edge --pcap '$tmp/scan.pcap' --pcap '$tmp/scan.pcap' --once 2>/dev/null"

echo "# a fixture's flow, every field"
"$MKPCAP" tests/fixtures/pcap/basic.txt "$tmp/basic.pcap"
check "fixture read" collect --sensor fix --pcap "$tmp/basic.pcap" --once
events fix | jq -c 'del(.id)' >"$tmp/basic.json"
check "the HTTP flow as stored" test "$(cat "$tmp/basic.json")" = \
'{"kind":"flow","ts":1000000,"sensor":"fix","src_ip":"10.0.0.5","src_port":40000,"dest_ip":"93.184.216.34","dest_port":80,"proto":"tcp","pkts_toserver":5,"pkts_toclient":3,"bytes_toserver":267,"bytes_toclient":139,"tcp_flags":"1b","state":"closed","start":1000000,"end":1070000,"payload":"R0VUIC9hP2I9MSBIVFRQLzEuMQ0KSG9zdDogZXhhbXBsZS5vcmcNClVzZXItQWdlbnQ6IGN1cmwvNy44OC4xDQoNCg==","http_method":"GET","url":"/a?b=1","user_agent":"curl/7.88.1","http_hostname":"example.org","app_proto":"http"}'

echo "# (2) every packet malformed: random bytes behind valid record headers"
"$MKPCAP" --random 3000 7 "$tmp/random.pcap"
check "read to its end" collect --sensor noise --pcap "$tmp/random.pcap" --once
check "3000 packets" test "$(rcli HGET vigie:sensor:{noise} packets)" = 3000
check "3000 malformed" test "$(rcli HGET vigie:sensor:{noise} malformed)" = 3000
check "no flow" test "$(rcli HGET vigie:sensor:{noise} flows)" = 0
# malformed_sum SENSOR: the malformed reasons' counters added up.
malformed_sum() {
	n=0
	for r in trunc_link trunc_ip bad_ip bad_iplen bad_ipopt bad_ip6ext ip6ext_limit \
	    trunc_l4 bad_l4; do
		n=$((n + $(rcli HGET "vigie:sensor:{$1}" "decode:$r")))
	done
	echo $n
}
check "counted by reason" test "$(malformed_sum noise)" = 3000

echo "# (3) killed mid-file: each flow once"
{
	echo "link raw"
	i=0
	while [ $i -lt 300 ]; do
		echo "$((t0 + i / 10)).$((i % 10))00000 udp 10.0.0.7 $((20000 + i)) 10.0.0.53 53 data=q$i"
		[ $((i % 3)) = 0 ] && echo "$((t0 + i / 10)).$((i % 10))00100 udp 10.0.0.53 53 10.0.0.7 $((20000 + i)) data=a$i"
		i=$((i + 1))
	done
} >"$tmp/dns.txt"
"$MKPCAP" "$tmp/dns.txt" "$tmp/dns.pcap"
printf '[collector]\nframe-events = 7\n' >"$tmp/small.conf"
rc=$(VIGIE_TEST_CRASH_AFTER=5 status "$tmp/crash.err" collect -c "$tmp/small.conf" \
    --sensor dns --pcap "$tmp/dns.pcap" --once)
check "first run killed (exit 99)" test "$rc" = 99
check "restart finishes" collect -c "$tmp/small.conf" --sensor dns --pcap "$tmp/dns.pcap" --once
events dns | jq -r .src_port | sort >"$tmp/dns.ports"
check "300 flows" test "$(wc -l <"$tmp/dns.ports")" = 300
check "each once" test "$(sort -u "$tmp/dns.ports" | wc -l)" = 300
check "replies counted" test "$(events dns | jq -s '[.[] | .pkts_toclient] | add')" = 100

check "two captures in one run" collect --sensor two --pcap "$tmp/basic.pcap" \
    --pcap "$tmp/dns.pcap" --once
check "their flows" test "$(events two | wc -l)" = 301

echo "# (4) live: curl, ssh and nc across a veth pair"
ns1=vgc$$a
ns2=vgc$$b
va=vgc$$x
vb=vgc$$y
netns_cleanup() {
	ip netns del "$ns1" 2>/dev/null || true
	ip netns del "$ns2" 2>/dev/null || true
}
trap 'netns_cleanup; cleanup' EXIT INT TERM
if ! ip netns add "$ns1" 2>"$tmp/netns.err"; then
	echo "ok - live capture # SKIP network namespaces refused here: $(cat "$tmp/netns.err")"
	skipped=$((skipped + 1))
else
	ip netns add "$ns2"
	ip link add "$va" type veth peer name "$vb"
	ip link set "$va" netns "$ns1"
	ip link set "$vb" netns "$ns2"
	ip -n "$ns1" addr add 10.213.0.1/24 dev "$va"
	ip -n "$ns2" addr add 10.213.0.2/24 dev "$vb"
	ip -n "$ns1" link set "$va" up
	ip -n "$ns2" link set "$vb" up
	ip -n "$ns1" link set lo up
	ip -n "$ns2" link set lo up
	mkdir -p "$tmp/www"
	echo "hello from the web" >"$tmp/www/hello.txt"
	(cd "$tmp/www" && exec ip netns exec "$ns2" python3 -m http.server 8080 \
	    --bind 10.213.0.2 >"$tmp/http.log" 2>&1) &
	pids="$pids $!"
	(printf 'SSH-2.0-VigieTest\r\n'; sleep 3) | ip netns exec "$ns2" nc -l 10.213.0.2 2222 >/dev/null 2>&1 &
	pids="$pids $!"
	ip netns exec "$ns2" nc -l 10.213.0.2 9000 >"$tmp/nc.out" 2>/dev/null &
	pids="$pids $!"
	# The servers listening before any client: a connection refused
	# (python starts slowly on a busy machine) would be a flow of its own.
	i=0
	until [ "$(ip netns exec "$ns2" ss -Htln 'sport = :8080 or sport = :2222 or sport = :9000' | wc -l)" = 3 ]; do
		i=$((i + 1)); [ $i -gt 200 ] && break; sleep 0.05
	done
	ip netns exec "$ns2" "$BIN/vigie-collector" --redis "$R" --state-dir "$tmp/state" \
	    --sensor live --interface "$vb" 2>"$tmp/live.err" &
	cpid=$!
	pids="$pids $cpid"
	i=0
	until grep -q "capturing on" "$tmp/live.err" && [ "$(rcli EXISTS 'vigie:lease:{live}')" = 1 ]; do
		i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.1
	done
	sleep 0.5
	ip netns exec "$ns1" curl -s -A vigie-test/1.0 --retry 5 --retry-connrefused \
	    http://10.213.0.2:8080/hello.txt >"$tmp/curl.out" || true
	ip netns exec "$ns1" timeout 3 ssh -o BatchMode=yes -o StrictHostKeyChecking=no \
	    -o UserKnownHostsFile=/dev/null -p 2222 test@10.213.0.2 true >/dev/null 2>&1 || true
	echo "hello-from-nc" | ip netns exec "$ns1" nc -N 10.213.0.2 9000 || true
	sleep 0.5
	kill -TERM "$cpid"
	rc=0; wait "$cpid" || rc=$?
	check "SIGTERM: exit 0" test "$rc" = 0
	check "curl got the page" grep -q "hello from the web" "$tmp/curl.out"
	events live >"$tmp/live.json"
	check "the HTTP flow: request line, Host, User-Agent" same \
	    '["10.213.0.1","10.213.0.2","closed","GET","/hello.txt","10.213.0.2:8080","vigie-test/1.0","http"]' \
	    jq -c 'select(.dest_port == 8080) | [.src_ip, .dest_ip, .state, .http_method, .url,
	    .http_hostname, .user_agent, .app_proto]' "$tmp/live.json"
	check "the SSH flow: the client's banner" test "$(jq -r 'select(.dest_port == 2222) | .ssh_software' \
	    "$tmp/live.json" | cut -c1-8)" = "OpenSSH_"
	check "the nc flow: its payload" test "$(jq -r 'select(.dest_port == 9000) | .payload | @base64d' \
	    "$tmp/live.json")" = "hello-from-nc"
	check "libpcap's drop counters reported" test -n "$(rcli HGET vigie:sensor:{live} pcap_drop)"
	check "flows counted in the health hash" test "$(rcli HGET vigie:sensor:{live} flows)" -ge 3
fi

echo "$skipped skipped"
done_tests
