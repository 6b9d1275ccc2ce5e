# tests/hostile/syslog.sh - (2) of run.sh, sourced: syslog datagrams and
# TCP streams that lie (octet counts, headers), hold NUL, LF and escapes,
# or are too big. The right fields, or a counted rejection.

echo "# (2) syslog over UDP and TCP"
sp=$(free_port)
"$BIN/vigie-collector" --redis "$R" --sensor rx --state-dir "$tmp/state-rx" \
    --syslog "udp:127.0.0.1:$sp" --syslog "tcp:127.0.0.1:$sp" \
    --syslog-allow 127.0.0.0/8 2>"$tmp/rx.log" &
rx=$!
pids="$pids $rx"
i=0
until grep -q 'lease' "$tmp/rx.log" 2>/dev/null || [ $i -gt 50 ]; do i=$((i + 1)); sleep 0.1; done
sleep 0.3
# send udp|tcp PERL-EXPR...: each expression's bytes as one datagram, or
# written in turn on one TCP connection then closed.
send() {
	/usr/bin/perl -MIO::Socket::INET -e '
		my ($proto, $port, @m) = @ARGV;
		my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1",
		    PeerPort => $port, Proto => $proto) or die "$proto: $!\n";
		for my $e (@m) {
			my $b = eval $e; die $@ if $@;
			$s->send($b) // die "send: $!\n";
			select(undef, undef, undef, 0.01);
		}
		if ($proto eq "tcp") {
			$s->shutdown(1);
			$s->blocking(0);
			select(undef, undef, undef, 0.2);
		}
	' "$@"
}
wait_rx() {
	i=0
	while [ "$(events rx 2>/dev/null | wc -l)" -lt "$1" ]; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1; sleep 0.1; done
}
send udp "$sp" \
    '"<38>Nov 22 10:00:00 trustedhost sshd[1]: Invalid user s01 from 203.0.113.1 port 1"' \
    '"<38>Nov 22 10:00:00 h sshd[2]: Invalid user s02\0evil from 203.0.113.2 port 1"' \
    '"<38>Nov 22 10:00:00 h sshd[3]: Invalid user s03 from 203.0.113.3 port 1\n<38>Nov 22 10:00:00 db9 sshd[4]: Accepted password for root from 6.6.6.3 port 1 ssh2"' \
    '"<38>Nov 22 10:00:00 h sshd[5]: Invalid user s04" . ("B" x 60000) . " from 6.6.6.4 port 1"' \
    '"<38>Nov 22 10:00:00 h\e[31m sshd[6]: Invalid user s05\e]0;t\a from 203.0.113.5 port 1"' \
    '"<38>1 2026-11-22T10:00:00Z \e[2Jhost sshd 7 - - Invalid user s06\r\e[1A from 203.0.113.6 port 1"' \
    '"\xff\xfe<38>Nov 22 10:00:00 h sshd[8]: Invalid user s07 from 203.0.113.7 port 1"'
check "seven datagrams, seven events" wait_rx 7
check "a forged header: host is the claim, relay_ip the peer" is rx s01 \
    '.host == "trustedhost" and .relay_ip == "127.0.0.1" and .src_ip == "203.0.113.1"'
check "a NUL in a datagram: the address stands" is rx s02 '.src_ip == "203.0.113.2"'
check "a LF inside a datagram: one message, the second header not read" is rx s03 \
    '.host == "h" and .pid == 3 and (.line | contains("\n<38>"))'
check "no event from the header after the LF" test "$(events rx | jq -c 'select(.src_ip == "6.6.6.3" or .host == "db9")' | wc -l)" = 0
check "a 60 KB datagram: cut, no address from past the cut" is rx s04 '.src_ip == null and (.line | length) <= 8192'
check "escapes in the host: no header, kept as text" is rx s05 '.host == null and .program == null and .src_ip == null'
check "escapes in a 5424 host: no header, kept as text" is rx s06 '.host == null and .program == null and .src_ip == null'
check "bytes before the PRI: no header, kept as bytes" is rx s07 '.program == null and .src_ip == null and .line_b64 != null'

send tcp "$sp" '"500 <13>Nov 22 10:00:00 h sshd[9]: Invalid user t01 from 203.0.113.9 port 1"'
send tcp "$sp" '"10 <13>Nov 22 10:00:00 h sshd[10]: Invalid user t02 from 6.6.6.10 port 1"'
send tcp "$sp" '"99999999999 <13>x t03"'
send tcp "$sp" '"-5 <13>x t04\n"'
send tcp "$sp" '"<13>Nov 22 10:00:00 h sshd[11]: Invalid user t05\0nul from 203.0.113.11 port 1\n"'
send tcp "$sp" '"<13>Nov 22 10:00:00 h sshd[12]: Invalid user t06" . ("C" x 100000) . "\n<13>Nov 22 10:00:00 h sshd[13]: Invalid user t07 from 203.0.113.13 port 1\n"'
send tcp "$sp" '"85 <13>Nov 22 10:00:00 h sshd[14]: Invalid user t08 from 203.0.113.14 port 1 ssh2 x\n"'
send tcp "$sp" '"<13>Nov 22 10:00:00 h sshd[15]: Invalid user t09 from 203.0.113.15 port 1\n"'
check "the receiver still answers: the message after them" wait_rx 1
i=0
until [ -n "$(ev rx t09)" ] || [ $i -gt 50 ]; do i=$((i + 1)); sleep 0.1; done
check "TCP after the lies: a clean message read right" is rx t09 '.src_ip == "203.0.113.15"'
check "an octet count past the end: nothing stored from it" test -z "$(ev rx t01)"
check "an octet count short of the message: no address from the rest" \
    test "$(events rx | jq -c 'select(.src_ip == "6.6.6.10")' | wc -l)" = 0
check "a NUL in a TCP message: the address stands" is rx t05 '.src_ip == "203.0.113.11"'
check "100 KB on TCP: cut, and the next message intact" is rx t07 '.src_ip == "203.0.113.13"'
check "the collector still runs" kill -0 "$rx"
sleep 5.5
check "lying counts counted as bad frames ($(health rx syslog_bad_frames))" test "$(health rx syslog_bad_frames)" -ge 3
check "oversize messages counted as cut ($(health rx syslog_cut))" test "$(health rx syslog_cut)" -ge 2
kill "$rx"; wait "$rx" 2>/dev/null || true
check "its summary at exit counts the cut ones" grep -q 'syslog: .* messages, 0 refused, [0-9]* cut' "$tmp/rx.log"
check "every stored syslog event is JSON without raw control bytes" sh -c \
    "'$BIN/vigie' --redis '$R' events --sensor rx --count 0 --format json >'$tmp/rx.json' && jq -e . '$tmp/rx.json' >/dev/null"
check "  (no raw byte)" noraw "$tmp/rx.json"
tty "$tmp/tty-rx" "$BIN/vigie" --redis "$R" events --sensor rx --count 0
check "vigie events of the receiver on a terminal: no raw control byte" noraw "$tmp/tty-rx"
