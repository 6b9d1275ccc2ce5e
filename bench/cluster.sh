#!/bin/sh
# bench/cluster.sh - make bench-cluster: the collectors writing to one
# Redis, then to a Redis Cluster of 1, 2 and 3 masters (no replicas, AOF
# everysec as on an appliance), and of 3 masters each with a replica (the
# replication, and the WAIT that follows each partition's commit there). SENSORS collectors (3) share one
# generated auth.log of LINES lines (1,000,000), each its own sensor whose
# stream hashes to its own third of the slots, and run at once with
# --once. Per run: lines per second from the first start to the last
# exit (every event in Redis), the collectors' CPU, and per master the
# events it took and its CPU per event. Everything runs on this machine:
# the 2 cores are shared by the collectors and every master, so the
# figures show the cost per event and how it spreads, not a site's
# throughput. Then end to end: CORRELATORS (2) correlator processes of
# one worker each drain what the collectors stored, with the SSH rules
# (rules/ssh.yar) and the geo database, the state cut in the default
# partitions (1 on one Redis, 16 on a cluster): events per second from
# their start to the last exit, and per master its CPU per event while
# they drained.
set -eu
BIN=${BIN:-bin}
LINES=${LINES:-1000000}
SENSORS=${SENSORS:-3}
CORRELATORS=${CORRELATORS:-2}
. bench/lib.sh
. scripts/redis-cluster.sh
trap 'stop_cluster; cleanup' EXIT

echo "command: LINES=$LINES SENSORS=$SENSORS CORRELATORS=$CORRELATORS make bench-cluster"
machine "hiredis $(dpkg-query -W -f '${Version}' libhiredis0.14 2>/dev/null || echo '?')"
genlog
awk -v n="$SENSORS" -v dir="$tmp" '{ print > (dir "/part" (NR % n) ".log") }' "$tmp/auth.log"
echo "input:   $n lines ($size MiB) in $SENSORS logs"

# Sensor names whose streams fall in different parts of the slot range
# (found on a one-master cluster, whose CLUSTER KEYSLOT answers).
start_cluster 1 0
names=
k=0
while [ "$(echo $names | wc -w)" -lt "$SENSORS" ]; do
	k=$((k + 1))
	s=$(redis-cli -p "$cluster_ports" cluster keyslot "vigie:ev:{b$k}")
	want=$(($(echo $names | wc -w) * 16384 / SENSORS))
	[ "$s" -ge "$want" ] && [ "$s" -lt $((want + 16384 / SENSORS)) ] &&
	    names="$names b$k"
done
stop_cluster
echo "sensors:$names"

# role PORT: "master", "replica", or "master" for the single server.
role() {
	case $1 in
	single) echo master ;;
	*) [ "$(redis-cli -p "$1" role 2>/dev/null | head -n 1)" = slave ] &&
	    echo replica || echo master ;;
	esac
}

