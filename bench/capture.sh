#!/bin/sh
# bench/capture.sh - the capture's throughput and memory (make
# bench-capture). On a generated capture of PACKETS packets (default
# 10,000,000; tools/mkpcap --synth: 98 short flows in 100, 2 long ones):
#  - flow extraction alone (bench/capbench: libpcap read, decode, flow
#    table, payload and metadata of each flow), with payload-bytes 2048
#    and 0: packets per CPU-second;
#  - the collector end to end (--pcap --once into a private redis-server,
#    spool and frames included), the same two ways: packets per
#    CPU-second of the collector, its max RSS;
#  - resident bytes per tracked flow with 1,000,000 flows open at once,
#    without payload and with 100 client bytes each.
# The capture is kept in $B/bench/ for the next run.
set -eu

BIN=${BIN:-bin}
B=${B:-build}
PACKETS=${PACKETS:-10000000}
cd "$(dirname "$0")/.."
pcap=$B/bench/synth-$PACKETS.pcap
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-bcap.XXXXXX")
rpid=
cleanup() {
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

mkdir -p "$B/bench"
[ -s "$pcap" ] || "$B/tools/mkpcap" --synth "$PACKETS" 1 "$pcap"
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg) (shared)"
echo "# capture: $pcap, $(du -h "$pcap" | cut -f1)"

for pb in 2048 0; do
	echo "== flow extraction, payload-bytes $pb"
	"$B/bench/capbench" "$pcap" $pb
done

for pb in 2048 0; do
	echo "== collector end to end, payload-bytes $pb"
	rm -rf "$tmp/state" "$tmp/redis"
	mkdir -p "$tmp/state" "$tmp/redis"
	redis-server --port 0 --unixsocket "$tmp/r.sock" --dir "$tmp/redis" --save '' \
	    --appendonly no --daemonize no --logfile "$tmp/redis.log" &
	rpid=$!
	until [ "$(redis-cli -s "$tmp/r.sock" ping 2>/dev/null)" = PONG ]; do sleep 0.05; done
	printf '[collector]\npayload-bytes = %s\n' $pb >"$tmp/c.conf"
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$BIN/vigie-collector" -c "$tmp/c.conf" \
	    --redis "unix:$tmp/r.sock" --state-dir "$tmp/state" --sensor bench \
	    --pcap "$pcap" --once 2>"$tmp/coll.err"
	read -r wall u s rss <"$tmp/time"
	flows=$(redis-cli -s "$tmp/r.sock" HGET vigie:sensor:{bench} flows)
	stored=$(redis-cli -s "$tmp/r.sock" HGET vigie:sensor:{bench} stored)
	echo "packets $PACKETS flows $flows stored $stored wall_s $wall cpu_s $(echo "$u + $s" | bc)" \
	    "packets_per_cpu_s $(echo "$PACKETS / ($u + $s)" | bc) max_rss_kb $rss"
	[ "$flows" = "$stored" ] || { echo "stored $stored of $flows flows"; exit 1; }
	kill "$rpid"; wait "$rpid" 2>/dev/null || true; rpid=
done

echo "== 1,000,000 concurrent flows"
"$B/bench/capbench" --concurrent 1000000 0
"$B/bench/capbench" --concurrent 1000000 2048
