#!/bin/sh
# bench/peers.sh - Vigie against fail2ban, the tool a user would otherwise
# pick, on the same generated week of auth.log (default 1,000,000 lines),
# on the same machine, in the same run: the rate of each (lines per second
# of wall clock, all lines processed) and what each detects, against the
# generator's ground truth (genlog --truth: the sources of 5 sshd
# authentication failures within 600 s).
#   LINES=N sh bench/peers.sh      WORKERS=N for the correlator
#
# Vigie runs as an appliance runs it (bench/lib.sh, "together"); its
# detections are the sources of its ssh_password_guessing incidents.
#
# fail2ban is Debian's package (1.0.2 in Debian 12), its sshd jail with
# maxretry 5 and findtime 10m. Its detections are the addresses it bans.
# The log covers a week, and fail2ban judges every line by its clock: a
# fail2ban-server started on the file ignores every line older than
# findtime, and cleans its failure counts by the wall clock. Generating
# the log to end now would keep only its last ten minutes; a faked clock
# (faketime) moves on its own, not with the lines. So
# bench/fail2ban_replay.py runs fail2ban's own code in one process: the
# configuration read by fail2ban's own reader from a copy of Debian's
# /etc/fail2ban and applied through the server's own Transmitter, the
# jail's own FileContainer reading the file, and, for each line,
# Filter.processLineAndAdd (the sshd filter, its multi-line failure ids,
# the failure manager's maxretry/findtime, banning), the loop of
# fail2ban's FileFilter.getFailures; then, at once, the step of the
# jail's Actions thread (ban manager, bans and unbans). Before each line,
# fail2ban's test-mode clock (MyTime.setTime, what its own test suite
# uses) is set to the line's own time, so fail2ban sees each line as it
# would tailing the log live while sshd writes it; it dates the line
# itself, with its own date detector. Its housekeeping (the failure
# list's cleanup, its periodic garbage collection, unbans) runs on that
# clock too, so as often per hour of log as when live. Left out: its
# database and the firewall commands of its ban action. Its log stays at
# Debian's level (INFO), in a file, as fail2ban-server writes it.
set -eu

BIN=${BIN:-bin}
LINES=${LINES:-1000000}
WORKERS=${WORKERS:-1}
cd "$(dirname "$0")/.."
. bench/lib.sh
PY=/usr/bin/python3	# Debian's, with fail2ban's modules

genlog --truth "$tmp/truth.all"
LC_ALL=C sort -u "$tmp/truth.all" >"$tmp/truth"
ntruth=$(wc -l <"$tmp/truth")

# Vigie: every incident, however many (the list's default may change).
together "$tmp/vigie"
vigie incidents list --format json --limit 1000000 >"$tmp/incidents.json"
ninc=$(jq length "$tmp/incidents.json")
zinc=$(redis-cli -s "$sock" ZCARD vigie:incidents)
[ "$ninc" = "$zinc" ] || die "vigie incidents list gave $ninc of $zinc incidents"
jq -r '.[] | select(.rule == "ssh_password_guessing") | .src_ip' \
    "$tmp/incidents.json" | LC_ALL=C sort -u >"$tmp/vigie.flagged"
V_inc=$(jq '[.[] | select(.rule == "ssh_password_guessing")] | length' \
    "$tmp/incidents.json")
redis_stop
V_wall=$wall
V_cpu=$(calc "$coll_cpu + $corr_cpu + $redis_cpu")
V_rss="$((coll_rss_kb / 1024)) + $((corr_rss_kb / 1024)) + $((redis_rss_kb / 1024))"

# fail2ban: Debian's configuration, the sshd jail on the generated log.
f2b="$tmp/fail2ban"
mkdir -p "$f2b/conf"
for f in action.d filter.d fail2ban.conf jail.conf paths-common.conf \
    paths-debian.conf; do
	ln -s "/etc/fail2ban/$f" "$f2b/conf/$f"
done
cat >"$f2b/conf/jail.local" <<EOF
[DEFAULT]
backend = polling

[sshd]
enabled = true
logpath = $tmp/auth.log
maxretry = 5
findtime = 10m
EOF
/usr/bin/time -f '%e %U %S %M' -o "$f2b/time" \
    "$PY" bench/fail2ban_replay.py "$f2b/conf" "$tmp/auth.log" "$log_end" \
    "$f2b/banned" >"$f2b/out" 2>"$f2b/err" ||
    { cat "$f2b/err" >&2; die "fail2ban_replay.py failed"; }
LC_ALL=C sort -u "$f2b/banned" >"$tmp/fail2ban.flagged"
set -- $(cat "$f2b/time")
F_wall=$1 F_cpu=$(calc "$2 + $3") F_rss=$(($4 / 1024))

# score NAME WALL CPU RSS FLAGGED: one line of the comparison.
score() {
	tp=$(LC_ALL=C comm -12 "$5" "$tmp/truth" | wc -l)
	fp=$(LC_ALL=C comm -23 "$5" "$tmp/truth" | wc -l)
	fn=$(LC_ALL=C comm -13 "$5" "$tmp/truth" | wc -l)
	awk -v name="$1" -v wall="$2" -v cpu="$3" -v rss="$4" -v n="$n" \
	    -v fl="$(wc -l <"$5")" -v tp="$tp" -v fp="$fp" -v fn="$fn" '
	function th(x,   s) {
		s = sprintf("%.0f", x)
		while (s ~ /[0-9][0-9][0-9][0-9]/)
			sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
		return s
	}
	BEGIN {
		printf "| %s | %s | %.2f s | %.2f s | %s MiB | %d | %d | %d | %d |\n",
		    name, th(n / wall), wall, cpu, rss, fl, tp, fp, fn
	}'
	eval "$6_tp=$tp $6_fp=$fp $6_fn=$fn"
}

f2b_version=$("$PY" -c 'from fail2ban.version import version; print(version)')
echo "command: LINES=$LINES WORKERS=$WORKERS BIN=$BIN sh bench/peers.sh  (make bench-peers)"
machine "fail2ban $f2b_version (Debian $(dpkg-query -W -f='${Version}' fail2ban))" \
    "$("$PY" --version)"
echo "input:   $n lines of auth.log ($size MiB, 7 days), generated in $gen_s s;" \
    "ground truth: $ntruth sources reach 5 sshd authentication failures within 600 s"
echo "vigie:   $V_inc ssh_password_guessing incidents ($ninc in all), every event counted once"
echo "$(cat "$f2b/out") (sshd jail, maxretry 5, findtime 10m)"
echo
echo "| tool, $n lines | lines/s, wall | wall | CPU | max RSS | sources flagged | true positives | false positives | false negatives |"
echo "|---|---|---|---|---|---|---|---|---|"
score "Vigie (collector + correlator + Redis, $WORKERS worker(s))" "$V_wall" \
    "$V_cpu" "$V_rss" "$tmp/vigie.flagged" V
score "fail2ban $f2b_version (sshd jail)" "$F_wall" "$F_cpu" "$F_rss" \
    "$tmp/fail2ban.flagged" F
echo
ratio=$(calc "$F_wall / $V_wall" 1)
exact() { [ "$1" = 0 ] && [ "$2" = 0 ] && echo "exactly the true detections" || echo "not exactly the true detections"; }
echo "ratio:   Vigie processes $ratio times fail2ban's lines per second (goal: at least 10);" \
    "Vigie: $(exact "$V_fp" "$V_fn"); fail2ban: $(exact "$F_fp" "$F_fn")"
shared
