#!/bin/sh
# tests/integration/http.sh - the web server tried as an attacker would:
# descriptors exhausted by half-open connections, a slow header, a hung
# Redis (SIGSTOP), requests without Host or with too many headers.
set -eu

NAME=http . "$(dirname "$0")/lib.sh"

start_redis --appendonly no --enable-debug-command yes
port=$(/usr/bin/perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(
    Listen => 1, LocalAddr => "127.0.0.1", LocalPort => 0)->sockport')
url="http://127.0.0.1:$port"
# A low descriptor limit: the cap is half of it, and the half-open
# connections below take the rest.
(ulimit -n 48 && exec "$BIN/vigie-correlator" --allow-root --redis "$R" --rules rules \
    --timezone UTC --workers 1 --http "127.0.0.1:$port" \
    --web-root "$top/dashboards") 2>"$tmp/serve.err" &
serve_pid=$!
pids="$pids $serve_pid"
i=0
until curl -fs "$url/healthz" >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 100 ] && { cat "$tmp/serve.err"; exit 1; }
	sleep 0.1
done

# cpu_ticks PID: user + system clock ticks so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# timed CMD...: prints the seconds CMD took, with 2 decimals.
timed() {
	_s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; _e=$(date +%s%N)
	awk -v d=$((_e - _s)) 'BEGIN { printf "%.2f\n", d / 1e9 }'
}
# rawhttp: sends stdin to the server as it is, prints what comes back
# (until the server closes, 3 s at most).
rawhttp() {
	/usr/bin/perl -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
		    PeerPort => $ARGV[0]) or die "connect: $!\n";
		local $/;
		my $req = <STDIN>;
		$s->syswrite($req);
		$s->shutdown(1);
		$SIG{ALRM} = sub { exit 0 };
		alarm 3;
		while (sysread($s, my $b, 65536)) { print $b }
	' "$port"
}
# under LIMIT SECONDS: 1 when SECONDS < LIMIT
under() { awk -v l="$1" -v s="$2" 'BEGIN { exit !(s < l) }'; }

echo "# 120 half-open connections against 48 descriptors"
/usr/bin/perl -MIO::Socket::INET -e '
	my @s;
	for (1 .. 120) {
		my $c = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
		    PeerPort => $ARGV[0]) or last;
		push @s, $c;
	}
	print STDERR scalar(@s), " connected\n";
	sleep 8;
' "$port" 2>"$tmp/half.out" &
half=$!
pids="$pids $half"
sleep 1
t0=$(cpu_ticks "$serve_pid")
code=$(curl -s -o "$tmp/h.out" -w '%{http_code}' --max-time 3 "$url/healthz" || echo timeout)
check "/healthz answers while they hang on (got $code)" test "$code" = 200
sleep 2
t1=$(cpu_ticks "$serve_pid")
check "no busy loop: $((t1 - t0)) ticks in 2 s" test $((t1 - t0)) -lt 60
n=$(grep -c 'accept' "$tmp/serve.err" || true)
check "accept errors logged at most once ($n lines)" test "$n" -le 1
sz=$(wc -c <"$tmp/serve.err")
check "the log stays small ($sz bytes)" test "$sz" -lt 20000
kill "$half" 2>/dev/null || true
wait "$half" 2>/dev/null || true

echo "# a slow header: one byte a second, past the header deadline"
/usr/bin/perl -MIO::Socket::INET -MIO::Select -MTime::HiRes=time -e '
	$SIG{PIPE} = "IGNORE";
	my @s;
	for (1 .. 20) {
		push @s, IO::Socket::INET->new(PeerAddr => "127.0.0.1",
		    PeerPort => $ARGV[0]) or die "connect: $!\n";
	}
	$_->syswrite("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-") for @s;
	my $t0 = time;
	while (@s && time - $t0 < 25) {
		sleep 1;
		@s = grep { defined $_->syswrite("a") &&
		    !(IO::Select->new($_)->can_read(0) &&
		      !sysread($_, my $b, 1)) } @s;
	}
	printf "%d open after %.0f s\n", scalar(@s), time - $t0;
	exit(@s ? 1 : 0);
' "$port" >"$tmp/slow.out" 2>&1 && slow=0 || slow=1
check "slow headers closed by the deadline: $(cat "$tmp/slow.out")" test "$slow" = 0
secs=$(awk '{ print $4 }' "$tmp/slow.out")
check "within 10 s and the 1 s sweep ($secs s)" test "${secs:-99}" -le 13

echo "# requests the server refuses, with its security headers"
printf 'GET /healthz HTTP/1.0\r\n\r\n' | rawhttp >"$tmp/nohost.out" || true
check "no Host: 400" grep -q '^HTTP/1.[01] 400' "$tmp/nohost.out"
check "with nosniff" grep -qi '^X-Content-Type-Options: nosniff' "$tmp/nohost.out"
check "with the CSP" grep -qi "^Content-Security-Policy: default-src 'none'" "$tmp/nohost.out"
check "with frame denial" grep -qi '^X-Frame-Options: DENY' "$tmp/nohost.out"
{ printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n'
  for i in $(seq 1 80); do printf 'X-%d: a\r\n' "$i"; done
  printf 'Connection: close\r\n\r\n'; } | rawhttp >"$tmp/many.out" || true
