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
# same WANT CMD...: CMD prints WANT; what it printed otherwise.
same() {
	_want=$1; shift
	_got=$("$@")
	[ "$_got" = "$_want" ] || { echo "got: $_got"; return 1; }
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
# The Redis Cluster helpers: start_cluster, stop_cluster, cluster_owner...
. "$top/scripts/redis-cluster.sh"
