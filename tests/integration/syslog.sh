#!/bin/sh
# tests/integration/syslog.sh - the syslog receiver on loopback with a
# real redis-server: util-linux logger over UDP and TCP (RFC 3164, RFC
# 5424, octet counting, LF), IPv4 and IPv6; a real rsyslogd forwarding
# to it; forged headers, oversized messages, bad framing; a peer outside
# syslog-allow refused and counted.
set -eu

NAME=sys . "$(dirname "$0")/lib.sh"
start_redis

send="$B/tools/syslogsend"
# Ports from the test's pid: four in a row for the collector, one for rsyslogd.
base=$((20000 + ($$ * 7) % 40000))
U=$base; T=$((base + 1)); RP=$((base + 2)); X=$((base + 3))

events() { "$BIN/vigie" --redis "$R" events --sensor "$1" --count 0 --format json; }
# wait_n SENSOR N: until the stream holds N events (10 s at most).
wait_n() {
	i=0
	while [ "$(events "$1" 2>/dev/null | wc -l)" -lt "$2" ]; do
		i=$((i + 1)); [ $i -gt 100 ] && return 1
		sleep 0.1
	done
}
# field SENSOR MARKER FIELD: FIELD of the event whose line holds MARKER.
field() {
	events "$1" | jq -r --arg m "$2" --arg f "$3" 'select(.line | tostring | contains($m)) | .[$f] // ""' | head -1
}
# is SENSOR MARKER FIELD VALUE
is() {
	v=$(field "$1" "$2" "$3")
	[ "$v" = "$4" ] || { echo "$3 of the event \"$2\": \"$v\", expected \"$4\""
		events "$1" | grep -F -- "$2" | head -2; return 1; }
}

"$BIN/vigie-collector" --redis "$R" --sensor rx --state-dir "$tmp/state-rx" \
    --syslog "udp:127.0.0.1:$U" --syslog "tcp:127.0.0.1:$T" \
    --syslog "udp:[::1]:$U" --syslog "tcp:[::1]:$T" \
    --syslog-allow '127.0.0.0/8, ::1' 2>"$tmp/rx.log" &
rx=$!
pids="$pids $rx"
i=0
until grep -q 'lease' "$tmp/rx.log" 2>/dev/null || [ $i -gt 20 ]; do i=$((i + 1)); sleep 0.1; done
sleep 0.5

echo "# util-linux logger, every transport and format"
logger --rfc3164 -d -n 127.0.0.1 -P "$U" -t sshd -p auth.info \
    "Invalid user m1alice from 203.0.113.5 port 4242"
logger --rfc5424 -d -n ::1 -P "$U" -t sshd -p authpriv.notice --msgid ID47 \
    "Invalid user m2bob from 203.0.113.6 port 4243"
logger --rfc5424 -T --octet-count -n 127.0.0.1 -P "$T" -t sshd -p auth.warning \
    "Failed password for m3root from 203.0.113.7 port 22 ssh2"
logger --rfc5424 -T -n ::1 -P "$T" -t sshd -p auth.err --sd-id 'origin@32473' --sd-param 'x="a b"' \
    "Invalid user m4carol from 2001:db8::7 port 4244"
logger --rfc3164 -T -n 127.0.0.1 -P "$T" -t cron -p cron.info "m5 (root) CMD (run-parts /etc/cron.hourly)"
logger --rfc3164 -d -n ::1 -P "$U" -t sshd -p local3.debug "Invalid user m6dave from 198.51.100.9 port 1"
check "six messages stored" wait_n rx 6
check "3164/UDP/IPv4: user" is rx m1alice user m1alice
check "3164/UDP/IPv4: src_ip" is rx m1alice src_ip 203.0.113.5
check "3164/UDP/IPv4: relay_ip the peer" is rx m1alice relay_ip 127.0.0.1
check "3164/UDP/IPv4: facility" is rx m1alice facility auth
check "3164/UDP/IPv4: severity" is rx m1alice severity info
check "3164/UDP/IPv4: program" is rx m1alice program sshd
check "3164/UDP/IPv4: host as the message says" is rx m1alice host "$(hostname)"
check "5424/UDP/IPv6: user" is rx m2bob user m2bob
check "5424/UDP/IPv6: relay_ip ::1" is rx m2bob relay_ip ::1
check "5424/UDP/IPv6: msgid" is rx m2bob msgid ID47
check "5424/UDP/IPv6: facility authpriv, severity notice" sh -c \
    "test \"\$('$BIN/vigie' --redis '$R' events --sensor rx --count 0 --format json | jq -r 'select(.line | contains(\"m2bob\")) | .facility + \"/\" + .severity')\" = authpriv/notice"
