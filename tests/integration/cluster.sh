#!/bin/sh
# tests/integration/cluster.sh - the slot router (core/redis.c) on a real
# Redis Cluster on loopback: 3 masters and 3 replicas started here,
# created with redis-cli --cluster create, stopped by pid.
#   (1) build/tests/redis_test cluster: routing as the nodes compute it,
#       keys spread over every master, pipelines in order, MOVED after a
#       slot migrates, ASK mid-migration, CLUSTER FAILOVER followed
#   (2) a master killed (SIGKILL) after 1,000 keys were written and
#       replicated: every key read back through the router once its
#       replica took over
set -eu
NAME=cluster
. "$(dirname "$0")/lib.sh"

start_cluster 3 1
echo "# cluster $CR"
T=$B/tests/redis_test

check "(1) routing, pipelines, MOVED, ASK, CLUSTER FAILOVER" \
    env VIGIE_CLUSTER="$CR" "$T" cluster

check "(2) keys written and replicated" env VIGIE_CLUSTER="$CR" "$T" cluster-write
# The master of the slot of kill:0, killed.
port=$(redis-cli -p "${cluster_ports# }" -c cluster nodes |
    awk -v s="$(redis-cli -p "${cluster_ports# }" cluster keyslot kill:0)" '
    $3 ~ /master/ && $9 != "" { split($9, r, "-"); if (s >= r[1] && s <= (r[2] == "" ? r[1] : r[2])) { split($2, a, "[:@]"); print a[2] } }' | head -n 1)
victim=
i=0
for p in $cluster_ports; do
	i=$((i + 1))
	[ "$p" = "$port" ] && victim=$(echo $cluster_pids | cut -d' ' -f$i)
done
if [ -n "$victim" ]; then
	kill -9 "$victim"
	wait "$victim" 2>/dev/null || true
	echo "# killed the master on port $port (pid $victim)"
	check "(2) every key read back after the replica took over" \
	    env VIGIE_CLUSTER="$CR" "$T" cluster-read
else
	not_ok "(2) the master of kill:0 was not found"
fi
done_tests
