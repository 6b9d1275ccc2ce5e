# bench/lib.sh - what bench/run.sh and bench/peers.sh share: a private
# redis-server per run, the generated log, Vigie run the two ways, and
# the measures (wall clock, CPU seconds, max RSS, the machine).
# Sourced with BIN, LINES, WORKERS set and the shell in the top directory.
# Relies only on the command lines, `vigie report`/`vigie incidents` JSON
# and the Redis keys of DESIGN.md.

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-bench.XXXXXX")
redis_pid=
corr_pid=
cleanup() {
	[ -n "$corr_pid" ] && kill "$corr_pid" 2>/dev/null && wait "$corr_pid" 2>/dev/null
	[ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
	if [ "${KEEP:-0}" = 1 ]; then echo "bench: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export TZ=UTC
STREAM='vigie:ev:{bench}'

die() { echo "bench: $*" >&2; exit 1; }
now() { date +%s.%N; }
# cpu PID: user+system seconds a live process has used so far.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat"; }
# rss PID: the peak resident set of a live process, KiB.
rss() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
# busy: CPU-seconds the whole machine has spent outside idle and iowait.
busy() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat; }
# ours: CPU-seconds of this shell and every process it has waited for.
# (times in a pipeline or $(...) would run in a subshell, which has none.)
ours() {
	times >"$tmp/times"
	awk '{ for (i = 1; i <= 2; i++) { split($i, a, "m"); s += a[1] * 60 + a[2] } } END { printf "%.2f", s }' "$tmp/times"
}
# calc EXPR [DECIMALS]: awk arithmetic (EXPR in parentheses: a > would
# redirect the output).
calc() { awk "BEGIN { printf \"%.${2:-2}f\", ($1) }"; }

bench_busy0=$(busy)
bench_t0=$(now)

# machine [VERSION...]: the machine and the versions that matter.
machine() {
	echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)," \
	    "$(awk '/^MemTotal:/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo) GiB," \
	    "Debian $(cat /etc/debian_version), Linux $(uname -r)"
	_v="$(redis-server --version | awk '{ print $1, $2, $3 }'), $(cc --version | head -n 1)"
	for _x in "$@"; do _v="$_v, $_x"; done
	echo "versions: $_v"
}

# shared: what the rest of the machine used while this script ran; the
# figures are only as steady as that is small.
shared() {
	_wall=$(calc "$(now) - $bench_t0")
	ours >"$tmp/ours"
	_others=$(calc "$(busy) - $bench_busy0 - $(cat "$tmp/ours")")
	case $_others in -*) _others=0.00 ;; esac
	echo "shared:  the machine was shared: other processes used about" \
	    "$_others of the $(calc "$_wall * $(nproc)" 0) CPU-s it had during" \
	    "these $(calc "$_wall" 0) s (load average now $(cut -d' ' -f1-3 /proc/loadavg))"
}

# genlog [ARGS...]: the week of auth.log every bench reads, ending now.
genlog() {
	log_end=$(date +%s)
	_t0=$(now)
	build/tools/genlog --seed 7 --days 7 --lines "$LINES" --end "$log_end" \
	    -o "$tmp/auth.log" "$@"
	gen_s=$(calc "$(now) - $_t0")
	n=$(wc -l <"$tmp/auth.log")
	size=$(du -m "$tmp/auth.log" | cut -f1)
	/usr/bin/perl tests/fixtures/mkmmdb.pl --schema ipdb tests/fixtures/geo.txt \
	    "$tmp/geo.mmdb"
}

# redis_start DIR: a private redis-server in DIR (unix socket, AOF
# everysec as on an appliance, FSYNC=always to compare); sets sock and
# redis_pid.
redis_start() {
	mkdir -p "$1"
	sock="$1/redis.sock"
	redis-server --port 0 --unixsocket "$sock" --dir "$1" --save '' \
	    --appendonly yes --appendfsync "${FSYNC:-everysec}" --daemonize no \
	    --logfile "$1/redis.log" &
	redis_pid=$!
	_i=0
	until redis-cli -s "$sock" ping >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ "$_i" -lt 200 ] || die "redis-server did not start (see $1/redis.log)"
		sleep 0.05
	done
}