# run LABEL ADDR PID... : the collectors once; the figures.
run() {
	label=$1 addr=$2
	shift 2
	for p in "$@"; do echo "$p $(cpu "$p")"; done >"$tmp/cpu0"
	rm -rf "$tmp"/state-*
	ours >"$tmp/ours0"
	t0=$(now)
	i=0
	cpids=
	for s in $names; do
		"$BIN/vigie-collector" --redis "$addr" --sensor "$s" \
		    --state-dir "$tmp/state-$s" --log "$tmp/part$i.log:sshd" \
		    --once 2>"$tmp/collector-$s.log" &
		cpids="$cpids $!"
		i=$((i + 1))
	done
	for p in $cpids; do wait "$p" || die "a collector failed: $(cat "$tmp"/collector-*.log)"; done
	wall=$(calc "$(now) - $t0" 3)
	ours >"$tmp/ours1"
	ccpu=$(calc "$(cat "$tmp/ours1") - $(cat "$tmp/ours0")")
	stored=0
	for s in $names; do
		e=$(sed -n 's/.* \([0-9]*\) events stored, 0 waiting.*/\1/p' "$tmp/collector-$s.log" | tail -n 1)
		[ -n "$e" ] || die "$s: not every event stored: $(tail -n 2 "$tmp/collector-$s.log")"
		echo "$s $e" >>"$tmp/events.$label"
		stored=$((stored + e))
	done
	printf '%-10s %9s lines/s  %s events in %s s; collectors %s CPU-s (%s lines/CPU-s)\n' \
	    "$label" "$(calc "$n / $wall" 0)" "$stored" "$wall" "$ccpu" \
	    "$(calc "$n / $ccpu" 0)"
	for p in "$@"; do
		port=$(cat "$tmp/port.$p" 2>/dev/null || echo single)
		ev=0
		for s in $names; do
			o=single
			[ "$port" = single ] || o=$(cluster_owner "vigie:ev:{$s}")
			[ "$o" = "$port" ] && ev=$((ev + $(awk -v s="$s" '$1 == s { print $2 }' "$tmp/events.$label")))
		done
		used=$(calc "$(cpu "$p") - $(awk -v p="$p" '$1 == p { print $2 }' "$tmp/cpu0")")
		printf '           %-8s%-6s %8s events  %6s CPU-s  %s µs/event  RSS %s MiB\n' \
		    "$(role "$port")" "$port" "$ev" "$used" \
		    "$( [ "$ev" -gt 0 ] && calc "$used * 1000000 / $ev" 2 || echo -)" \
		    "$(($(rss "$p") / 1024))"
	done

	# End to end: the correlators drain what the collectors stored.
	for p in "$@"; do echo "$p $(cpu "$p")"; done >"$tmp/cpu0"
	ours >"$tmp/ours0"
	t0=$(now)
	kpids=
	k=0
	while [ $k -lt "$CORRELATORS" ]; do
		"$BIN/vigie-correlator" --allow-root --redis "$addr" \
		    --rules rules/ssh.yar --geoip "$tmp/geo.mmdb" \
		    --home-countries FR --timezone UTC --workers 1 --drain \
		    --no-http 2>"$tmp/correlator-$k.log" &
		kpids="$kpids $!"
		k=$((k + 1))
	done
	for p in $kpids; do wait "$p" || die "a correlator failed: $(tail -n 3 "$tmp"/correlator-*.log)"; done
	wall=$(calc "$(now) - $t0" 3)
	ours >"$tmp/ours1"
	kcpu=$(calc "$(cat "$tmp/ours1") - $(cat "$tmp/ours0")")
	counted=$(cat "$tmp"/correlator-*.log | sed -n 's/.*: \([0-9]*\) events counted.*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
	[ "$counted" = "$stored" ] || die "$label: $counted events counted of $stored"
	printf '           end to end %9s events/s  %s events in %s s; correlators %s CPU-s (%s events/CPU-s)\n' \
	    "$(calc "$stored / $wall" 0)" "$stored" "$wall" "$kcpu" \
	    "$(calc "$stored / $kcpu" 0)"
	for p in "$@"; do
		port=$(cat "$tmp/port.$p" 2>/dev/null || echo single)
		used=$(calc "$(cpu "$p") - $(awk -v p="$p" '$1 == p { print $2 }' "$tmp/cpu0")")
		printf '           %-8s%-6s %6s CPU-s  %s µs/event of all  RSS %s MiB\n' \
		    "$(role "$port")" "$port" "$used" "$(calc "$used * 1000000 / $stored" 2)" \
		    "$(($(rss "$p") / 1024))"
	done
}

redis_start "$tmp/single"
run single "unix:$sock" "$redis_pid"
redis_stop
# on_cluster LABEL MASTERS REPLICAS: run on a cluster of that shape, each
# node's figures named by its port.
on_cluster() {
	start_cluster "$2" "$3"
	pids=
	for p in $cluster_ports; do
		pid=$(cluster_pid "$p")
		echo "$p" >"$tmp/port.$pid"
		pids="$pids $pid"
	done
	# shellcheck disable=SC2086
	run "$1" "$CR" $pids
	stop_cluster
}
for m in 1 2 3; do
	on_cluster "$m master$([ "$m" = 1 ] || echo s)" "$m" 0
done
on_cluster "3+3 replicas" 3 1
shared
