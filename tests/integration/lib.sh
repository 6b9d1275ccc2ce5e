# tests/integration/lib.sh - what every integration script shares, sourced
# after `set -eu`: the temp dir, TAP-like checks, and a private
# redis-server on a unix socket in that dir, stopped by pid on exit.
#   NAME=<short name> . tests/integration/lib.sh
BIN=${BIN:-bin}
B=${B:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-$NAME.XXXXXX")
redis_pid=
pids=
pass=0
fail=0

cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	[ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
	[ -z "$cluster_pids" ] || stop_cluster
	if [ -n "${KEEP:-}" ]; then echo "# kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT INT TERM

ok() { pass=$((pass + 1)); echo "ok - $1"; }
not_ok() { fail=$((fail + 1)); echo "not ok - $1"; }
# check NAME CMD...: one assertion.
check() {
	name=$1; shift
	if "$@" >"$tmp/check.out" 2>&1; then ok "$name"; else
		not_ok "$name"; sed 's/^/#   /' "$tmp/check.out" | head -40; fi
}
# status ERRFILE CMD...: runs CMD, stderr to ERRFILE; prints its exit status.
status() {
	err=$1; shift
	"$@" 2>"$err" && echo 0 || echo $?
}
# done_tests: the tally, and the exit status.
done_tests() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}

export TZ=UTC
sock="$tmp/redis.sock"
R="unix:$sock"
# start_redis_bg [redis-server options]: on $sock, data in $tmp/redis,
# without waiting for it.
start_redis_bg() {
	mkdir -p "$tmp/redis"
	redis-server --port 0 --unixsocket "$sock" --dir "$tmp/redis" --save '' \
	    --daemonize no --logfile "$tmp/redis.log" "$@" &
	redis_pid=$!
}
# start_redis [redis-server options]: the same, then waits for PONG (not
# LOADING).
start_redis() {
	start_redis_bg "$@"
	_i=0
	until [ "$(redis-cli -s "$sock" ping 2>/dev/null)" = PONG ]; do
		_i=$((_i + 1))
		[ $_i -gt 400 ] && { echo "redis did not start"; tail "$tmp/redis.log"; exit 1; }
		sleep 0.05
	done
}
rcli() { redis-cli -s "$sock" "$@"; }

# The transport's markers: lines, stored, wait_stored, exactly_once.
# lines FIRST LAST: numbered sshd lines, RFC 3339 dates, one marker each.
lines() {
	awk -v a="$1" -v b="$2" 'BEGIN { for (i = a; i <= b; i++)
		printf "2026-11-22T10:%02d:%02d.%06dZ web1 sshd[%d]: Invalid user u%d from 198.51.100.%d port %d\n",
		    (i / 60) % 60, i % 60, i % 1000000, 1000 + i % 5000, i, 1 + i % 250, 1024 + i % 60000 }'
}
# stored SENSOR: the marker of every event in the sensor's stream, in order
# (Redis at $R: a single server or a cluster).
stored() {
	"$BIN/vigie" --redis "$R" events --sensor "$1" --count 0 --format json |
	    jq -r '.line' | sed -n 's/^Invalid user \(u[0-9]*\) .*/\1/p'
}
# wait_stored SENSOR N: until the stream holds N events (60 s at most).
wait_stored() {
	i=0
	while [ "$("$BIN/vigie" --redis "$R" events --sensor "$1" --count 0 --format json 2>/dev/null | wc -l)" -lt "$2" ]; do
		i=$((i + 1)); [ $i -gt 600 ] && return 1
		sleep 0.1
	done
}
# exactly_once SENSOR FIRST LAST: u<FIRST>..u<LAST>, each once, in order.
exactly_once() {
	stored "$1" >"$tmp/got.$1"
	awk -v a="$2" -v b="$3" 'BEGIN { for (i = a; i <= b; i++) print "u" i }' >"$tmp/want.$1"
	cmp "$tmp/want.$1" "$tmp/got.$1" || {
		echo "got $(wc -l <"$tmp/got.$1") of $(wc -l <"$tmp/want.$1"); duplicates: $(sort "$tmp/got.$1" | uniq -d | head -3)"
		return 1; }
}
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
		    --appendonly yes --save '' --daemonize no \
		    --logfile "$tmp/cluster/$_p/redis.log" &
		cluster_pids="$cluster_pids $!"
		cluster_ports="$cluster_ports $_p"
		[ "$CR" = cluster: ] || CR="$CR,"
		CR="${CR}127.0.0.1:$_p"
		_create="$_create 127.0.0.1:$_p"
		_i=$((_i + 1))
	done
	for _p in $cluster_ports; do
		_j=0
		until [ "$(redis-cli -p "$_p" ping 2>/dev/null)" = PONG ]; do
			_j=$((_j + 1))
			[ $_j -gt 200 ] && { echo "cluster node $_p did not start"; tail -5 "$tmp/cluster/$_p/redis.log"; exit 1; }
			sleep 0.05
		done
	done
	# shellcheck disable=SC2086
	redis-cli --cluster create $_create --cluster-replicas "$2" \
	    --cluster-yes >"$tmp/cluster/create.log" 2>&1 ||
	    { echo "redis-cli --cluster create failed"; cat "$tmp/cluster/create.log"; exit 1; }
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
