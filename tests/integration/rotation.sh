#!/bin/sh
# tests/integration/rotation.sh - a followed log file rotated under the
# collector on a real redis-server: rename-and-create and copytruncate
# while a writer appends (every line exactly once, none cut), a restart
# across a rotation, a path swapped for a symbolic link or a FIFO, a
# device refused at start, SIGTERM in the middle of an endless line.
set -eu

NAME=rot . "$(dirname "$0")/lib.sh"
start_redis

# lines FIRST LAST (tests/integration/lib.sh): numbered sshd lines.
events() { "$BIN/vigie" --redis "$R" events --sensor "$1" --count 0 --format json; }
# wait_stored SENSOR N: until the stream holds N events (30 s at most).
wait_stored() {
	i=0
	while [ "$(events "$1" 2>/dev/null | wc -l)" -lt "$2" ]; do
		i=$((i + 1)); [ $i -gt 300 ] && return 1
		sleep 0.1
	done
}
# exactly_once SENSOR FIRST LAST: u<FIRST>..u<LAST>, each once, and no
# event that is not one of these lines whole.
exactly_once() {
	events "$1" | jq -r .line >"$tmp/lines.$1"
	sed -n 's/^Invalid user \(u[0-9]*\) from 198\.51\.100\.[0-9]* port [0-9]*$/\1/p' "$tmp/lines.$1" | sort >"$tmp/got.$1"
	awk -v a="$2" -v b="$3" 'BEGIN { for (i = a; i <= b; i++) print "u" i }' | sort >"$tmp/want.$1"
	bad=$(grep -cv '^Invalid user u[0-9]* from 198\.51\.100\.[0-9]* port [0-9]*$' "$tmp/lines.$1" || true)
	cmp -s "$tmp/want.$1" "$tmp/got.$1" && [ "$bad" = 0 ] || {
		echo "got $(wc -l <"$tmp/got.$1") of $(wc -l <"$tmp/want.$1"); $bad cut or foreign;" \
		    "duplicates: $(uniq -d "$tmp/got.$1" | head -3 | tr '\n' ' ')"
		grep -v '^Invalid user u[0-9]* from 198\.51\.100\.[0-9]* port [0-9]*$' "$tmp/lines.$1" | head -3
		return 1; }
}
follow() {
	# follow SENSOR LOG [options]: a collector in the background.
	s=$1; l=$2; shift 2
	"$BIN/vigie-collector" --redis "$R" --sensor "$s" --state-dir "$tmp/state-$s" \
	    --log "$l:sshd" "$@" 2>>"$tmp/collector-$s.log" &
	cpid=$!
	pids="$pids $cpid"
}
stop_collector() { kill "$1"; wait "$1" 2>/dev/null || true; }
health() { redis-cli -s "$sock" HGET "vigie:sensor:{$1}" "$2"; }

echo "# (1) the measured case: 10 lines read, 5 appended, renamed, 3 in a new file"
log="$tmp/one.log"
lines 1 10 >"$log"
follow one "$log"
c=$cpid
check "(1) the first 10 lines" wait_stored one 10
lines 11 15 >>"$log"
mv "$log" "$log.1"
lines 16 18 >"$log"
check "(1) 18 of 18 stored" wait_stored one 18
sleep 0.5
check "(1) each exactly once" exactly_once one 1 18

echo "# (2) rename-and-create, five times, while a writer appends; late writes to the old file"
log="$tmp/two.log"
: >"$log"
follow two "$log"
c=$cpid
(
	n=0
	for k in $(seq 0 59); do
		lines $((n + 1)) $((n + 300)) >>"$log"; n=$((n + 300))
		if [ $((k % 12)) = 11 ]; then
			exec 3>>"$log"
			[ -f "$log.1" ] && mv "$log.1" "$log.2"
			mv "$log" "$log.1"
			lines $((n + 1)) $((n + 50)) >&3; n=$((n + 50))	# a late writer
			exec 3>&-
			lines $((n + 1)) $((n + 50)) >>"$log"; n=$((n + 50))
		fi
		sleep 0.07
	done
	echo "$n" >"$tmp/two.n"
) &
wait $!
n=$(cat "$tmp/two.n")
check "(2) all $n lines stored" wait_stored two "$n"
sleep 1
check "(2) each exactly once, none cut" exactly_once two 1 "$n"
check "(2) five rotations seen" sh -c "test \$(grep -c 'rotated; reading the new file' '$tmp/collector-two.log') = 5"
stop_collector "$c"

