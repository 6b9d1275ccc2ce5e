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
