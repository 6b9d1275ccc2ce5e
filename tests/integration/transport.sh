#!/bin/sh
# tests/integration/transport.sh - the event transport on real parts: a
# private redis-server with its AOF, the collector following logs that
# grow. Nothing may be lost or stored twice when Redis is killed and
# restarted (and loses its last second, as after a power cut), when the
# collector is killed at random points, when the spool fills while Redis
# is away; an overlong last line is stored once; a sensor is held by one
# collector at a time; a restart parses the lines before its checkpoint
# again, so sshd's per-connection address carries over; an AOF cut inside
# a commit's transaction (container/redis-aof-check before each start)
# counts nothing twice, even after a second restart.
set -eu

NAME=tr . "$(dirname "$0")/lib.sh"

redis_aof() { start_redis --appendonly yes --appendfsync everysec; }
kill_redis() {
	kill -9 "$redis_pid"
	wait "$redis_pid" 2>/dev/null || true
	redis_pid=
}
redis_aof

follow() {
	# follow SENSOR LOG [options]: a collector in the background.
	s=$1; l=$2; shift 2
	"$BIN/vigie-collector" --redis "$R" --sensor "$s" --state-dir "$tmp/state-$s" \
	    --log "$l:sshd" "$@" 2>>"$tmp/collector-$s.log" &
	cpid=$!
	pids="$pids $cpid"
}

