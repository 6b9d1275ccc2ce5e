# tests/hostile/http.sh - (4) of run.sh, sourced: requests to the web
# server of (1) ($url, $port) that lie or stall: huge headers, bad
# escapes, traversal, NUL and CR in the target, slow headers. Each is a
# 4xx or a closed connection, and the server keeps serving the others.

echo "# (4) HTTP"
# rawhttp PERL-EXPR: sends the bytes, prints the status line's code (or
# "closed" when nothing comes back within 3 s).
rawhttp() {
	/usr/bin/perl -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
		    PeerPort => $ARGV[0]) or die "connect: $!\n";
		my $req = eval $ARGV[1]; die $@ if $@;
		$s->syswrite($req);
		$SIG{ALRM} = sub { print "closed\n"; exit 0 };
		alarm 3;
		my $r = "";
		while (sysread($s, my $b, 65536)) { $r .= $b; last if $r =~ /\r\n/ }
		if ($r =~ m{^HTTP/1\.[01] (\d{3})}) { print "$1\n" } else { print "closed\n" }
	' "$port" "$1"
}
# refused NAME PERL-EXPR WANT: the reply is WANT (a code, 4xx: any 4xx,
# or 4xx|closed).
refused() {
	got=$(rawhttp "$2")
	case "$3:$got" in
	"$got:$got"|4xx:4??|"4xx|closed:4"??|"4xx|closed:closed") ok "$1 ($got)" ;;
	*) not_ok "$1: $got, expected $3" ;;
	esac
}
H='Host: 127.0.0.1\r\nConnection: close\r\n\r\n'
get() { printf '"GET %s HTTP/1.1\\r\\n%s"' "$1" "$H"; }
refused "a 10 KiB header line" '"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " . ("a" x 10240) . "\r\n\r\n"' '4xx|closed'
refused "70 header lines: 431" '"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" . join("", map { "X-$_: y\r\n" } 1 .. 70) . "\r\n"' 431
refused "two Host headers: 400" '"GET /api/v1/report HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n"' 400
refused "no Host: 400" '"GET /api/v1/report HTTP/1.1\r\nConnection: close\r\n\r\n"' 400
refused "a 4 KiB target: 400" "\"GET /\" . (\"a\" x 4096) . \" HTTP/1.1\\r\\n$H\"" '4xx|closed'
refused "%zz: 400" "$(get /api/v1/report%zz)" 400
refused "a cut escape %4: 400" "$(get '/api/v1/report?day=%4')" 400
refused "%00 in the path: 400" "$(get /api/v1/report%00)" 400
refused "%00 in the query: 400" "$(get '/api/v1/report?day=2026-11-23%00')" 400
refused "%0d%0a in the query: 400" "$(get '/api/v1/incidents?text=a%0d%0aSet-Cookie:x')" 400
refused "%1b in the query: 400" "$(get '/api/v1/incidents?text=%1b[31m')" 400
refused "a raw NUL in the target: 400" '"GET /a\0b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"' '4xx|closed'
refused "a raw CR in the target" '"GET /a\rb HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"' '4xx|closed'
refused "a raw ESC in the target: 400" '"GET /a\e[31m HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"' 400
refused "a byte past ASCII in the target: 400" '"GET /\xff HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"' 400
refused "/../../etc/passwd: 404" "$(get /../../etc/passwd)" 404
refused "/%2e%2e/%2e%2e/etc/passwd: 404" "$(get /%2e%2e/%2e%2e/etc/passwd)" 404
refused "/app.js/../../../etc/passwd: 404" "$(get /app.js/../../../etc/passwd)" 404
refused "overlong UTF-8 dots: 404" "$(get /%c0%ae%c0%ae/etc/passwd)" 404
refused "backslashes: 404" "$(get '/..%5c..%5cetc%5cpasswd')" 404
refused "an encoded slash: 400" "$(get /api/v1/source/..%2f..%2fetc%2fpasswd)" 400
refused "an encoded slash making a change: 400" \
    '"POST /api/v1/incidents/1%2fack HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"by\":\"x\"}"' 400