check "80 header lines: 431" grep -q '^HTTP/1.[01] 431' "$tmp/many.out"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/api/v1/report?day=$(head -c 3000 /dev/zero | tr '\0' a)")
check "a 3000-byte target: 4xx ($code)" test "$code" -ge 400 -a "$code" -lt 500
printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: %s\r\n\r\n' \
    "$(head -c 9000 /dev/zero | tr '\0' a)" | rawhttp >"$tmp/big.out" || true
check "a 9000-byte header: 4xx" grep -q '^HTTP/1.[01] 4[0-9][0-9]' "$tmp/big.out"
check "evhttp's own refusal carries nosniff" grep -qi '^X-Content-Type-Options: nosniff' "$tmp/big.out"
check "and the CSP" grep -qi "^Content-Security-Policy: default-src 'none'" "$tmp/big.out"
printf 'GARBAGE\r\n\r\n' | rawhttp >"$tmp/garbage.out" || true
check "a garbled request line: 400 with frame denial" sh -c \
    "grep -q '^HTTP/1.[01] 400' '$tmp/garbage.out' && grep -qi '^X-Frame-Options: DENY' '$tmp/garbage.out'"
printf 'POST /api/v1/incidents/1/ack HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 999999999\r\n\r\n' |
    rawhttp >"$tmp/body.out" || true
check "a body past the limit: 413 with nosniff" sh -c \
    "grep -q '^HTTP/1.[01] 413' '$tmp/body.out' && grep -qi '^X-Content-Type-Options: nosniff' '$tmp/body.out'"
check "still serving" curl -fs "$url/healthz"

echo "# Redis slow (DEBUG SLEEP 0.1, 150 times): 90 days need 90 reads"
# One client, one command after the other: between two sleeps the
# server gets about one round trip.
yes 'DEBUG SLEEP 0.1' | head -n 150 | redis-cli -s "$sock" >/dev/null &
slow_pid=$!
pids="$pids $slow_pid"
# Under load the sleeps may start late: wait until Redis is seen asleep
# (a PING takes over 50 ms), 10 s at most.
i=0
until ! under 0.05 "$(timed redis-cli -s "$sock" ping)"; do
	i=$((i + 1)); [ $i -gt 100 ] && break
	sleep 0.1
done
s=$(timed curl -s -o "$tmp/slowr.out" --max-time 20 "$url/api/v1/days?n=90")
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 "$url/api/v1/days?n=90")
check "a request's reads end at its deadline: $s s" under 2 "$s"
check "with 503 ($code)" test "$code" = 503
kill "$slow_pid" 2>/dev/null || true
wait "$slow_pid" 2>/dev/null || true
i=0
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/api/v1/days?n=90")" = 200 ]; do
	i=$((i + 1)); [ $i -gt 50 ] && break
	sleep 0.1
done
check "and 200 once Redis is quick again" test $i -le 50

echo "# Redis stopped (SIGSTOP)"
kill -STOP "$redis_pid"
worst=0
for p in /healthz /api/v1/report /api/v1/incidents /healthz /api/v1/days /api/v1/report; do
	s=$(timed curl -s -o "$tmp/stop.out" --max-time 10 "$url$p")
	under 1 "$s" || worst=$s
	code=$(curl -s -o "$tmp/stop.out" -w '%{http_code}' --max-time 10 "$url$p")
	check "$p: 503 in $s s" test "$code" = 503
done
check "each answered within 1 s" test "$worst" = 0
check "saying redis is unreachable" grep -q 'redis' "$tmp/stop.out"
kill -CONT "$redis_pid"
i=0
until curl -fs "$url/healthz" >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -gt 50 ] && break
	sleep 0.1
done
check "back to 200 once Redis runs again" curl -fs "$url/healthz"
check "the server is alive" kill -0 "$serve_pid"

echo "# 300 sensors: every one listed, by name, with its event rate"
long=$(printf 's%.0s' $(seq 64))
sensors_at() {	# sensors_at T EVENTS: each sensor's health updated at T
	awk -v t="$1" -v e="$2" -v long="$long" 'BEGIN {
		for (i = 0; i < 299; i++) {
			n = sprintf("rack%03d", i)
			print "SADD vigie:sensors " n
			print "HSET vigie:sensor:{" n "} updated " t " events " e " stored " e
		}
		print "SADD vigie:sensors " long
		print "HSET vigie:sensor:{" long "} updated " t " events " e " stored " e
	}' | rcli >/dev/null
}
sensors_at 1700000000 1000
curl -fs "$url/api/v1/sensors" >"$tmp/sensors1.json"
sleep 1.1	# past the reply cache
sensors_at 1700000060 1120
curl -fs "$url/api/v1/sensors" >"$tmp/sensors2.json"
check "300 sensors listed" test "$(jq length "$tmp/sensors2.json")" = 300
check "by name" jq -e '[.[].sensor] == ([.[].sensor] | sort)' "$tmp/sensors2.json"
check "no rate from one sample" jq -e 'all(.[]; .events_per_minute == null)' "$tmp/sensors1.json"
check "each one's rate from two: 120 a minute" jq -e \
    'all(.[]; .events_per_minute == 120)' "$tmp/sensors2.json"
check "a 64-letter name too" jq -e --arg n "$long" \
    'map(select(.sensor == $n))[0].events_per_minute == 120' "$tmp/sensors2.json"
check "the metrics count every sensor" test "$(curl -fs "$url/metrics" |
    grep -c '^vigie_events_received_total{sensor=')" = 300
check "and the server is still alive" kill -0 "$serve_pid"

done_tests