echo "# (3) copytruncate, the file grown past the old offset before the next read"
log="$tmp/three.log"
lines 1 40 >"$log"
follow three "$log"
c=$cpid
check "(3) the first 40 lines" wait_stored three 40
n=40
for k in 1 2 3 4; do
	cp "$log" "$log.$k"; : >"$log"
	# At once, and longer than before: the old offset is inside a line.
	lines $((n + 1)) $((n + 60)) >>"$log"; n=$((n + 60))
	wait_stored three "$n" || true
done
check "(3) all $n lines stored" wait_stored three "$n"
sleep 0.5
check "(3) each exactly once, no half line" exactly_once three 1 "$n"
check "(3) the truncations were seen" sh -c "test \$(grep -c 'truncated' '$tmp/collector-three.log') -ge 4"
stop_collector "$c"

echo "# (4) copytruncate while a writer appends quickly"
log="$tmp/four.log"
: >"$log"
follow four "$log"
c=$cpid
(
	n=0
	for k in $(seq 1 40); do
		lines $((n + 1)) $((n + 100)) >>"$log"; n=$((n + 100))
		if [ $((k % 10)) = 0 ]; then
			# logrotate's copytruncate, once the collector has read it all
			i=0
			while [ "$(events four 2>/dev/null | wc -l)" -lt "$n" ] && [ $i -lt 100 ]; do
				i=$((i + 1)); sleep 0.05; done
			cp "$log" "$log.old"; : >"$log"
		fi
		sleep 0.02
	done
	echo "$n" >"$tmp/four.n"
) &
wait $!
n=$(cat "$tmp/four.n")
check "(4) all $n lines stored" wait_stored four "$n"
sleep 0.5
check "(4) each exactly once, none cut" exactly_once four 1 "$n"
stop_collector "$c"

echo "# (5) a restart across a rotation: the rotated file is finished first"
log="$tmp/five.log"
lines 1 10 >"$log"
follow five "$log"
c=$cpid
check "(5) the first 10 lines" wait_stored five 10
sleep 0.3
stop_collector "$c"
lines 11 15 >>"$log"
mv "$log" "$log.1"
lines 16 18 >"$log"
follow five "$log"
c=$cpid
check "(5) 18 of 18 stored" wait_stored five 18
sleep 0.5
check "(5) each exactly once" exactly_once five 1 18
check "(5) it said it finished the rotated file" grep -q 'finishing five.log.1 first' "$tmp/collector-five.log"
stop_collector "$c"
lines 19 20 >>"$log"
follow five "$log"
c=$cpid
check "(5) a plain restart resumes at its checkpoint" wait_stored five 20
sleep 0.5
check "(5) nothing twice" exactly_once five 1 20
stop_collector "$c"

echo "# (6) the path swapped for a symbolic link to a secret file, then for a FIFO"
log="$tmp/six.log"
secret="$tmp/secret"
echo 'root:$6$SECRETHASH:19000:0:99999:7:::' >"$secret"
chmod 600 "$secret"
lines 1 5 >"$log"
follow six "$log"
c=$cpid
check "(6) the first 5 lines" wait_stored six 5
mv "$log" "$log.1"
ln -s "$secret" "$log"
sleep 2
check "(6) the link is refused and said so" grep -q 'a symbolic link (never followed)' "$tmp/collector-six.log"
check "(6) the secret never reaches Redis" sh -c "! redis-cli -s '$sock' --no-raw XRANGE 'vigie:ev:{six}' - + | grep -q SECRETHASH"
check "(6) the collector runs on" kill -0 "$c"
rm "$log"
mkfifo "$log"
sleep 1.5
check "(6) a FIFO is refused too" grep -q 'not a regular file' "$tmp/collector-six.log"
check "(6) the collector runs on, not blocked" kill -0 "$c"
rm "$log"
lines 6 8 >"$log"
check "(6) a regular file again is read" wait_stored six 8
check "(6) exactly once" exactly_once six 1 8
stop_collector "$c"
check "(6) refusals counted in the health hash" sh -c "test \$(redis-cli -s '$sock' HGET vigie:sensor:{six} refused) -ge 2"