check "5424/TCP octet counting: user" is rx m3root user m3root
check "5424/TCP octet counting: action" sh -c "test -n \"\$('$BIN/vigie' --redis '$R' events --sensor rx --count 0 --format json | jq -r 'select(.line | contains(\"m3root\")) | .action // empty')\""
check "5424/TCP octet counting: severity warning" is rx m3root severity warning
check "5424/TCP LF, IPv6, structured data skipped: user" is rx m4carol user m4carol
check "5424/TCP LF, IPv6: src_ip" is rx m4carol src_ip 2001:db8::7
check "5424/TCP LF, IPv6: the message after the structured data" sh -c \
    "'$BIN/vigie' --redis '$R' events --sensor rx --count 0 --format json | jq -r 'select(.line | contains(\"m4carol\")) | .line' | grep -qx 'Invalid user m4carol from 2001:db8::7 port 4244'"
check "3164/TCP LF: cron" is rx m5 program cron
check "3164/UDP/IPv6: local3/debug" is rx m6dave facility local3

echo "# hostile input"
printf '%s\n' '<38>Nov 22 10:00:00 trustedhost sshd[1]: Invalid user h1forged from 203.0.113.66 port 1' |
    "$send" udp 127.0.0.1 "$U"
check "a forged header: host is the claim" wait_n rx 7
check "a forged header: host is what it claims" is rx h1forged host trustedhost
check "a forged header: relay_ip is the real peer" is rx h1forged relay_ip 127.0.0.1
printf '%s\n' '<13>1 2026-11-22T10:00:00Z h app - - [a@1 x="q \] \" ]"][b@2] h8escaped sd'  '<999>bad pri h2badpri' '<13>1 - - - - - - h3nil' 'h4nopri plain words' '<13>1 2026-11-22T10:00:00Z host app 12 ID [unterminated h5sd' |
    "$send" tcp 127.0.0.1 "$T"
check "malformed headers are kept as plain events" wait_n rx 12
check "escapes inside structured data" is rx h8escaped line 'h8escaped sd'
check "a nil 5424 header: host is the relay" is rx h3nil host 127.0.0.1
check "a PRI out of range is no PRI" is rx h2badpri facility ""
{ printf '<13>Nov 22 10:00:00 h sshd: h6big '; head -c 20000 /dev/zero | tr '\0' B; echo; } >"$tmp/big"
"$send" tcp 127.0.0.1 "$T" <"$tmp/big"
"$send" -o tcp 127.0.0.1 "$T" <"$tmp/big"
"$send" udp 127.0.0.1 "$U" <"$tmp/big"
printf '%s\n' '<13>Nov 22 10:00:00 h sshd: h7after the big ones' | "$send" -o tcp 127.0.0.1 "$T"
check "oversized messages: one event each, and the next message intact" wait_n rx 16
check "oversized messages cut at 8 KiB" sh -c "'$BIN/vigie' --redis '$R' events --sensor rx --count 0 --format json |
    jq -r 'select(.line | contains(\"h6big\")) | .line | length' | awk '\$1 > 8192 { bad = 1 } END { exit bad || NR != 3 }'"
check "the message after them intact" is rx h7after line 'h7after the big ones'
printf '99999999999 x\n' | "$send" tcp 127.0.0.1 "$T"
printf '12 short\n' | "$send" -o tcp 127.0.0.1 "$T" 2>/dev/null || true
sleep 0.5
check "the receiver still runs" kill -0 "$rx"

