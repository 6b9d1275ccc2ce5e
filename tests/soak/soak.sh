#!/bin/sh
# tests/soak/soak.sh - make soak: about 1,000,000 events of three kinds
# (two generated auth.logs, capture files of short flows, syslog over TCP
# with octet counting), three sensors, the whole rule pack. A clean run
# ingests them with nothing killed; then a soak run, on a fresh Redis with
# its AOF (appendfsync everysec), ingests the same input while a killer
# SIGKILLs, at random intervals of 2.5 to 7.5 s, in turn, the three
# collectors, the correlator and redis-server, each restarted at once
# (Redis from its AOF, on the same socket, after cutting from the AOF
# what it wrote in the last 0 to 0.9 s: what a power cut can lose with
# appendfsync everysec, sent again by the collectors from their spools,
# spool-keep 120 s; redis-aof-check first, as on the appliance). Then
# everything drains and the soak's stored events (one by one), reports,
# counters, HyperLogLog counts and incidents must equal the clean run's.
# Exit 1 on any difference.
#
# Syslog has no acknowledgement: bytes in the kernel's socket buffers when
# a receiver dies are lost by any receiver. Before a SIGKILL of the syslog
# collector the sender is paused and the receiver's connections read to
# their end (no socket of its port but the listener); the kill follows at
# once. What the collector read must never be lost.
#
#   SOAK_SECONDS=600 (the killer's time), SOAK_LINES=250000 (lines of
#   each auth.log), SOAK_SYSLOG=300000 (messages), SOAK_PACKETS=130000
#   (packets of each of 10 capture files), KEEP=1 keeps the temp dir.
set -eu

NAME=soak . "$(dirname "$0")/../integration/lib.sh"

T=${SOAK_SECONDS:-600}
LINES=${SOAK_LINES:-250000}
NSYS=${SOAK_SYSLOG:-300000}
PACKETS=${SOAK_PACKETS:-130000}
NPCAP=10
CHUNK=1000				# syslog messages per connection
FEED=$((T * 3 / 4))			# inputs arrive over this time
MINKILLS=$((T / 30))			# of each kind: 20 in 10 minutes
PORT=$((20000 + ($$ * 7) % 40000))
END=1795384800				# 2026-11-22T22:00:00Z: the logs' end
send="$B/tools/syslogsend"

now() { date +%s; }
t_start=$(now)
log() { echo "# [$(($(now) - t_start)) s] $*"; }
die() { echo "soak: $*" >&2; echo "$*" >>"$tmp/failed"; exit 1; }
# alive PID: running, not a zombie.
alive() {
	_s=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) && [ "$_s" != Z ]
}
# rand LO HI: an integer in [LO, HI].
rand() {
	od -An -N2 -tu2 /dev/urandom | awk -v a="$1" -v b="$2" '{ print a + $1 % (b - a + 1) }'
}

# Everything started here is stopped by pid: the supervisors, then what
# they run.
sups=
soak_cleanup() {
	touch "$tmp/stop" "$tmp/stop-redis" 2>/dev/null || true
	for p in $sups; do kill "$p" 2>/dev/null || true; done
	for f in "$tmp"/pid.*; do
		[ -f "$f" ] || continue
		p=$(cat "$f")
		[ -n "$p" ] && kill -9 "$p" 2>/dev/null || true
	done
	cleanup
}
trap soak_cleanup EXIT INT TERM

echo "# soak: ${T} s of kills; inputs fed over ${FEED} s; temp dir $tmp"

# --- inputs, the same for both runs --------------------------------------
mkdir -p "$tmp/in" "$tmp/logs" "$tmp/pcap"
/usr/bin/perl tests/fixtures/mkmmdb.pl --schema maxmind tests/fixtures/geo.txt "$tmp/geo.mmdb"
for k in 1 2; do
	"$B/tools/genlog" --seed "$k" --days 1 --lines "$LINES" --end "$END" \
	    --host "web$k" -o "$tmp/in/auth$k.log"
	mkdir -p "$tmp/in/auth$k.d"
	split -n l/60 -d -a 3 "$tmp/in/auth$k.log" "$tmp/in/auth$k.d/"
