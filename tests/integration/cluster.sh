#!/bin/sh
# tests/integration/cluster.sh - Redis Cluster on loopback, 3 masters and
# 3 replicas started here (redis-cli --cluster create), stopped by pid.
# The slot router (core/redis.c):
#   (1) build/tests/redis_test cluster: routing as the nodes compute it,
#       keys spread over every master, pipelines in order, MOVED after a
#       slot migrates, ASK mid-migration, CLUSTER FAILOVER followed
#   (2) a master killed (SIGKILL) after 1,000 keys were written and
#       replicated: every key read back once its replica took over
# The collector on a fresh cluster:
#   (3) three collectors whose streams live on three different masters:
#       each line stored once, in order, read back with vigie events
#       through the cluster address; the sensors registered, the health
#       under each sensor's tag
#   (4) the master of a sensor's stream killed while its log grows: the
#       collector spools, finds the promoted replica, sends again what
#       the dead master had taken but not replicated; each line once
set -eu
NAME=cluster
. "$(dirname "$0")/lib.sh"

start_cluster 3 1
echo "# cluster $CR"
T=$B/tests/redis_test

check "(1) routing, pipelines, MOVED, ASK, CLUSTER FAILOVER" \
    env VIGIE_CLUSTER="$CR" "$T" cluster

check "(2) keys written and replicated" env VIGIE_CLUSTER="$CR" "$T" cluster-write
port=$(cluster_owner kill:0)
victim=$(cluster_pid "$port")
kill -9 "$victim"
wait "$victim" 2>/dev/null || true
echo "# killed the master on port $port (pid $victim)"
check "(2) every key read back after the replica took over" \
    env VIGIE_CLUSTER="$CR" "$T" cluster-read
stop_cluster

start_cluster 3 1
echo "# cluster $CR"
R=$CR
# Three sensor names whose streams hash to three different masters.
sensors=
owners=
for k in $(seq 1 60); do
	o=$(cluster_owner "vigie:ev:{s$k}")
	case " $owners " in *" $o "*) continue ;; esac
	owners="$owners $o"
	sensors="$sensors s$k"
	[ "$(echo $sensors | wc -w)" = 3 ] && break
done
echo "# sensors$sensors on masters$owners"
follow() {
	# follow SENSOR LOG: a collector in the background, on the cluster.
	"$BIN/vigie-collector" --redis "$R" --sensor "$1" --state-dir "$tmp/state-$1" \
	    --log "$2:sshd" 2>>"$tmp/collector-$1.log" &
	cpid=$!
	pids="$pids $cpid"
}
for s in $sensors; do
	lines 1 3000 >"$tmp/$s.log"
	follow "$s" "$tmp/$s.log"
done
for s in $sensors; do
	check "(3) $s: 3,000 lines stored" wait_stored "$s" 3000
	check "(3) $s: each line once, in order" exactly_once "$s" 1 3000
done
n=0
for o in $owners; do
	n=$((n + $(redis-cli -p "$o" dbsize)))
	check "(3) master $o holds keys" test "$(redis-cli -p "$o" dbsize)" -gt 0
done
check "(3) the sensors registered" sh -c "test \$(redis-cli -c -p $(cluster_any) scard vigie:sensors) = 3"
s1=$(echo $sensors | cut -d' ' -f1)
check "(3) the health hash under the sensor's tag" sh -c \
    "sleep 6; redis-cli -c -p $(cluster_any) hget 'vigie:sensor:{$s1}' stored | grep -qx 3000"

# (4): the master of s1's stream killed while its log grows.
log=$tmp/$s1.log
( for k in $(seq 6 45); do lines $((k * 500 + 1)) $((k * 500 + 500)) >>"$log"; sleep 0.1; done ) &
writer=$!
sleep 1.2
port=$(cluster_owner "vigie:ev:{$s1}")
victim=$(cluster_pid "$port")
kill -9 "$victim"
wait "$victim" 2>/dev/null || true
echo "# killed the master of $s1 on port $port (pid $victim)"
wait "$writer"
check "(4) $s1: every line stored after the failover" wait_stored "$s1" 23000
check "(4) $s1: each line once, in order" exactly_once "$s1" 1 23000
grep -h 'lost its last\|connected to' "$tmp/collector-$s1.log" | sed 's/^/# /' || true
check "(4) the collector said where it went" grep -q 'connected to 127.0.0.1:' "$tmp/collector-$s1.log"
check "(4) the stream moved to another master" test "$(cluster_owner "vigie:ev:{$s1}")" != "$port"
done_tests