echo "# a real rsyslogd forwarding to the receiver over TCP"
mkdir -p "$tmp/rsyslog"
cat >"$tmp/rsyslog.conf" <<EOC
global(workDirectory="$tmp/rsyslog")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="$RP")
*.* action(type="omfwd" target="127.0.0.1" port="$T" protocol="tcp"
    TCP_Framing="octet-counted" template="RSYSLOG_SyslogProtocol23Format")
EOC
rsyslogd -n -f "$tmp/rsyslog.conf" -i "$tmp/rsyslog.pid" 2>"$tmp/rsyslogd.err" &
rs=$!
pids="$pids $rs"
sleep 1
logger --rfc3164 -d -n 127.0.0.1 -P "$RP" -t sshd -p auth.info \
    "Invalid user r1frank from 203.0.113.80 port 5555"
logger --rfc3164 -d -n 127.0.0.1 -P "$RP" -t sshd -p auth.info \
    "Accepted password for r2grace from 203.0.113.81 port 5556 ssh2"
check "rsyslogd's messages arrive" wait_n rx 18
check "rsyslogd: user" is rx r1frank user r1frank
check "rsyslogd: src_ip" is rx r1frank src_ip 203.0.113.80
check "rsyslogd: program" is rx r2grace program sshd
check "rsyslogd: relay_ip is rsyslogd's address" is rx r2grace relay_ip 127.0.0.1
check "rsyslogd: facility kept" is rx r2grace facility auth
kill "$rs"; wait "$rs" 2>/dev/null || true
kill "$rx"; wait "$rx" 2>/dev/null || true
check "the receiver's summary at exit" grep -q 'syslog: .* messages, 0 refused, 3 cut' "$tmp/rx.log"
check "cut messages counted in the health hash" sh -c "test \$(redis-cli -s '$sock' HGET vigie:sensor:{rx} syslog_cut) = 3"
check "a bad octet count closes the connection, counted" sh -c "test \$(redis-cli -s '$sock' HGET vigie:sensor:{rx} syslog_bad_frames) -ge 1"
check "per-source counters" sh -c "redis-cli -s '$sock' HGET vigie:sensor:{rx} syslog:127.0.0.1 | grep -q '^[0-9]* 0 3$' &&
    redis-cli -s '$sock' HGET vigie:sensor:{rx} syslog:::1 | grep -q '^3 0 0$'"

echo "# a peer outside syslog-allow"
"$BIN/vigie-collector" --redis "$R" --sensor deny --state-dir "$tmp/state-deny" \
    --syslog "udp:127.0.0.1:$X" --syslog "tcp:127.0.0.1:$X" \
    --syslog-allow 10.0.0.0/8 2>"$tmp/deny.log" &
dn=$!
pids="$pids $dn"
sleep 1
logger --rfc3164 -d -n 127.0.0.1 -P "$X" -t sshd "Invalid user d1 from 203.0.113.90 port 1"
logger --rfc3164 -T -n 127.0.0.1 -P "$X" -t sshd "Invalid user d2 from 203.0.113.91 port 1" 2>/dev/null || true
sleep 0.5
kill "$dn"; wait "$dn" 2>/dev/null || true
check "nothing stored from it" test "$(events deny | wc -l)" = 0
check "refused and counted" sh -c "test \$(redis-cli -s '$sock' HGET vigie:sensor:{deny} syslog_refused) = 2"
check "per source" sh -c "redis-cli -s '$sock' HGET vigie:sensor:{deny} syslog:127.0.0.1 | grep -q '^0 2 0$'"
check "and said once" test "$(grep -c 'outside syslog-allow' "$tmp/deny.log")" = 1

echo "# the spool full while Redis is away: TCP waits, datagrams are dropped and counted"
BP=$((base + 4))
sock2="$tmp/r2.sock"
printf '[collector]\nspool-max-bytes = 1M\n' >"$tmp/bp.conf"
"$BIN/vigie-collector" -c "$tmp/bp.conf" --redis "unix:$sock2" --sensor bp \
    --state-dir "$tmp/state-bp" --syslog "tcp:127.0.0.1:$BP" --syslog "udp:127.0.0.1:$BP" \
    2>"$tmp/bp.log" &