done
i=1
while [ $i -le $NPCAP ]; do
	# Flows through the day: one capture an hour from 01:00.
	"$B/tools/mkpcap" --short "$PACKETS" "$i" $((END - 79200 + i * 3600)) \
	    "$tmp/pcap/e$i.pcap" 2>>"$tmp/mkpcap.log"
	i=$((i + 1))
done
nlines=$(cat "$tmp/in/auth1.log" "$tmp/in/auth2.log" | wc -l)
nchunks=$(((NSYS + CHUNK - 1) / CHUNK))
log "inputs: $nlines log lines, $NSYS syslog messages, $NPCAP captures ($(awk '{ f += $4 } END { print f }' "$tmp/mkpcap.log") flows)"

# conf RUN: the configuration of a run, its Redis on $tmp/RUN/redis.sock.
conf() {
	mkdir -p "$tmp/$1"
	cat >"$tmp/$1/vigie.conf" <<EOC
[redis]
address = unix:$tmp/$1/redis.sock
[geo]
database = $tmp/geo.mmdb
home-countries = FR
[rules]
path = rules
[collector]
; Redis may lose its last second: frames stay this long after it took
; them, and what it lost is sent again.
spool-keep = 120
[correlator]
timezone = UTC
workers = 2
; Every event stays in its stream, to be compared one by one.
stream-keep = 100000000
claim-idle = 10000
EOC
}
# collector RUN SENSOR ARGS...: in the foreground.
collector() {
	_r=$1 _s=$2; shift 2
	"$BIN/vigie-collector" -c "$tmp/$_r/vigie.conf" --sensor "$_s" \
	    --state-dir "$tmp/$_r/state-$_s" "$@" 2>>"$tmp/$_r/$_s.log"
}
pcaps() {
	_i=1
	while [ $_i -le "$1" ]; do printf ' --pcap %s' "$tmp/pcap/e$_i.pcap"; _i=$((_i + 1)); done
}
logs="--log $tmp/logs/auth1.log:sshd --log $tmp/logs/auth2.log:sshd"
syslog_in="--syslog tcp:127.0.0.1:$PORT --syslog-allow 127.0.0.0/8"
# vcli RUN ARGS...
vcli() { _r=$1; shift; "$BIN/vigie" -c "$tmp/$_r/vigie.conf" "$@"; }
# health RUN SENSOR FIELD
health() { redis-cli -s "$tmp/$1/redis.sock" HGET "vigie:sensor:{$2}" "$3" 2>/dev/null; }
listening() { ss -Hltn "sport = :$PORT" | grep -q .; }
# read_out: no connection of the receiver's port left, but its listener:
# what was sent is read, and each connection closed at its end.
read_out() { ! ss -Htn "sport = :$PORT" | grep -q .; }
wait_redis() {
	_i=0
	until [ "$(redis-cli -s "$tmp/$1/redis.sock" ping 2>/dev/null)" = PONG ]; do
		_i=$((_i + 1)); [ $_i -gt 1200 ] && die "$1: redis does not answer"
		sleep 0.05
	done
}