echo "# (1) Redis SIGKILLed while a log grows, restarted 5 s later from its AOF"
log1="$tmp/one.log"
: >"$log1"
follow one "$log1"
c1=$cpid
( for k in $(seq 0 39); do lines $((k * 500 + 1)) $((k * 500 + 500)) >>"$log1"; sleep 0.1; done ) &
writer=$!
sleep 1.5
kill_redis
# A power cut loses what the AOF had not yet fsync'd: cut its tail.
aof=$(ls -t "$tmp"/redis/appendonlydir/*.incr.aof | head -1)
size=$(stat -c %s "$aof")
truncate -s $((size * 2 / 3)) "$aof"
wait "$writer"
sleep 5
redis_aof
check "(1) the stream fills up again" wait_stored one 20000
check "(1) every line in the stream exactly once, in order" exactly_once one 1 20000
check "(1) the collector is still running" kill -0 "$c1"
check "(1) it said Redis was away once per reason, not per retry, and that it came back" sh -c \
    "test \$(grep -c 'retrying' '$tmp/collector-one.log') -le 4 && grep -q 'connected;' '$tmp/collector-one.log'"
check "(1) it re-sent what Redis lost in the cut" grep -q 'lost its last' "$tmp/collector-one.log"

echo "# (2) the collector SIGKILLed at 5 random points of a 200,000-line ingestion"
log2="$tmp/two.log"
: >"$log2"
follow two "$log2"
( for k in $(seq 0 39); do lines $((k * 5000 + 1)) $((k * 5000 + 5000)) >>"$log2"; sleep 0.1; done ) &
writer=$!
for k in 1 2 3 4 5; do
	sleep "0.$(od -An -N1 -tu1 /dev/urandom | awk '{ printf "%d", 1 + $1 % 9 }')"
	kill -9 "$cpid"
	wait "$cpid" 2>/dev/null || true
	follow two "$log2"
done
wait "$writer"
check "(2) every line stored" wait_stored two 200000
check "(2) exactly once, in order" exactly_once two 1 200000
"$BIN/vigie-collector" --redis "$R" --sensor ref --state-dir "$tmp/state-ref" \
    --log "$log2:sshd" --once 2>"$tmp/ref.log"
"$BIN/vigie" --redis "$R" events --sensor two --count 0 --format json | jq -c 'del(.id, .sensor)' >"$tmp/two.json"
"$BIN/vigie" --redis "$R" events --sensor ref --count 0 --format json | jq -c 'del(.id, .sensor)' >"$tmp/ref.json"
check "(2) the stream holds exactly what an uninterrupted run stores" cmp "$tmp/ref.json" "$tmp/two.json"
check "(2) frame ids strictly increase" sh -c "'$BIN/vigie' --redis '$R' events --sensor two --count 0 --format json |
    jq -r '.id | split(\"/\")[0]' | uniq | sort -t- -k1,1n -k2,2n -c"
kill "$cpid"; wait "$cpid" 2>/dev/null || true

echo "# (3) the spool reaches its limit while Redis is down"
kill_redis
log3="$tmp/three.log"
lines 1 100 >"$log3"
cat >"$tmp/three.conf" <<EOC
[collector]
spool-max-bytes = 1M
EOC
"$BIN/vigie-collector" -c "$tmp/three.conf" --redis "$R" --sensor three \
    --state-dir "$tmp/state-three" --log "$log3:sshd" 2>>"$tmp/collector-three.log" &
c3=$!
pids="$pids $c3"
lines 101 100000 >>"$log3"
# Frames are compressed (about 3 to 1): the limit takes a few seconds of
# reads at 1/16 of it a turn. 30 s at most.
i=0
until grep -q 'reading paused' "$tmp/collector-three.log" || [ $i -ge 300 ]; do
	i=$((i + 1)); sleep 0.1
done
check "(3) the collector runs with Redis away" kill -0 "$c3"
check "(3) reading paused at the limit" grep -q 'reading paused' "$tmp/collector-three.log"
spooled=$(du -sb "$tmp/state-three/spool-three" | cut -f1)
check "(3) the spool stays near its limit (${spooled} bytes)" test "$spooled" -lt $((1024 * 1024 * 3 / 2))
check "(3) and has not read the whole file" test "$spooled" -lt "$(stat -c %s "$log3")"
redis_aof
check "(3) reading resumes when Redis is back: every line stored" wait_stored three 100000
check "(3) exactly once, in order" exactly_once three 1 100000
check "(3) it said so" grep -q 'reading again' "$tmp/collector-three.log"
kill "$c3"; wait "$c3" 2>/dev/null || true

echo "# (5) a final line over 64 KiB without a newline, read three times"
log5="$tmp/five.log"
lines 1 3 >"$log5"
{ printf '2026-11-22T11:00:00Z web1 sshd[7]: Invalid user '; head -c 70000 /dev/zero | tr '\0' L; } >>"$log5"
follow five "$log5"
c5=$cpid
sleep 2
kill "$c5"; wait "$c5" 2>/dev/null || true
for k in 1 2; do
	"$BIN/vigie-collector" --redis "$R" --sensor five --state-dir "$tmp/state-five" \
	    --log "$log5:sshd" --once 2>>"$tmp/collector-five.log"
done
n=$("$BIN/vigie" --redis "$R" events --sensor five --count 0 --format json | wc -l)
check "(5) four events: three lines and the long one, once ($n)" test "$n" = 4
check "(5) the long line is kept to 64 KiB" sh -c "'$BIN/vigie' --redis '$R' events --sensor five --count 0 --format json |
    jq -r '.line' | tail -1 | awk '{ exit !(length(\$0) <= 65536 && length(\$0) > 60000) }'"
printf 'LLLL\n' >>"$log5"
lines 4 4 >>"$log5"
"$BIN/vigie-collector" --redis "$R" --sensor five --state-dir "$tmp/state-five" \
    --log "$log5:sshd" --once 2>>"$tmp/collector-five.log"
check "(5) its end, when it comes, is skipped; the next line is read" sh -c \
    "'$BIN/vigie' --redis '$R' events --sensor five --count 0 --format json | jq -r .line | tail -1 | grep -q '^Invalid user u4 '"

echo "# (6) a second collector for a sensor already held"
log6="$tmp/six.log"
lines 1 1000 >"$log6"
follow six "$log6"
c6=$cpid
wait_stored six 1000 || true
rc=0
"$BIN/vigie-collector" --redis "$R" --sensor six --state-dir "$tmp/state-six-b" \
    --log "$log6:sshd" --once 2>"$tmp/second.err" || rc=$?
check "(6) the second collector refuses with exit 2" test "$rc" = 2
check "(6) naming the sensor and its holder" grep -q 'sensor six is held by another collector' "$tmp/second.err"
lines 1001 2000 >>"$log6"
check "(6) the first loses nothing" wait_stored six 2000
check "(6) and stores nothing twice" exactly_once six 1 2000
kill "$c6"; wait "$c6" 2>/dev/null || true
check "health hash: version, counters, spool" sh -c "redis-cli -s '$sock' HGET vigie:sensor:{six} events | grep -qx 2000 &&
    redis-cli -s '$sock' HGET vigie:sensor:{six} stored | grep -qx 2000 &&
    redis-cli -s '$sock' HGET vigie:sensor:{six} spool_events | grep -qx 0 &&
    redis-cli -s '$sock' HGET vigie:sensor:{six} version | grep -q '^[0-9]'"
check "(6) a restart of the first takes its own lease back" \
    "$BIN/vigie-collector" --redis "$R" --sensor six --state-dir "$tmp/state-six" --log "$log6:sshd" --once

echo "# an older collector's state file: its offsets carry over, nothing is read twice"
log8="$tmp/eight.log"
lines 1 300 >"$log8"
mkdir -p "$tmp/state-eight"
printf 'vigie-collector-state 1\nlast_id 1000 7\nfile %s %s %s %s\n' \
    "$(stat -c %d "$log8")" "$(stat -c %i "$log8")" "$(lines 1 200 | wc -c)" "$log8" \
    >"$tmp/state-eight/collector-eight.state"
check "the collector starts over an older state file" \
    "$BIN/vigie-collector" --redis "$R" --sensor eight --state-dir "$tmp/state-eight" \
    --log "$log8:sshd" --once
check "and stores only what the older one had not read" exactly_once eight 201 300

echo "# (9) a restart at a checkpoint: the lines before it are parsed again for sshd's per-connection address"
log9="$tmp/nine.log"
cat >"$log9" <<'EOL'
2026-11-20T11:00:00Z web1 sshd[77]: Failed password for root from 198.51.100.7 port 4000 ssh2
2026-11-20T11:00:01Z web1 sshd[78]: Failed password for admin from 198.51.100.8 port 4001 ssh2
EOL
"$BIN/vigie-collector" --redis "$R" --sensor nine --state-dir "$tmp/state-nine" \
    --log "$log9:sshd" --once 2>>"$tmp/collector-nine.log"
cat >>"$log9" <<'EOL'
2026-11-20T11:00:05Z web1 sshd[77]: pam_unix(sshd:auth): check pass; user unknown
2026-11-20T11:00:06Z web1 sshd[78]: Disconnecting: Too many authentication failures [preauth]
EOL
"$BIN/vigie-collector" --redis "$R" --sensor nine --state-dir "$tmp/state-nine" \
    --log "$log9:sshd" --once 2>>"$tmp/collector-nine.log"
"$BIN/vigie-collector" --redis "$R" --sensor nineref --state-dir "$tmp/state-nineref" \
    --log "$log9:sshd" --once 2>>"$tmp/collector-nine.log"
"$BIN/vigie" --redis "$R" events --sensor nine --count 0 --format json | jq -c 'del(.id, .sensor)' >"$tmp/nine.json"
"$BIN/vigie" --redis "$R" events --sensor nineref --count 0 --format json | jq -c 'del(.id, .sensor)' >"$tmp/nineref.json"
check "(9) the lines after the restart have their connection's address" sh -c \
    "jq -r 'select(.ts >= 1795172405000000) | .src_ip' '$tmp/nine.json' | tr '\n' ' ' | grep -qx '198.51.100.7 198.51.100.8 '"
check "(9) the events are those of a single run" cmp "$tmp/nineref.json" "$tmp/nine.json"

echo "# (10) Redis SIGKILLed and its AOF cut inside a commit (MULTI ... EXEC), then restarted twice: counted once"
# As the appliance's units do: redis-aof-check before each start.
redis_checked() { sh container/redis-aof-check "$tmp/redis" 2>>"$tmp/aof-check.log"; redis_aof; }
drain() { "$BIN/vigie-correlator" --allow-root --redis "$R" --rules rules --timezone UTC --no-http --drain 2>>"$tmp/corr10.log"; }
drain
awk 'BEGIN { for (i = 1; i <= 3000; i++)
	printf "2026-11-19T10:%02d:%02dZ web1 sshd[%d]: Failed password for root from 198.51.100.%d port %d ssh2\n",
	    (i / 60) % 60, i % 60, 2000 + i, 1 + i % 200, 1024 + i }' >"$tmp/ten.log"
"$BIN/vigie-collector" --redis "$R" --sensor ten --state-dir "$tmp/state-ten" \
    --log "$tmp/ten.log:sshd" --once 2>>"$tmp/collector-ten.log"
drain
kill_redis
aof=$(ls -t "$tmp"/redis/appendonlydir/*.incr.aof | head -1)
# The last transaction that acknowledges frames of ten: its first and last byte.
grep -a -b -x -e 'MULTI.' -e 'EXEC.' -e 'vigie:ev:{ten}.' "$aof" | tr -d '\r' | sed 's/:/ /' |
    awk '$2 == "MULTI" { m = $1; t = 0 } $2 == "vigie:ev:{ten}" && m { t = 1 }
	$2 == "EXEC" { if (t) { a = m; b = $1 } m = 0 } END { print a + 0, b + 0 }' >"$tmp/tx"
read -r m e <"$tmp/tx"
check "(10) the AOF holds a commit of ten ($m..$e)" test "$m" -gt 0 -a "$e" -gt "$m"
# Cut within its EXEC: every command of it whole, the transaction not.
[ "$m" -gt 0 ] && truncate -s $((e - 3)) "$aof"
redis_checked
check "(10) restarted: the cut commit's frames are counted again" drain
kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true
redis_checked
drain
n=$("$BIN/vigie" --redis "$R" report --day 2026-11-19 --format json | jq .totals.events)
check "(10) after a second restart every line counted once ($n)" test "$n" = 3000

echo "# (7) the collector and the correlator started while Redis loads its AOF"
awk 'BEGIN { for (i = 0; i < 2000000; i++)
	printf "*3\r\n$3\r\nSET\r\n$%d\r\nfiller:%d\r\n$48\r\n%048d\r\n", length("filler:" i), i, i }' |
    redis-cli -s "$sock" --pipe >/dev/null
redis-cli -s "$sock" BGREWRITEAOF >/dev/null
sleep 3
kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true
log7="$tmp/seven.log"
lines 1 5000 >"$log7"
start_redis_bg --appendonly yes --appendfsync everysec
i=0
until [ -S "$sock" ] || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.02; done
check "(7) Redis is still loading when the collector starts" sh -c \
    "redis-cli -s '$sock' ping 2>&1 | grep -q LOADING"
check "(7) collector --once waits for it and stores every line" \
    "$BIN/vigie-collector" --redis "$R" --sensor seven --state-dir "$tmp/state-seven" \
    --log "$log7:sshd" --once
check "(7) exactly once" exactly_once seven 1 5000
kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true
start_redis_bg --appendonly yes --appendfsync everysec
i=0
until [ -S "$sock" ] || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.02; done
check "(7) correlator --drain waits for it too, and counts every event" sh -c \
    "'$BIN/vigie-correlator' --allow-root --redis '$R' --rules rules --timezone UTC --drain 2>'$tmp/corr7.log' &&
    grep -q 'loading its data' '$tmp/corr7.log' &&
    n=\$('$BIN/vigie' --redis '$R' report --day 2026-11-22 --format json | jq .totals.events) &&
    echo \"counted \$n\" && test \"\$n\" = 527105"

done_tests
