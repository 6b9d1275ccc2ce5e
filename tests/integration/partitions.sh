#!/bin/sh
# tests/integration/partitions.sh - the correlator's state cut in
# partitions (DESIGN.md, "Partitions") gives the figures and incidents of
# one worker on one Redis, whatever carries it:
#   (1) a single Redis, 4 partitions, two correlators of two workers;
#   (2) a 3-master Redis Cluster (redis-cli --cluster create), three
#       collectors, two correlators of two workers: the same report and
#       incidents, partition keys on every master, an incident acknowledged
#       through the CLI;
#   (3) a 3-master, 3-replica cluster whose master holding most work is
#       killed mid-drain: its replica takes over, nothing lost or doubled.
# The input: one day of sshd lines dealt round-robin to three sensors, so
# the same attackers hit every sensor and their incidents need all three.
set -eu

NAME=part . "$(dirname "$0")/lib.sh"

DAYS="2026-11-22 2026-11-23"
/usr/bin/perl tests/fixtures/mkmmdb.pl --schema maxmind tests/fixtures/geo.txt "$tmp/geo.mmdb"
"$B/tools/genlog" --seed 7 --days 1 --lines 30000 --end 1795400000 -o "$tmp/day.log"
sensors="s1 s2 s3"
i=0
for s in $sensors; do
	awk -v k=$i 'NR % 3 == k' "$tmp/day.log" >"$tmp/$s.log"
	touch -d @1795400000 "$tmp/$s.log"
	i=$((i + 1))
done