echo "# (7) devices and links are refused at start"
rc=$(status "$tmp/seven.err" "$BIN/vigie-collector" --redis "$R" --sensor seven \
    --state-dir "$tmp/state-seven" --log /dev/zero --once)
check "(7) /dev/zero: exit 2 ($rc)" test "$rc" = 2
check "(7) saying it is not a regular file" grep -q '/dev/zero is not a regular file' "$tmp/seven.err"
ln -s "$secret" "$tmp/seven.log"
rc=$(status "$tmp/seven.err" "$BIN/vigie-collector" --redis "$R" --sensor seven \
    --state-dir "$tmp/state-seven" --log "$tmp/seven.log" --once)
check "(7) a symbolic link: exit 2 ($rc)" test "$rc" = 2
check "(7) naming it" grep -q 'seven.log is a symbolic link' "$tmp/seven.err"

echo "# (8) SIGTERM while reading a 4 GiB line with no newline"
log="$tmp/eight.log"
truncate -s 4G "$log"
follow eight "$log"
c=$cpid
sleep 1.5
t0=$(date +%s%N)
kill -TERM "$c"
wait "$c" 2>/dev/null || true
t1=$(date +%s%N)
check "(8) the collector stopped within a second ($(( (t1 - t0) / 1000000 )) ms)" test $(( (t1 - t0) / 1000000 )) -lt 1000
check "(8) the line, cut, is one event, counted once" grep -q ': 1 lines, .* 1 truncated; 1 events' "$tmp/collector-eight.log"

echo "# (9) max-line: a 5000-byte line cut at 1024, counted once"
log="$tmp/nine.log"
{ lines 1 1; printf '2026-11-22T11:00:00Z web1 sshd[7]: Invalid user '; head -c 5000 /dev/zero | tr '\0' L; echo; lines 2 2; } >"$log"
"$BIN/vigie-collector" --redis "$R" --sensor nine --state-dir "$tmp/state-nine" \
    --log "$log:sshd" --max-line 1024 --once 2>"$tmp/nine.err"
check "(9) three events" test "$(events nine | wc -l)" = 3
events nine | jq -r .line | sed -n 2p >"$tmp/nine.long"
check "(9) the long one cut to 1024 bytes" awk '{ exit !(length($0) < 1024 && length($0) > 900) }' "$tmp/nine.long"
check "(9) counted once" sh -c "test \$(redis-cli -s '$sock' HGET vigie:sensor:{nine} truncated) = 1"
rc=$(status "$tmp/nine.err" "$BIN/vigie-collector" --max-line 10 --log "$log" -n)
check "(9) max-line out of range: exit 2" test "$rc" = 2

echo "# (10) a glob: the files it matches at start, then a new one"
mkdir -p "$tmp/nginx"
lines 1 10 >"$tmp/nginx/a-access.log"
lines 11 20 >"$tmp/nginx/b-access.log"
lines 900 905 >"$tmp/nginx/error.log"
ln -s "$secret" "$tmp/nginx/c-access.log"
"$BIN/vigie-collector" --redis "$R" --sensor ten --state-dir "$tmp/state-ten" \
    --log "$tmp/nginx/*access.log:sshd" 2>>"$tmp/collector-ten.log" &
c=$!
pids="$pids $c"
check "(10) both matches read" wait_stored ten 20
lines 21 30 >"$tmp/nginx/new-access.log"
check "(10) a file created later is picked up" wait_stored ten 30
lines 31 35 >>"$tmp/nginx/a-access.log"
check "(10) appends followed" wait_stored ten 35
sleep 0.5
check "(10) each exactly once; error.log and the link left alone" exactly_once ten 1 35
check "(10) the secret never reaches Redis" sh -c "! redis-cli -s '$sock' --no-raw XRANGE 'vigie:ev:{ten}' - + | grep -q SECRETHASH"
stop_collector "$c"
lines 36 40 >>"$tmp/nginx/new-access.log"
"$BIN/vigie-collector" --redis "$R" --sensor ten --state-dir "$tmp/state-ten" \
    --log "$tmp/nginx/*access.log:sshd" --once 2>>"$tmp/collector-ten.log"
check "(10) a restart resumes each matched file at its checkpoint" exactly_once ten 1 40

done_tests
