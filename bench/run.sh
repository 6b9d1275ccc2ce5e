#!/bin/sh
# bench/run.sh - end-to-end throughput of Vigie on a generated week of
# auth.log (default 1,000,000 lines), each way against its own private
# redis-server (unix socket, AOF everysec as on an appliance):
#  - together, as an appliance runs them: the correlator serving (no
#    --drain), then the collector --once; the clock stops when
#    `vigie report` counts every line as an event; then SIGTERM;
#  - one after the other: the collector --once, then the correlator
#    --drain (and the collector once more, which must publish nothing).
# Prints lines per second of wall clock, the CPU seconds and max RSS of
# each program and of Redis, the machine, the versions, how much of the
# machine others used meanwhile, and a table for README.md's figures.
# Fails unless every line was stored and counted exactly once.
#   LINES=N sh bench/run.sh      WORKERS=N for the correlator
#   RULES=PATH                   the rules (default rules/: the whole pack)
#   FSYNC=always                 Redis's appendfsync (default everysec)
set -eu

BIN=${BIN:-bin}
LINES=${LINES:-1000000}
WORKERS=${WORKERS:-1}
cd "$(dirname "$0")/.."
. bench/lib.sh

genlog
together "$tmp/together"
redis_stop
T_wall=$wall T_coll_cpu=$coll_cpu T_coll_rss=$coll_rss_kb
T_corr_cpu=$corr_cpu T_corr_rss=$corr_rss_kb
T_redis_cpu=$redis_cpu T_redis_rss=$redis_rss_kb
T_frames=$frames T_kept=$kept T_used=$used T_perday=$perday T_incmem=$incmem
sequential "$tmp/sequential"
redis_stop
S_redis_rss=$redis_rss_kb

# row NAME WALL COLL_CPU CORR_CPU REDIS_CPU COLL_RSS CORR_RSS REDIS_RSS:
# the program lines, then (with TABLE=1) the README table row.
row() {
	awk -v name="$1" -v wall="$2" -v cc="$3" -v kc="$4" -v rc="$5" \
	    -v cr="$6" -v kr="$7" -v rr="$8" -v n="$n" -v table="${TABLE:-0}" '
	function th(x,   s) {	# 1234567 -> 1,234,567
		s = sprintf("%.0f", x)
		while (s ~ /[0-9][0-9][0-9][0-9]/)
			sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
		return s
	}
	BEGIN {
		if (table) {
			printf "| %s | %s | %s | %s | %.1f µs | %.2f / %.2f / %.2f s | %.0f / %.0f / %.0f MiB |\n",
			    name, th(n / wall), th(n / cc), th(n / kc), rc * 1e6 / n,
			    cc, kc, rc, cr / 1024, kr / 1024, rr / 1024
			exit
		}
		printf "  end to end        %9s lines/s      (%.2f s wall)\n", th(n / wall), wall
		printf "  vigie-collector   %9s lines per CPU-second  (%.2f s CPU, max RSS %.0f MiB)\n", th(n / cc), cc, cr / 1024
		printf "  vigie-correlator  %9s events per CPU-second (%.2f s CPU, max RSS %.0f MiB)\n", th(n / kc), kc, kr / 1024
		printf "  redis-server      %9.1f µs CPU per event     (%.2f s CPU, max RSS %.0f MiB)\n", rc * 1e6 / n, rc, rr / 1024
	}'
}

echo "command: LINES=$LINES WORKERS=$WORKERS FSYNC=${FSYNC:-everysec} RULES=${RULES:-rules} BIN=$BIN sh bench/run.sh  (make bench)"
machine
echo "input:   $n lines of auth.log ($size MiB, 7 days), generated in $gen_s s"
echo "together (correlator serving --no-http, then collector --once; until every event is counted):"
row together "$T_wall" "$T_coll_cpu" "$T_corr_cpu" "$T_redis_cpu" \
    "$T_coll_rss" "$T_corr_rss" "$T_redis_rss"
echo "one after the other (collector --once, then correlator --drain):"
row sequential "$wall" "$coll_cpu" "$corr_cpu" "$redis_cpu" \
    "$coll_rss_kb" "$corr_rss_kb" "$S_redis_rss"
echo "  (collector alone $coll_wall s wall, Redis $(calc "$redis_coll_cpu * 1e6 / $n" 1) µs CPU per event;" \
    "correlator alone $corr_wall s wall, Redis $(calc "$redis_corr_cpu * 1e6 / $n" 1) µs CPU per event)"
echo "stream:  $n events in $T_frames frames, each counted once, none pending, both ways;" \
    "$T_kept frames kept after the trim, Redis used_memory $T_used (together);" \
    "the collector run again published nothing"
set -- $T_perday
echo "memory:  $(calc "$1 / $2 / 1048576" 2) MiB of Redis per retained day (day:<d>:* and det:<d>, $2 days," \
    "$(calc "$1 / 1048576" 1) MiB); incidents and their windows $(calc "${T_incmem% *} / 1048576" 1) MiB (together)"
awk -v rc="$T_redis_cpu" -v cc="$T_coll_cpu" -v n="$n" 'BEGIN {
	us = rc * 1e6 / n; lps = n / cc
	printf("goals:   Redis at most 2 µs CPU per event: %.1f µs together (%s);" \
	    " collector at least 1,000,000 lines per CPU-second: %.0f (%s)\n",
	    us, us <= 2 ? "met" : "not met", lps, lps >= 1e6 ? "met" : "not met")
}'
shared
echo
echo "| run, $LINES lines | lines/s, wall | collector lines/CPU-s | correlator events/CPU-s | Redis CPU/event | CPU: collector / correlator / Redis | max RSS: collector / correlator / Redis |"
echo "|---|---|---|---|---|---|---|"
TABLE=1 row "together, $WORKERS worker(s)" "$T_wall" "$T_coll_cpu" \
    "$T_corr_cpu" "$T_redis_cpu" "$T_coll_rss" "$T_corr_rss" "$T_redis_rss"
TABLE=1 row "one after the other, $WORKERS worker(s)" "$wall" "$coll_cpu" \
    "$corr_cpu" "$redis_cpu" "$coll_rss_kb" "$corr_rss_kb" "$S_redis_rss"