bp=$!
pids="$pids $bp"
sleep 2.5
"$send" -o -n 200000 tcp 127.0.0.1 "$BP" 2>/dev/null &
sp=$!
pids="$pids $sp"
i=0
until grep -q 'reading paused' "$tmp/bp.log" || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.1; done
check "the spool fills: reading paused" grep -q 'reading paused' "$tmp/bp.log"
sleep 1
check "the TCP sender waits" kill -0 "$sp"
"$send" -s 1000001 -n 500 udp 127.0.0.1 "$BP" 2>/dev/null
redis-server --port 0 --unixsocket "$sock2" --dir "$tmp" --dbfilename r2.rdb --save '' \
    --daemonize no --logfile "$tmp/r2.log" &
r2=$!
pids="$pids $r2"
i=0
while kill -0 "$sp" 2>/dev/null && [ $i -lt 600 ]; do i=$((i + 1)); sleep 0.1; done
check "Redis back: the sender finishes" sh -c "! kill -0 $sp"
# The health hash says when all is stored (every 5 s).
i=0
while [ "$(redis-cli -s "$sock2" HGET vigie:sensor:{bp} stored 2>/dev/null)" != 200000 ] && [ $i -lt 300 ]; do
	i=$((i + 1)); sleep 0.2; done
"$BIN/vigie" --redis "unix:$sock2" events --sensor bp --count 0 --format json |
    jq -r .line | sed -n 's/^Invalid user u\([0-9]*\) .*/\1/p' | sort -n >"$tmp/bp.got"
check "every TCP message stored, once" sh -c "awk '\$1 <= 200000' '$tmp/bp.got' | uniq | wc -l | grep -qx 200000 && test \$(awk '\$1 <= 200000' '$tmp/bp.got' | wc -l) = 200000"
kill "$bp"; wait "$bp" 2>/dev/null || true
dropped=$(sed -n 's/.* \([0-9]*\) dropped (spool full).*/\1/p' "$tmp/bp.log")
udp=$(awk '$1 > 1000000' "$tmp/bp.got" | wc -l)
check "datagrams dropped while full, counted ($dropped dropped, $udp stored of 500)" \
    sh -c "test '$dropped' -gt 0 && test \$(( $dropped + $udp )) = 500"
kill "$r2"; wait "$r2" 2>/dev/null || true

echo "# what was read is in the spool before the receiver waits: SIGKILL as soon as a connection is read to its end"
KP=$((base + 5))
kr_start() {
	"$BIN/vigie-collector" --redis "$R" --sensor kr --state-dir "$tmp/state-kr" \
	    --syslog "tcp:127.0.0.1:$KP" 2>>"$tmp/kr.log" &
	kr=$!
	pids="$pids $kr"
	i=0
	until ss -Hltn "sport = :$KP" | grep -q . || [ $i -gt 100 ]; do i=$((i + 1)); sleep 0.05; done
}
kr_start
for k in 1 2 3 4 5; do
	"$send" -o -n 300 -s $((k * 1000)) tcp 127.0.0.1 "$KP" 2>/dev/null
	# Read to its end: the receiver closed its side (Recv-Q empty).
	i=0
	while ss -Htn "sport = :$KP" | grep -q . && [ $i -lt 500 ]; do i=$((i + 1)); sleep 0.01; done
	kill -9 "$kr"; wait "$kr" 2>/dev/null || true
	kr_start
done
wait_n kr 1500 || true
events kr | jq -r .line | sed -n 's/^Invalid user u\([0-9]*\) .*/\1/p' | sort -n >"$tmp/kr.got"
check "every message read before each SIGKILL stored, once ($(wc -l <"$tmp/kr.got") of 1500)" sh -c \
    "test \$(wc -l <'$tmp/kr.got') = 1500 && test \$(uniq '$tmp/kr.got' | wc -l) = 1500"
kill "$kr"; wait "$kr" 2>/dev/null || true

echo "# bad listeners are refused at start"
rc=$(status "$tmp/bad.err" "$BIN/vigie-collector" --redis "$R" --sensor bad \
    --state-dir "$tmp/state-bad" --syslog "udp:127.0.0.1")
check "udp:HOST without a port: exit 2 ($rc)" test "$rc" = 2
check "naming the expected form" grep -q 'expected udp:HOST:PORT' "$tmp/bad.err"


done_tests