# redis_stop: takes Redis's peak RSS (redis_rss_kb), then stops it.
redis_stop() {
	redis_rss_kb=$(rss "$redis_pid")
	kill "$redis_pid"
	wait "$redis_pid" || true
	redis_pid=
}

vigie() { "$BIN/vigie" --redis "unix:$sock" "$@"; }
counted() { vigie report --days 9 --format json | jq '[.[].totals.events] | add // 0'; }

# collector DIR TIMEFILE: vigie-collector --once under /usr/bin/time.
collector() {
	/usr/bin/time -f '%e %U %S %M' -o "$2" \
	    "$BIN/vigie-collector" --redis "unix:$sock" --sensor bench \
	    --state-dir "$1/state" --log "$tmp/auth.log:sshd" --once \
	    2>>"$1/collector.log"
}
correlator_args() {
	echo --redis "unix:$sock" --rules "${RULES:-rules}" --geoip "$tmp/geo.mmdb" \
	    --home-countries FR --workers "$WORKERS"
}

# check DIR: every event stored and counted exactly once, none pending.
check() {
	_c=$(counted)
	[ "$_c" = "$n" ] || die "$1: $_c events counted of $n lines"
	_p=$(redis-cli -s "$sock" XPENDING "$STREAM" correlators | head -n 1)
	[ "$_p" = 0 ] || die "$1: $_p frames still pending"
	frames=$(redis-cli -s "$sock" XINFO STREAM "$STREAM" | awk '/^entries-added$/ { getline; print }')
	kept=$(redis-cli -s "$sock" XLEN "$STREAM")
	used=$(redis-cli -s "$sock" INFO memory | awk -F: '/^used_memory_human/ { print $2 }' | tr -d '\r')
	# Bytes (MEMORY USAGE) of the keys a retained day keeps, per day,
	# and of the incidents and their windows (kept by age, not by day).
	perday=$(redis-cli -s "$sock" --raw EVAL "$MEMSUM" 0 'vigie:day:*' 'vigie:det:*')
	incmem=$(redis-cli -s "$sock" --raw EVAL "$MEMSUM" 0 'vigie:inc*' 'vigie:win*' 'vigie:incg*')
}

# Sums MEMORY USAGE of the keys matching each pattern (SCAN); for
# day:<d>: and det:<d> keys also counts the distinct days: "bytes days".
MEMSUM='
local total, days = 0, {}
for _, pat in ipairs(ARGV) do
	local cur = "0"
	repeat
		local r = redis.call("SCAN", cur, "MATCH", pat, "COUNT", 1000)
		cur = r[1]
		for _, k in ipairs(r[2]) do
			total = total + (redis.call("MEMORY", "USAGE", k) or 0)
			local d = string.match(k, ":(%d%d%d%d%-%d%d%-%d%d)")
			if d then days[d] = true end
		end
	until cur == "0"
end
local nd = 0
for _ in pairs(days) do nd = nd + 1 end
return total .. " " .. nd'