# sender RUN: the syslog messages, CHUNK per connection, paced over FEED
# seconds in the soak; pauses while $tmp/pause names a generation
# (acknowledged in $tmp/paused).
sender() {
	_r=$1 _c=0 _t0=$(now)
	while [ $_c -lt $nchunks ]; do
		if [ "$_r" = soak ]; then
			while [ $(($(now) - _t0)) -lt $((_c * FEED / nchunks)) ]; do sleep 0.1; done
		fi
		while [ -s "$tmp/pause" ]; do
			cp "$tmp/pause" "$tmp/paused.tmp" && mv "$tmp/paused.tmp" "$tmp/paused"
			sleep 0.05
		done
		_n=$CHUNK
		[ $(((_c + 1) * CHUNK)) -gt "$NSYS" ] && _n=$((NSYS - _c * CHUNK))
		if ! "$send" -o -n "$_n" -s $((_c * CHUNK + 1)) tcp 127.0.0.1 "$PORT" \
		    2>"$tmp/$_r/send.err"; then
			# Refused before a byte went: sent again. Anything else
			# (a connection broken mid-way) would break the test.
			grep -q 'Connection refused' "$tmp/$_r/send.err" ||
			    die "syslog sender: $(cat "$tmp/$_r/send.err")"
			sleep 0.2
			continue
		fi
		_c=$((_c + 1))
	done
	touch "$tmp/$_r/sent"
}

