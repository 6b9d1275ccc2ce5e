# tests/hostile/packets.sh - (3) of run.sh, sourced: captures written by
# hostile_pcap.c through libpcap. Every lie counted under its reason, the
# valid packets between them decoded, 65,535 one-byte segments one flow
# in bounded memory.

echo "# (3) packets"
"$HPCAP" malformed "$tmp/malformed.pcap"
"$HPCAP" tiny "$tmp/tiny.pcap"
# maxrss SENSOR PCAP: the collector's peak resident KB reading it.
maxrss() {
	/usr/bin/time -f '%M' -o "$tmp/rss-$1" "$BIN/vigie-collector" --redis "$R" \
	    --sensor "$1" --state-dir "$tmp/state-$1" --pcap "$2" --once 2>"$tmp/cap-$1.log" &&
	    tail -1 "$tmp/rss-$1"
}
rss_m=$(maxrss pkm "$tmp/malformed.pcap" || echo failed)
check "the lying capture read to its end (peak $rss_m KB)" test "$rss_m" != failed
check "60 packets, 33 malformed" sh -c "test $(health pkm packets) = 60 && test $(health pkm malformed) = 33"
for r in bad_iplen:6 trunc_ip:6 bad_ipopt:3 bad_l4:9 ip6ext_limit:6 bad_ip6ext:3 bad_ip:0 trunc_l4:0; do
	check "counted as ${r%:*}: ${r#*:} ($(health pkm "decode:${r%:*}"))" test "$(health pkm "decode:${r%:*}")" = "${r#*:}"
done
events pkm >"$tmp/pkm.json"
check "every valid SYN between the lies is a flow (27)" test "$(jq -c 'select(.src_ip == "198.51.100.66" and .dest_ip == "10.0.0.10" and .dest_port == 22)' "$tmp/pkm.json" | wc -l)" = 27
check "no flow made of a lie (none from port 1 or 5353)" test "$(jq -c 'select(.src_port == 1 or .src_port == 5353 or .src_ip == "2001:db8::66")' "$tmp/pkm.json" | wc -l)" = 0
check "the reasons in the collector's log" sh -c "grep -q 'ip6ext_limit: 6 packets' '$tmp/cap-pkm.log' && grep -q 'bad_l4: 9 packets' '$tmp/cap-pkm.log'"

rss_t=$(maxrss pkt "$tmp/tiny.pcap" || echo failed)
check "65,535 one-byte segments read (peak $rss_t KB)" test "$rss_t" != failed
check "memory bounded: within 16 MiB of the small capture's ($rss_m KB)" test "$rss_t" -le $((rss_m + 16384))
events pkt >"$tmp/pkt.json"
check "one flow" test "$(wc -l <"$tmp/pkt.json")" = 1
check "its counts: 65,538 packets to the server, 2 back, closed" sh -c \
    "jq -e '.pkts_toserver == 65538 and .pkts_toclient == 2 and .state == \"closed\" and .src_port == 40000 and .dest_port == 8080' '$tmp/pkt.json'"
check "its payload: the first 2048 bytes, in order" sh -c \
    "jq -e '(.payload | @base64d) as \$p | (\$p | length) == 2048 and (\$p | .[0:26]) == \"abcdefghijklmnopqrstuvwxyz\"' '$tmp/pkt.json'"
check "no packet malformed" test "$(health pkt malformed)" = 0
