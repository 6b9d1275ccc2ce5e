# scripts/redis-cluster.sh - a private Redis Cluster on loopback for the
# tests (tests/integration/lib.sh) and the benchmarks (bench/cluster.sh),
# sourced with $tmp set: nodes under $tmp/cluster/<port>, stopped by pid.
# start_cluster MASTERS REPLICAS: a Redis Cluster on loopback TCP, each
# node a redis-server with AOF under $tmp/cluster/<port>, stopped by pid
# on exit; sets cluster_ports (masters first, as created), cluster_pids
# and CR (the cluster: address, every node a seed). Ports are picked free,
# with their cluster bus ports (+10000).
cluster_pids=
cluster_ports=
stop_cluster() {
	for p in $cluster_pids; do kill "$p" 2>/dev/null || true; done
	for p in $cluster_pids; do wait "$p" 2>/dev/null || true; done
	cluster_pids=
}
start_cluster() {
	cluster_ports=
	_n=$(($1 + $1 * $2))
	_try=0
	while :; do
		_try=$((_try + 1))
		[ $_try -gt 20 ] && { echo "no free ports for a cluster"; exit 1; }
		# Below the ephemeral range (32768-), bus ports included.
		_base=$((10000 + $(od -An -N2 -tu2 /dev/urandom) % 9000))
		_busy=0
		_i=0
		while [ $_i -lt "$_n" ]; do
			for _p in $((_base + _i)) $((_base + _i + 10000)); do
				[ -n "$(ss -Htln "sport = :$_p")" ] && _busy=1
			done
			_i=$((_i + 1))
		done
		[ $_busy = 0 ] && break
	done
	_i=0
	CR=cluster:
	_create=
	while [ $_i -lt "$_n" ]; do
		_p=$((_base + _i))
		mkdir -p "$tmp/cluster/$_p"
		redis-server --port "$_p" --bind 127.0.0.1 --cluster-enabled yes \
		    --cluster-config-file "$tmp/cluster/$_p/nodes.conf" \
		    --cluster-node-timeout 1500 --dir "$tmp/cluster/$_p" \
		    --appendonly yes --appendfsync "${FSYNC:-everysec}" --save '' --daemonize no \
		    --logfile "$tmp/cluster/$_p/redis.log" &
		cluster_pids="$cluster_pids $!"
		cluster_ports="$cluster_ports $_p"
		[ "$CR" = cluster: ] || CR="$CR,"
		CR="${CR}127.0.0.1:$_p"
		_create="$_create 127.0.0.1:$_p"
		_i=$((_i + 1))
	done
	cluster_ports=${cluster_ports# }
	for _p in $cluster_ports; do
		_j=0
		until [ "$(redis-cli -p "$_p" ping 2>/dev/null)" = PONG ]; do
			_j=$((_j + 1))
			[ $_j -gt 200 ] && { echo "cluster node $_p did not start"; tail -5 "$tmp/cluster/$_p/redis.log"; exit 1; }
			sleep 0.05
		done
	done
	if [ "$2" = 0 ] && [ "$1" -lt 3 ]; then
		# One or two masters (redis-cli wants 3 at least): each
		# its share of the slots, its own epoch, then they meet.
		_i=0
		for _p in $cluster_ports; do
			redis-cli -p "$_p" cluster set-config-epoch $((_i + 1)) >/dev/null
			redis-cli -p "$_p" cluster addslotsrange $((_i * 16384 / $1)) \
			    $(((_i + 1) * 16384 / $1 - 1)) >/dev/null
			[ $_i = 0 ] || redis-cli -p "$_p" cluster meet 127.0.0.1 \
			    "${cluster_ports%% *}" >/dev/null
			_i=$((_i + 1))
		done
	else
		# shellcheck disable=SC2086
		redis-cli --cluster create $_create --cluster-replicas "$2" \
		    --cluster-yes >"$tmp/cluster/create.log" 2>&1 ||
		    { echo "redis-cli --cluster create failed"; cat "$tmp/cluster/create.log"; exit 1; }
	fi
	for _p in $cluster_ports; do
		_j=0
		until redis-cli -p "$_p" cluster info 2>/dev/null |
		    grep -q 'cluster_state:ok'; do
			_j=$((_j + 1))
			[ $_j -gt 400 ] && { echo "cluster not ok on $_p"; exit 1; }
			sleep 0.05
		done
	done
}
# cluster_any: the port of a node that answers.
cluster_any() {
	for _p in $cluster_ports; do
		[ "$(redis-cli -p "$_p" ping 2>/dev/null)" = PONG ] && { echo "$_p"; return 0; }
	done
	return 1
}
# cluster_owner KEY: the port of the master serving KEY's slot now.
cluster_owner() {
	_a=$(cluster_any)
	_s=$(redis-cli -p "$_a" cluster keyslot "$1")
	redis-cli -p "$_a" cluster nodes | awk -v s="$_s" '
	    $3 ~ /master/ && $3 !~ /fail/ {
		for (i = 9; i <= NF; i++) {
			if ($i ~ /^\[/) continue
			n = split($i, r, "-"); lo = r[1]; hi = n == 2 ? r[2] : r[1]
			if (s + 0 >= lo + 0 && s + 0 <= hi + 0) { split($2, a, "[:@]"); print a[2]; exit }
		}
	    }'
}
# cluster_pid PORT: the pid of the node on PORT.
cluster_pid() {
	_i=0
	for _p in $cluster_ports; do
		_i=$((_i + 1))
		[ "$_p" = "$1" ] && { echo "$cluster_pids" | tr -s ' ' '\n' | sed '/^$/d' | sed -n "${_i}p"; return 0; }
	done
	return 1
}