# conf NAME ADDR [PARTITIONS]: a correlator's config.
conf() {
	cat >"$tmp/$1.conf" <<EOC
[redis]
address = $2
[geo]
database = $tmp/geo.mmdb
home-countries = FR
[rules]
path = rules
[correlator]
timezone = UTC
workers = 2
no-http = yes
EOC
	[ -z "${3:-}" ] || echo "partitions = $3" >>"$tmp/$1.conf"
}
# collect NAME ADDR: the three sensors' logs, once, into ADDR.
collect() {
	for s in $sensors; do
		"$BIN/vigie-collector" --redis "$2" --sensor "$s" \
		    --state-dir "$tmp/state-$1-$s" --log "$tmp/$s.log:sshd" --once \
		    2>>"$tmp/collector-$1.log"
	done
}
# figures NAME ADDR: the report of each day and the incident set.
figures() {
	for d in $DAYS; do
		"$BIN/vigie" --redis "$2" report --day $d --format json
	done | jq -S . >"$tmp/$1.report"
	"$BIN/vigie" --redis "$2" incidents list --limit 1000000 --format json |
	    jq -S '[.[] | {rule, group, status, first_seen, last_seen, count, country}] | sort_by(.rule, .group, .first_seen)' \
	    >"$tmp/$1.incidents"
}
# serve NAME CONF: a serving correlator with a web server on a free
# loopback port ($port), its pid in $hp, once /healthz answers.
serve() {
	port=$(/usr/bin/perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(
	    Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport')
	sed 's/^no-http = yes/no-http = no/' "$2" >"$tmp/$1-http.conf"
	printf 'http = 127.0.0.1:%s\nweb-root = %s/dashboards\n' "$port" "$top" \
	    >>"$tmp/$1-http.conf"
	"$BIN/vigie-correlator" --allow-root -c "$tmp/$1-http.conf" 2>"$tmp/$1-http.err" &
	hp=$!
	pids="$pids $hp"
	i=0
	until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
		i=$((i + 1)); [ $i -gt 100 ] && break
		sleep 0.1
	done
}
# api NAME CONF: what the web API says of the state, through a serving
# correlator's web server; incident ids and the orders that rest on them
# (ties of last activity) left out, since ids depend on the partitions.
api() {
	serve "$1" "$2"
	u="http://127.0.0.1:$port/api/v1"
	strip='walk(if type == "object" then del(.id) else . end)'
	{
		for d in $DAYS; do curl -fs "$u/report?day=$d" | jq -S .; done
		curl -fs "$u/incidents?limit=1000" | jq -S "$strip | sort_by(.rule, .group, .first_seen)"
		curl -fs "$u/rules" | jq -S .
		curl -fs "$u/source/$top_ip?days=30" |
		    jq -S "$strip | del(.incidents, .evidence, .detections_latest)"
	} >"$tmp/$1.api" 2>&1
	kill "$hp"; wait "$hp" 2>/dev/null || true
}

# two_drains NAME: two correlator processes of two workers, at once.
two_drains() {
	"$BIN/vigie-correlator" --allow-root -c "$tmp/$1.conf" --drain 2>"$tmp/$1-a.err" &
	a=$!
	"$BIN/vigie-correlator" --allow-root -c "$tmp/$1.conf" --drain 2>"$tmp/$1-b.err" &
	b=$!
	ra=0; rb=0
	wait $a || ra=$?
	wait $b || rb=$?
	echo "$ra $rb"
}

echo "# reference: one worker on one Redis"
start_redis --appendonly no
collect ref "$R"
conf ref "$R"
sed -i 's/^workers = 2/workers = 1/' "$tmp/ref.conf"
check "the reference drains" "$BIN/vigie-correlator" --allow-root -c "$tmp/ref.conf" --drain
figures ref "$R"
top_ip=$(jq -r 'select(.day == "2026-11-22") | .top_sources[0].ip' "$tmp/ref.report")
api ref "$tmp/ref.conf"
check "the API answered ($(wc -c <"$tmp/ref.api") bytes)" test "$(wc -c <"$tmp/ref.api")" -gt 2000
n=$(jq length "$tmp/ref.incidents")
events=$(jq -s 'map(.totals.events) | add' "$tmp/ref.report")
echo "# $events events, $n incidents"
check "the day has incidents to compare ($n)" test "$n" -gt 20
check "the incidents span sensors" sh -c \
    "'$BIN/vigie' --redis '$R' incidents list --limit 1000 --format json | jq -e 'map(.count) | max > 30' >/dev/null"
check "the reference is one partition, recorded" same 1 rcli HGET vigie:config partitions
check "its keys carry no partition tag" same 0 sh -c "redis-cli -s '$sock' --scan --pattern 'vigie:{p*' | wc -l"

echo "# (1) 4 partitions on one Redis, two correlators of two workers"
kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true
rm -rf "$tmp/redis"
start_redis --appendonly no
collect one "$R"
conf one "$R" 4
check "(1) two drains finish" same "0 0" two_drains one
figures one "$R"
check "(1) the same report" cmp "$tmp/ref.report" "$tmp/one.report"
check "(1) the same incidents" cmp "$tmp/ref.incidents" "$tmp/one.incidents"
api one "$tmp/one.conf"
check "(1) the same API replies" cmp "$tmp/ref.api" "$tmp/one.api"
check "(1) 4 partitions recorded" same 4 rcli HGET vigie:config partitions
check "(1) every partition holds incidents" sh -c \
    "for k in 0 1 2 3; do key=\$(redis-cli -s '$sock' --scan --pattern 'vigie:{p'\$k'.*}:incidents');
         test -n \"\$key\" && test \$(redis-cli -s '$sock' zcard \"\$key\") -gt 0 || exit 1; done"
conf two "$R" 2
check "(1) another number of partitions is refused" sh -c \
    "'$BIN/vigie-correlator' --allow-root -c '$tmp/two.conf' --drain 2>'$tmp/two.err'; test \$? = 2 && grep -q 'partitions = 2 refused' '$tmp/two.err'"
id=$("$BIN/vigie" --redis "$R" incidents list --status open --limit 1 --format json | jq -r '.[0].id // empty')
if [ -n "$id" ]; then
	check "(1) incident $id acknowledged in its partition" \
	    "$BIN/vigie" --redis "$R" incidents ack "$id" --by ana
	check "(1) and shown acknowledged" sh -c \
	    "'$BIN/vigie' --redis '$R' incidents show $id --format json | jq -e '.status == \"acknowledged\"' >/dev/null"
fi

# The per-sensor metrics of a serving correlator count its sensors'
# events, whatever partitions their frames went to.
head -n 300 "$tmp/s1.log" >"$tmp/s4.log"
"$BIN/vigie-collector" --redis "$R" --sensor s4 --state-dir "$tmp/state-s4" \
    --log "$tmp/s4.log:sshd" --once 2>>"$tmp/collector-one.log"
serve one-m "$tmp/one.conf"
metric() {
	curl -fs "http://127.0.0.1:$port/metrics" 2>/dev/null |
	    sed -n 's/^vigie_events_processed_total{sensor="s4"} //p'
}
i=0
until [ "$(metric)" = 300 ]; do
	i=$((i + 1)); [ $i -gt 200 ] && break
	sleep 0.1
done
check "(1) the metrics count the sensor's 300 events" same 300 metric
kill "$hp"; wait "$hp" 2>/dev/null || true

# A shorter retention, confirmed, deletes both days in every partition,
# and nothing that is not a partition's.
rcli SET 'vigie:{px}:day:2026-11-22:totals' foreign >/dev/null
dayk() { redis-cli -s "$sock" --scan --pattern "vigie:{p*}:$1" | grep -vc '{px}' || true; }
before=$(dayk 'day:*')
sed 's/^timezone = UTC/timezone = UTC\nretention-days = 1\nconfirm-retention-shrink = 2/' \
    "$tmp/one.conf" >"$tmp/one-short.conf"
check "(1) a confirmed shorter retention is applied ($before day keys)" sh -c \
    "test $before -gt 0 && '$BIN/vigie-correlator' --allow-root -c '$tmp/one-short.conf' --drain 2>'$tmp/one-short.err'"
check "(1) no partition keeps a day key" same 0 dayk 'day:*'
check "(1) nor a detections stream" same 0 dayk 'det:*'
check "(1) a key of no partition is left alone" same foreign \
    rcli GET 'vigie:{px}:day:2026-11-22:totals'

echo "# (2) a 3-master cluster, three collectors, two correlators of two workers"
start_cluster 3 0
echo "# cluster $CR"
collect two "$CR"
conf cl "$CR"
echo "alert-file = $tmp/cl-alerts.json" >>"$tmp/cl.conf"
check "(2) two drains finish" same "0 0" two_drains cl
figures cl "$CR"
check "(2) the same report" cmp "$tmp/ref.report" "$tmp/cl.report"
check "(2) the same incidents" cmp "$tmp/ref.incidents" "$tmp/cl.incidents"
api cl "$tmp/cl.conf"
check "(2) the same API replies" cmp "$tmp/ref.api" "$tmp/cl.api"
# Every incident listed was opened once in the alerts of its partition.
"$BIN/vigie" --redis "$CR" incidents list --limit 1000000 --format json |
    jq -r '.[].id' | sort >"$tmp/cl.ids"
jq -r 'select(.vigie.change == "opened") | .vigie.incident' "$tmp/cl-alerts.json" |
    sort >"$tmp/cl.opened"
twice=$(sort "$tmp/cl.opened" | uniq -d | wc -l)
missed=$(comm -23 "$tmp/cl.ids" "$tmp/cl.opened" | wc -l)
echo "# $(wc -l <"$tmp/cl.ids") incidents, $twice opened twice, $missed never opened"
check "(2) each incident's opening exported once" sh -c \
    "test -s '$tmp/cl.ids' && test $twice = 0 && test $missed = 0"
check "(2) 16 partitions recorded" same 16 redis-cli -c -p "$(cluster_any)" HGET vigie:config partitions
for p in $cluster_ports; do
	check "(2) master $p holds partitions" sh -c \
	    "test \$(redis-cli -p $p --scan --pattern 'vigie:{p*' | wc -l) -gt 0"
done
check "(2) nothing left pending" sh -c "for s in $sensors; do
	redis-cli -c -p $(cluster_any) XPENDING vigie:ev:{\$s} correlators | head -1 | grep -qx 0 || exit 1; done"
id=$("$BIN/vigie" --redis "$CR" incidents list --status open --limit 1 --format json | jq -r '.[0].id // empty')
if [ -n "$id" ]; then
	check "(2) incident $id closed on the cluster" \
	    "$BIN/vigie" --redis "$CR" incidents close "$id" --by ana --note "seen"
fi
# A shorter retention is planned over every partition on every master.
sed 's/^timezone = UTC/timezone = UTC\nretention-days = 1/' "$tmp/cl.conf" >"$tmp/short.conf"
check "(2) a retention that deletes both days is refused" sh -c \
    "'$BIN/vigie-correlator' --allow-root -n -c '$tmp/short.conf' 2>'$tmp/short.err'; test \$? = 2 &&
     grep -q 'would delete 2 days .*2026-11-22, 2026-11-23 (keys vigie:{p<k>.<n>}:day:<day>:\\*' '$tmp/short.err'"

# A backup of the cluster, restored on a single Redis, reads the same.
check "(2) vigie backup reads every master" "$BIN/vigie" --redis "$CR" backup "$tmp/cl.vbk"
nk=0
for p in $cluster_ports; do nk=$((nk + $(redis-cli -p "$p" --scan --pattern 'vigie:*' | wc -l))); done
check "(2) the backup holds every key ($nk)" sh -c \
    "'$BIN/vigie' --redis '$CR' restore --dry-run '$tmp/cl.vbk' | grep -q 'Redis holds $nk Vigie keys'"
stop_cluster
kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true
rm -rf "$tmp/redis"
start_redis --appendonly no
check "(2) restored on a single Redis" "$BIN/vigie" --redis "$R" restore "$tmp/cl.vbk"
figures rest "$R"
check "(2) which reads the same report" cmp "$tmp/ref.report" "$tmp/rest.report"
check "(2) and the same incidents" cmp "$tmp/ref.incidents" "$tmp/rest.incidents"

echo "# (3) 3 masters and 3 replicas, a master killed mid-drain"
start_cluster 3 1
echo "# cluster $CR"
collect three "$CR"
conf fo "$CR"
# Every frame on a replica too before the kill.
for p in $(echo $cluster_ports | cut -d' ' -f1-3); do
	redis-cli -p "$p" WAIT 1 5000 >/dev/null
done
"$BIN/vigie-correlator" --allow-root -c "$tmp/fo.conf" 2>"$tmp/fo-a.err" &
ca=$!
"$BIN/vigie-correlator" --allow-root -c "$tmp/fo.conf" 2>"$tmp/fo-b.err" &
cb=$!
pids="$pids $ca $cb"
# Killed once a fair share is counted.
i=0
while :; do
	got=$(for d in $DAYS; do "$BIN/vigie" --redis "$CR" report --day $d --format json 2>/dev/null; done |
	    jq -s 'map(.totals.events) | add // 0')
	[ "$got" -ge $((events / 4)) ] && break
	i=$((i + 1)); [ $i -gt 600 ] && break
	sleep 0.05
done
# Partition 0's master: the one holding its pdone ("{p0.<n>}").
p0=$(for p in $(echo $cluster_ports | cut -d' ' -f1-3); do
	redis-cli -p "$p" --scan --pattern 'vigie:{p0.*}:pdone'; done | head -n 1)
port=$(cluster_owner "$p0")
victim=$(cluster_pid "$port")
kill -9 "$victim" 2>/dev/null
wait "$victim" 2>/dev/null || true
echo "# killed master $port (pid $victim) at $got of $events events"
i=0
while :; do
	got=$(for d in $DAYS; do "$BIN/vigie" --redis "$CR" report --day $d --format json 2>/dev/null; done |
	    jq -s 'map(.totals.events) | add // 0')
	pend=$(for s in $sensors; do redis-cli -c -p "$(cluster_any)" XPENDING "vigie:ev:{$s}" correlators 2>/dev/null | head -1; done | awk '{ s += $1 } END { print s + 0 }')
	[ "$got" -ge "$events" ] && [ "$pend" = 0 ] && break
	i=$((i + 1)); [ $i -gt 900 ] && break
	sleep 0.1
done
sleep 1
kill "$ca" "$cb"
wait "$ca" 2>/dev/null || true
wait "$cb" 2>/dev/null || true
# A last drain: nothing left to read, and incidents quiet by the wall
# clock closed, as at the end of the reference's drain.
check "(3) a last drain finds nothing pending" sh -c \
    "'$BIN/vigie-correlator' --allow-root -c '$tmp/fo.conf' --drain 2>'$tmp/fo-c.err' && grep -q ' 0 events counted' '$tmp/fo-c.err'"
figures fo "$CR"
check "(3) the replica took over" test "$(cluster_owner "$p0")" != "$port"
check "(3) the same report" cmp "$tmp/ref.report" "$tmp/fo.report"
check "(3) the same incidents" cmp "$tmp/ref.incidents" "$tmp/fo.incidents"
grep -h 'redis' "$tmp/fo-a.err" "$tmp/fo-b.err" | sort | uniq -c | sort -rn | head -5 | sed 's/^/# /' || true
# A master down is said once a process, not at every try of every worker.
for e in fo-a fo-b; do
	check "(3) $e: the dead master's refusals said once" test \
	    "$(grep -c "redis 127.0.0.1:$port: Connection refused" "$tmp/$e.err")" -le 1
done
done_tests
