#!/bin/sh
# bench/rules.sh - the shipped pack's scan cost (make bench-rules): µs per
# log event and per flow with a 2 KiB payload for the whole pack, then
# each rule alone (best of three runs) against a one-rule baseline
# (condition false), so the rules that dominate are named. BENCH_SECONDS
# per run (default 0.3): about a minute in all.
set -eu
B=${B:-build}
S=${BENCH_SECONDS:-0.3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vigie-bench-rules.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

uname -srm; grep -m1 'model name' /proc/cpuinfo || true
echo "command: $B/bench/rules_bench $S rules  (make bench-rules; one thread)"
"$B/bench/rules_bench" "$S" rules | tee "$tmp/pack"
printf 'rule baseline_off {\n  meta:\n    category = "scan" severity = "low"\n  condition:\n    false\n}\n' >"$tmp/none.yar"
base=$("$B/bench/rules_bench" "$S" "$tmp/none.yar")
echo "baseline (one rule, condition false: externals set, one scan): $base"
set -- $base
bl=$2 bf=$4
for r in $(awk '$1 == "rule" { print $2 }' rules/*.yar); do
	awk -v r="$r" '$1 == "rule" && $2 == r { on = 1 } on { print } on && /^}/ { exit }' \
	    rules/*.yar >"$tmp/one.yar"
	# the best of three runs: the machine is shared
	for i in 1 2 3; do "$B/bench/rules_bench" "$S" "$tmp/one.yar"; done |
	    awk -v r="$r" -v bl="$bl" -v bf="$bf" '
		NR == 1 || $2 < l { l = $2 } NR == 1 || $4 < f { f = $4 }
		END { printf "%-28s log +%.3f  flow +%.3f µs\n", r, l - bl, f - bf }'
done | sort -t+ -k3 -rn >"$tmp/each"
echo "each rule alone, above the baseline (sorted by flow cost):"
cat "$tmp/each"