refused "a dot segment as an incident id: 4xx" "$(get /api/v1/incidents/..)" 4xx
refused "a dot segment as a change's id: 4xx" \
    '"POST /api/v1/incidents/../ack HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"' 4xx
refused "absolute-form target: 400" "$(get http://evil.example/etc/passwd)" '4xx|closed'
refused "asterisk-form target" "$(get '*')" '4xx|closed'
refused "a rebinding Host: 403" '"GET /api/v1/report HTTP/1.1\r\nHost: evil.example\r\n\r\n"' 403
refused "a change with no token configured: 403" \
    '"POST /api/v1/incidents/1/ack HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"by\":\"x\"}"' 403
refused "a body of 10 GB announced" \
    '"POST /api/v1/incidents/1/ack HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000000\r\n\r\n"' '4xx|closed'
refused "a bad chunked body" \
    '"POST /api/v1/incidents/1/ack HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"' '4xx|closed'
# RFC 9110: a method the server does not know is 501 (evhttp's own).
refused "an unknown method: 501" '"BREW /api/v1/report HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"' 501
refused "a known method not served: 405" '"DELETE /api/v1/incidents/1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"' 405
refused "a bad escape in a static path: 400" "$(get /app.js%)" 400

echo "# (4) slow headers: 20 connections one byte at a time"
/usr/bin/perl -MIO::Socket::INET -MIO::Select -MTime::HiRes=time,sleep -e '
	my $t0 = time;
	my @s = map { IO::Socket::INET->new(PeerAddr => "127.0.0.1",
	    PeerPort => $ARGV[0]) or die "connect: $!\n" } 1 .. 20;
	my $req = "GET /api/v1/report HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " . ("a" x 100);
	my %closed;
	for my $i (0 .. length($req) - 1) {
		for my $k (0 .. $#s) {
			next if $closed{$k};
			if (!defined $s[$k]->syswrite(substr($req, $i, 1))) {
				$closed{$k} = time - $t0;
			}
		}
		my $sel = IO::Select->new(grep { !$closed{$_} } 0 .. $#s);
		for my $k (0 .. $#s) {
			next if $closed{$k};
			my $r = IO::Select->new($s[$k]);
			if ($r->can_read(0)) {
				my $n = sysread($s[$k], my $b, 4096);
				$closed{$k} = time - $t0 if !$n || $b =~ /^HTTP/;
			}
		}
		last if keys(%closed) == @s || time - $t0 > 16;
		sleep 0.15;
	}
	printf "%d closed, the last after %.1f s\n", scalar(keys %closed),
	    (sort { $b <=> $a } values %closed)[0] // -1;
' "$port" >"$tmp/slow.out" 2>&1 &
slow=$!
pids="$pids $slow"
sleep 1
t0=$(date +%s%N)
ok_n=0
for n in 1 2 3 4 5; do
	c=$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$url/api/v1/incidents") || c=000
	[ "$c" = 200 ] && ok_n=$((ok_n + 1))
done
t1=$(date +%s%N)
check "the others are served meanwhile ($ok_n of 5)" test "$ok_n" = 5
check "and quickly ($(( (t1 - t0) / 1000000 )) ms for 5)" test $(( (t1 - t0) / 1000000 )) -lt 3000
wait "$slow" || true
check "the slow ones closed by the header deadline ($(cat "$tmp/slow.out"))" \
    grep -q '^20 closed, the last after \(1[0-5]\|[0-9]\)\.' "$tmp/slow.out"
code=$(curl -s -o /dev/null -w '%{http_code}' "$url/healthz")
check "the server still serves: /healthz $code" test "$code" = 200
curl -s "$url/metrics" >"$tmp/metrics"
check "4xx replies counted in /metrics" grep -q 'vigie_http_requests_total{code="400"} [1-9]' "$tmp/metrics"
check "header deadlines counted in /metrics" grep -q '^vigie_http_header_timeouts_total [1-9]' "$tmp/metrics"