# figures RUN: what is compared.
figures() {
	_r=$1 _o=$tmp/$1/fig
	mkdir -p "$_o"
	redis-cli -s "$tmp/$_r/redis.sock" --scan --pattern 'vigie:day:*:totals' |
	    sed 's/^vigie:day:\(.*\):totals$/\1/' | sort >"$_o/days"
	for d in $(cat "$_o/days"); do
		vcli "$_r" report --day "$d" --format json
	done | jq -S . >"$_o/report"
	vcli "$_r" incidents list --limit 1000000 --format json |
	    jq -S '[.[] | {rule, group, first_seen, last_seen, count}] |
	    sort_by(.rule, .group, .first_seen)' >"$_o/incidents"
	# The raw keys: counters, HyperLogLog counts, rule hits.
	{ redis-cli -s "$tmp/$_r/redis.sock" --scan --pattern 'vigie:day:*'
	  echo vigie:rules:stats; echo vigie:stats; } | LC_ALL=C sort -u |
	while read -r k; do
		case $(redis-cli -s "$tmp/$_r/redis.sock" TYPE "$k") in
		hash) redis-cli -s "$tmp/$_r/redis.sock" HGETALL "$k" |
		    paste - - | LC_ALL=C sort | sed "s|^|$k |" ;;
		zset) redis-cli -s "$tmp/$_r/redis.sock" ZRANGE "$k" 0 -1 WITHSCORES |
		    paste - - | LC_ALL=C sort | sed "s|^|$k |" ;;
		string) echo "$k pfcount $(redis-cli -s "$tmp/$_r/redis.sock" PFCOUNT "$k")" ;;
		none) ;;
		*) echo "$k $(redis-cli -s "$tmp/$_r/redis.sock" TYPE "$k")" ;;
		esac
	done >"$_o/keys"
	# Every stored event: whole (its stream id aside), and by identity.
	for s in files edge syslog; do
		vcli "$_r" events --sensor "$s" --count 0 --format json |
		    jq -c 'del(.id)' | LC_ALL=C sort >"$_o/ev.$s"
		jq -r 'if (.line // "") != "" then [.sensor, .ts, .line] else
		    [.sensor, .ts, .kind, (.start // ""), (.src_ip // ""),
		    (.src_port // ""), (.dest_ip // ""), (.dest_port // ""),
		    (.proto // "")] end | @tsv' "$_o/ev.$s" 2>/dev/null | LC_ALL=C sort >"$_o/id.$s"
	done
	jq -r '.line' "$_o/ev.syslog" | sed -n 's/^Invalid user u\([0-9]*\) .*/\1/p' |
	    sort -n >"$_o/syslog.seq"
}
# seq_check RUN: every syslog message u1..uN exactly once.
seq_check() {
	seq 1 "$NSYS" | cmp -s - "$tmp/$1/fig/syslog.seq"
}

# --- the clean run ---------------------------------------------------------
log "clean run"
conf clean
redis-server --port 0 --unixsocket "$tmp/clean/redis.sock" --dir "$tmp/clean" \
    --save '' --appendonly no --daemonize no --logfile "$tmp/clean/redis.log" &
echo $! >"$tmp/pid.redis-clean"
wait_redis clean
cp "$tmp/in/auth1.log" "$tmp/logs/auth1.log"
cp "$tmp/in/auth2.log" "$tmp/logs/auth2.log"
"$BIN/vigie-collector" -c "$tmp/clean/vigie.conf" --sensor syslog \
    --state-dir "$tmp/clean/state-syslog" $syslog_in 2>>"$tmp/clean/syslog.log" &
echo $! >"$tmp/pid.syslog-clean"
collector clean files $logs --once || die "clean: the files collector failed"
collector clean edge $(pcaps $NPCAP) --once || die "clean: the capture collector failed"
until listening; do sleep 0.05; done
sender clean
i=0
until [ "$(health clean syslog stored)" = "$NSYS" ]; do
	i=$((i + 1)); [ $i -gt 600 ] && die "clean: the syslog messages are not all stored"
	sleep 0.2
done
kill "$(cat "$tmp/pid.syslog-clean")"
wait "$(cat "$tmp/pid.syslog-clean")" || true
"$BIN/vigie-correlator" --allow-root -c "$tmp/clean/vigie.conf" --no-http --drain \
    2>>"$tmp/clean/correlator.log" || die "clean: the correlator failed"
figures clean
kill "$(cat "$tmp/pid.redis-clean")"; wait "$(cat "$tmp/pid.redis-clean")" || true
rm -f "$tmp/pid.redis-clean" "$tmp/pid.syslog-clean"
seq_check clean || die "clean: the syslog messages are not each stored once"
nev=$(cat "$tmp/clean/fig/ev.files" "$tmp/clean/fig/ev.edge" "$tmp/clean/fig/ev.syslog" | wc -l)
ninc=$(jq length "$tmp/clean/fig/incidents")
log "clean run: $nev events stored ($(wc -l <"$tmp/clean/fig/ev.files") files, $(wc -l <"$tmp/clean/fig/ev.edge") flows, $(wc -l <"$tmp/clean/fig/ev.syslog") syslog), $ninc incidents, days $(tr '\n' ' ' <"$tmp/clean/fig/days")"

# --- the soak run ----------------------------------------------------------
log "soak run"
conf soak
rm -f "$tmp/logs/auth1.log" "$tmp/logs/auth2.log"
: >"$tmp/logs/auth1.log"
: >"$tmp/logs/auth2.log"
echo 0 >"$tmp/pcaps.due"
: >"$tmp/kills"
: >"$tmp/cuts"

# supervise NAME CMD...: runs CMD again each time it dies, until
# $tmp/stop (Redis: $tmp/stop-redis, after the drain); its pid in
# $tmp/pid.NAME.
supervise() {
	_n=$1 _stop=$tmp/stop; shift
	[ "$_n" = redis ] && _stop=$tmp/stop-redis
	while [ ! -e "$_stop" ]; do
		"$@" &
		echo $! >"$tmp/pid.$_n"
		wait $! || true
		if [ "$_n" = redis ] && [ ! -e "$_stop" ]; then power_cut; fi
	done
	rm -f "$tmp/pid.$_n"
}
# power_cut: Redis SIGKILLed keeps what it wrote; a power cut would lose
# what the AOF had not yet fsync'd (a second at most: everysec), and may
# keep any part of it. The killer noted the AOF's size 0 to 0.9 s before
# the kill ($tmp/cut.next): the file is cut anywhere between that size and
# its end (mid-command, mid-transaction), then Redis is down 0 to 0.9 s.
power_cut() {
	if [ -s "$tmp/cut.next" ]; then
		read -r _a _z <"$tmp/cut.next"
		_b=$(ls -t "$tmp"/soak/appendonlydir/*.incr.aof 2>/dev/null | head -1)
		_y=$(stat -c %s "$_a" 2>/dev/null || echo 0)
		# Not when a rewrite began a new file meanwhile.
		if [ "$_a" = "$_b" ] && [ "$_y" -ge "$_z" ]; then
			_z=$((_z + (_y - _z) * $(rand 0 999) / 1000))
			truncate -s "$_z" "$_a"
			echo $((_y - _z)) >>"$tmp/cuts"
		fi
		: >"$tmp/cut.next"
	fi
	sleep "0.$(rand 0 9)"
}
# As the appliance's units: redis-aof-check before each start.
run_redis() {
	sh container/redis-aof-check "$tmp/soak" 2>>"$tmp/soak/aof-check.log"
	exec redis-server --port 0 --unixsocket "$tmp/soak/redis.sock" --dir "$tmp/soak" \
	    --save '' --appendonly yes --appendfsync everysec --aof-use-rdb-preamble yes \
	    --auto-aof-rewrite-percentage 100 --auto-aof-rewrite-min-size 64mb \
	    --daemonize no --logfile "$tmp/soak/redis.log"
}
run_files() { exec "$BIN/vigie-collector" -c "$tmp/soak/vigie.conf" --sensor files \
    --state-dir "$tmp/soak/state-files" $logs 2>>"$tmp/soak/files.log"; }
run_syslog() { exec "$BIN/vigie-collector" -c "$tmp/soak/vigie.conf" --sensor syslog \
    --state-dir "$tmp/soak/state-syslog" $syslog_in 2>>"$tmp/soak/syslog.log"; }
# The captures due so far; a new one restarts it (SIGTERM).
run_edge() {
	_k=$(cat "$tmp/pcaps.due")
	[ "$_k" -gt 0 ] || exec sleep 0.5
	exec "$BIN/vigie-collector" -c "$tmp/soak/vigie.conf" --sensor edge \
	    --state-dir "$tmp/soak/state-edge" $(pcaps "$_k") 2>>"$tmp/soak/edge.log"
}
run_corr() { exec "$BIN/vigie-correlator" --allow-root -c "$tmp/soak/vigie.conf" \
    --no-http 2>>"$tmp/soak/correlator.log"; }

# The shell's word on each child killed goes to a log, not the report.
supervise redis run_redis 2>>"$tmp/soak/supervise.log" & sups="$sups $!"
wait_redis soak
for n in files syslog edge corr; do
	supervise $n run_$n 2>>"$tmp/soak/supervise.log" & sups="$sups $!"
done
until listening; do sleep 0.05; done
t0=$(now)

# Feeders: the logs grow by 60 chunks each, the captures come one by one,
# the syslog messages go out CHUNK at a time.
(
	c=0
	for f in "$tmp"/in/auth1.d/*; do
		while [ $(($(now) - t0)) -lt $((c * FEED / 60)) ]; do sleep 0.2; done
		cat "$f" >>"$tmp/logs/auth1.log"
		cat "$tmp/in/auth2.d/$(basename "$f")" >>"$tmp/logs/auth2.log"
		c=$((c + 1))
	done
	touch "$tmp/soak/logs-fed"
) & feeder_logs=$!
(
	k=1
	while [ $k -le $NPCAP ]; do
		while [ $(($(now) - t0)) -lt $(((k - 1) * FEED / NPCAP)) ]; do sleep 0.2; done
		echo $k >"$tmp/pcaps.due"
		p=$(cat "$tmp/pid.edge" 2>/dev/null || true)
		[ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true
		k=$((k + 1))
	done
	touch "$tmp/soak/pcaps-fed"
) & feeder_pcap=$!
sender soak & feeder_sys=$!
sups="$sups $feeder_logs $feeder_pcap $feeder_sys"

# kill NAME: SIGKILL what runs as NAME, counted.
kill_one() {
	p=$(cat "$tmp/pid.$1" 2>/dev/null || true)
	[ -n "$p" ] && alive "$p" || return 1
	case $(cat "/proc/$p/comm" 2>/dev/null) in
	vigie-*|redis-serv*) ;;
	*) return 1 ;;
	esac
	kill -9 "$p" 2>/dev/null || return 1
	echo "$1 $(($(now) - t0))" >>"$tmp/kills"
}
# The syslog collector: sender paused, the receiver's sockets read out,
# then at once.
gen=0
kill_syslog() {
	gen=$((gen + 1))
	echo "$gen" >"$tmp/pause"
	i=0
	until [ "$(cat "$tmp/paused" 2>/dev/null)" = "$gen" ] || [ -e "$tmp/soak/sent" ]; do
		i=$((i + 1)); [ $i -gt 600 ] && die "the syslog sender does not pause"
		sleep 0.02
	done
	i=0
	until read_out; do
		i=$((i + 1))
		if [ $i -gt 3000 ]; then
			log "syslog: its sockets not read out in 60 s: not killed"
			: >"$tmp/pause"
			return 1
		fi
		sleep 0.02
	done
	old=$(cat "$tmp/pid.syslog" 2>/dev/null || true)
	kill_one syslog || { : >"$tmp/pause"; return 1; }
	i=0
	until [ "$(cat "$tmp/pid.syslog" 2>/dev/null || true)" != "$old" ] && listening; do
		i=$((i + 1)); [ $i -gt 1000 ] && die "the syslog collector does not come back"
		sleep 0.02
	done
	: >"$tmp/pause"
}
log "killer: every 2.5 to 7.5 s, in turn: files, syslog, edge, correlator, redis"
round=
while [ $(($(now) - t0)) -lt "$T" ]; do
	[ -e "$tmp/failed" ] && die "$(cat "$tmp/failed")"
	sleep "$(rand 25 75 | awk '{ printf "%.1f", $1 / 10 }')"
	[ -n "$round" ] || round=$(printf '%s\n' files syslog edge corr redis | shuf | tr '\n' ' ')
	set -- $round
	what=$1; shift; round=$*
	case $what in
	syslog) kill_syslog || true ;;
	redis)
		_a=$(ls -t "$tmp"/soak/appendonlydir/*.incr.aof 2>/dev/null | head -1)
		[ -n "$_a" ] && echo "$_a $(stat -c %s "$_a")" >"$tmp/cut.next"
		sleep "0.$(rand 0 9)"
		kill_one redis || : >"$tmp/cut.next" ;;
	*) kill_one "$what" || true ;;
	esac
done
log "killer done: $(wc -l <"$tmp/kills") kills"

# --- drain -------------------------------------------------------------------
wait "$feeder_logs" "$feeder_pcap" "$feeder_sys" || true
[ -e "$tmp/failed" ] && die "$(cat "$tmp/failed")"
log "inputs all fed; draining"
touch "$tmp/stop"
wait_redis soak
# The syslog collector: every connection read out, then its spool sent.
i=0
until read_out; do i=$((i + 1)); [ $i -gt 3000 ] && die "syslog: sockets not read out"; sleep 0.02; done
t_drain=$(now)
i=0
until [ "$(health soak syslog spool_events)" = 0 ] &&
    [ "$(health soak syslog updated)" -gt $((t_drain + 1)) ]; do
	i=$((i + 1)); [ $i -gt 600 ] && die "syslog: its spool is not sent"
	sleep 0.2
done
for n in files edge corr syslog; do
	while [ -e "$tmp/pid.$n" ]; do
		p=$(cat "$tmp/pid.$n" 2>/dev/null || true)
		[ -n "$p" ] && kill "$p" 2>/dev/null || true
		sleep 0.2
	done
done
collector soak files $logs --once || die "soak: the last files collector failed"
collector soak edge $(pcaps $NPCAP) --once || die "soak: the last capture collector failed"
"$BIN/vigie-correlator" --allow-root -c "$tmp/soak/vigie.conf" --no-http --drain \
    2>>"$tmp/soak/correlator.log" || die "soak: the draining correlator failed"
t_end=$(now)
figures soak
touch "$tmp/stop-redis"
kill "$(cat "$tmp/pid.redis")"
while [ -e "$tmp/pid.redis" ]; do sleep 0.1; done

# --- the report -----------------------------------------------------------------
bad=0
echo "# ---- soak report"
for n in files syslog edge corr redis; do
	k=$(awk -v n="$n" '$1 == n' "$tmp/kills" | wc -l)
	echo "kills: $n $k"
	eval "k_$n=$k"
done
echo "redis: $(wc -l <"$tmp/cuts") AOF tails cut after its kills ($(awk '{ s += $1 } END { printf "%d", s / 1000 }' "$tmp/cuts") KB in all), $(grep -c 'cut before' "$tmp/soak/aof-check.log" 2>/dev/null || true) fixed by redis-aof-check; collectors re-sent what it lost $(cat "$tmp"/soak/files.log "$tmp"/soak/edge.log "$tmp"/soak/syslog.log | grep -c 'lost its last') times"
kc=$((k_files + k_syslog + k_edge))
echo "kills: collectors $kc, correlator $k_corr, redis $k_redis (at least $MINKILLS of each)"
for k in $kc $k_corr $k_redis; do [ "$k" -ge "$MINKILLS" ] || bad=1; done
[ $bad = 0 ] || echo "FAIL: fewer kills than $MINKILLS of a kind"
lost=0 doubled=0 changed=0 stored=0
for s in files edge syslog; do
	a=$tmp/clean/fig/id.$s b=$tmp/soak/fig/id.$s
	l=$(LC_ALL=C comm -23 "$a" "$b" | wc -l)
	d=$(LC_ALL=C comm -13 "$a" "$b" | wc -l)
	w=$(LC_ALL=C comm -3 "$tmp/clean/fig/ev.$s" "$tmp/soak/fig/ev.$s" | wc -l)
	c=$((w - l - d))
	n=$(wc -l <"$b")
	echo "events $s: expected $(wc -l <"$a"), stored $n, lost $l, doubled $d, changed $((c / 2))"
	LC_ALL=C comm -23 "$a" "$b" | head -3 | sed 's/^/#   lost: /'
	LC_ALL=C comm -13 "$a" "$b" | head -3 | sed 's/^/#   doubled: /'
	lost=$((lost + l)) doubled=$((doubled + d)) changed=$((changed + c / 2))
	stored=$((stored + n))
done
echo "events: expected $nev, stored $stored, lost $lost, doubled $doubled, changed $changed"
[ $lost = 0 ] && [ $doubled = 0 ] && [ $changed = 0 ] || bad=1
if seq_check soak; then echo "syslog: u1..u$NSYS each stored once"; else
	echo "FAIL: syslog: $(seq 1 "$NSYS" | LC_ALL=C comm -23 - "$tmp/soak/fig/syslog.seq" | wc -l) missing, $(uniq -d "$tmp/soak/fig/syslog.seq" | wc -l) twice"
	bad=1
fi
for f in days report incidents keys; do
	if cmp -s "$tmp/clean/fig/$f" "$tmp/soak/fig/$f"; then
		echo "$f: equal to the clean run's ($(wc -l <"$tmp/soak/fig/$f") lines)"
	else
		echo "FAIL: $f differs from the clean run's:"
		diff "$tmp/clean/fig/$f" "$tmp/soak/fig/$f" | head -20 | sed 's/^/#   /'
		bad=1
	fi
done
echo "incidents: $(jq length "$tmp/soak/fig/incidents") (clean $ninc)"
echo "duration: killer ${T} s, soak run $((t_end - t0)) s, in all $((t_end - t_start)) s"
if [ $bad = 0 ]; then echo "soak: PASS"; else echo "soak: FAIL"; KEEP=${KEEP:-1}; fi
[ $bad = 0 ]