# consumed: returns once the group has read and acknowledged the whole
# stream, then once the report counts every line. One redis-cli asks
# every 20 ms (a `vigie report` each time would take CPU from the run).
consumed() {
	_top=$(redis-cli -s "$sock" XINFO STREAM "$STREAM" | awk '/^last-generated-id$/ { getline; print }')
	_i=0
	until redis-cli -s "$sock" XINFO GROUPS "$STREAM" | grep -qx correlators; do
		_i=$((_i + 1))
		[ "$_i" -le 100 ] || die "together: no group correlators on $STREAM after 10 s"
		sleep 0.1
	done
	redis-cli -s "$sock" -r -1 -i 0.02 XINFO GROUPS "$STREAM" |
	    awk -v top="$_top" -v still=500 '
		$0 == "name" { d = p = "" }
		k == "pending" { p = $0 }
		k == "last-delivered-id" { d = $0 }
		{ k = $0 }
		k == "lag" && d != "" && p != "" {
			if (d == top && p == 0)
				exit 0
			if (d " " p == last) {
				if (++same > still)
					exit 1
			} else {
				same = 0
				last = d " " p
			}
		}' ||
	    die "together: the group stopped at $(redis-cli -s "$sock" \
		XINFO GROUPS "$STREAM" | tr '\n' ' ') for 10 s; the stream ends at $_top"
	_c=$(counted)
	_i=0
	while [ "$_c" != "$n" ]; do
		_i=$((_i + 1))
		[ "$_i" -le 50 ] || die "together: every entry acknowledged," \
		    "but $_c events counted of $n lines"
		sleep 0.1
		_c=$(counted)
	done
}

# together DIR: the appliance's way. The correlator serves (no --drain);
# the collector reads the log once; the run ends when the report counts
# every line as an event, then the correlator gets SIGTERM. Sets wall,
# coll_* (from time: wall user sys rss), corr_cpu, corr_rss_kb, redis_cpu.
together() {
	redis_start "$1"
	# shellcheck disable=SC2046
	"$BIN/vigie-correlator" --allow-root $(correlator_args) --no-http 2>"$1/correlator.log" &
	corr_pid=$!
	sleep 0.5
	kill -0 "$corr_pid" 2>/dev/null || die "correlator exited (see $1/correlator.log)"
	_r0=$(cpu "$redis_pid")
	_t0=$(now)
	collector "$1" "$1/collector.time" ||
	    die "collector failed (see $1/collector.log)"
	consumed
	wall=$(calc "$(now) - $_t0")
	redis_cpu=$(calc "$(cpu "$redis_pid") - $_r0")
	corr_cpu=$(cpu "$corr_pid")
	corr_rss_kb=$(rss "$corr_pid")
	kill -TERM "$corr_pid"
	wait "$corr_pid" || die "correlator exited $? on SIGTERM (see $1/correlator.log)"
	corr_pid=
	check together
	set -- "$1" $(cat "$1/collector.time")
	coll_wall=$2 coll_cpu=$(calc "$3 + $4") coll_rss_kb=$5
}

# sequential DIR: the collector --once, then the correlator --drain; then
# the collector again on the same state, which must publish nothing.
sequential() {
	redis_start "$1"
	_r0=$(cpu "$redis_pid")
	collector "$1" "$1/collector.time" ||
	    die "collector failed (see $1/collector.log)"
	_r1=$(cpu "$redis_pid")
	# shellcheck disable=SC2046
	/usr/bin/time -f '%e %U %S %M' -o "$1/correlator.time" \
	    "$BIN/vigie-correlator" --allow-root $(correlator_args) --drain \
	    2>"$1/correlator.log" || die "correlator failed (see $1/correlator.log)"
	_r2=$(cpu "$redis_pid")
	check sequential
	_f=$frames
	collector "$1" "$1/collector.again.time" ||
	    die "collector failed again (see $1/collector.log)"
	check "sequential, collector run again"
	[ "$frames" = "$_f" ] || die "collector run again published $((frames - _f)) frames"
	set -- "$1" $(cat "$1/collector.time") $(cat "$1/correlator.time")
	coll_wall=$2 coll_cpu=$(calc "$3 + $4") coll_rss_kb=$5
	corr_wall=$6 corr_cpu=$(calc "$7 + $8") corr_rss_kb=$9
	wall=$(calc "$coll_wall + $corr_wall")
	redis_coll_cpu=$(calc "$_r1 - $_r0")
	redis_corr_cpu=$(calc "$_r2 - $_r1")
	redis_cpu=$(calc "$_r2 - $_r0")
}
