#!/bin/sh
# tests/integration/privs.sh - a collector started as root opens a syslog
# socket on a port below 1024, then becomes --user for good: it runs with
# that user's ids, still receives on the privileged port, reads the logs
# that user may read and refuses, counted and named, one only root may
# read. Root and unknown users are refused.
set -eu

NAME=privs . "$(dirname "$0")/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "# SKIP privs.sh: needs root (it tests dropping root's privileges)"
	done_tests
	exit 0
fi
id nobody >/dev/null 2>&1 || { echo "# SKIP privs.sh: no user nobody"; done_tests; exit 0; }

# nobody must reach the socket and its own state directory.
chmod 755 "$tmp"
start_redis --unixsocketperm 777
mkdir -p "$tmp/state"
chown nobody "$tmp/state"
printf 'Nov 22 10:00:01 web1 sshd[10]: Failed password for root from 61.177.172.5 port 40001 ssh2\n' >"$tmp/open.log"
chmod 644 "$tmp/open.log"
printf 'Nov 22 10:00:02 web1 sshd[11]: Failed password for root from 61.177.172.6 port 40002 ssh2\n' >"$tmp/secret.log"
chmod 600 "$tmp/secret.log"

# A free port below 1024 on loopback.
port=$(/usr/bin/perl -MIO::Socket::INET -e 'for my $p (700..1000) {
    my $s = IO::Socket::INET->new(Proto => "udp", LocalAddr => "127.0.0.1",
    LocalPort => $p) or next; print $p; last }')
[ -n "$port" ] || { echo "no free port below 1024"; exit 1; }

"$BIN/vigie-collector" --redis "$R" --sensor priv --state-dir "$tmp/state" \
    --log "$tmp/open.log:sshd" --log "$tmp/secret.log:sshd" \
    --syslog "udp:127.0.0.1:$port" --user nobody 2>"$tmp/collector.err" &
cpid=$!
pids="$pids $cpid"
i=0
until grep -q "running as nobody" "$tmp/collector.err"; do
	i=$((i + 1))
	if [ $i -gt 100 ] || ! kill -0 "$cpid" 2>/dev/null; then
		cat "$tmp/collector.err"; exit 1
	fi
	sleep 0.05
done
uid=$(id -u nobody)
check "it runs as nobody, real, effective, saved and file uids" \
    sh -c "awk '/^Uid:/ { print \$2, \$3, \$4, \$5 }' /proc/$cpid/status | grep -qx '$uid $uid $uid $uid'"
check "and with nobody's group" sh -c "awk '/^Gid:/ { print \$2 }' /proc/$cpid/status | grep -qx '$(id -g nobody)'"
check "it still listens on the port below 1024" sh -c "ss -lunp | grep -q '127.0.0.1:$port .*pid=$cpid'"
logger --udp --server 127.0.0.1 --port "$port" --rfc3164 -t sshd -i \
    "Failed password for admin from 203.0.113.77 port 5000 ssh2"
# wait_events N: until the stream holds N events (10 s at most).
wait_events() {
	i=0
	until [ "$("$BIN/vigie" --redis "$R" events --sensor priv --count 0 --format json 2>/dev/null | wc -l)" -ge "$1" ]; do
		i=$((i + 1)); [ $i -gt 200 ] && return 1
		sleep 0.05
	done
}
check "the readable log and the datagram reach Redis" wait_events 2
"$BIN/vigie" --redis "$R" events --sensor priv --count 0 --format json >"$tmp/events.json"
check "the open log's line" grep -q '"src_ip":"61.177.172.5"' "$tmp/events.json"
check "the datagram" grep -q '"src_ip":"203.0.113.77"' "$tmp/events.json"
check "never the root-only log's" sh -c "! grep -q '61.177.172.6' '$tmp/events.json'"
check "which is refused by name" grep -q "$tmp/secret.log" "$tmp/collector.err"
check "the spool belongs to nobody" sh -c "test \"\$(stat -c %U '$tmp/state/spool-priv')\" = nobody"
kill "$cpid"
rc=0; wait "$cpid" || rc=$?
check "SIGTERM: exit 0" test "$rc" = 0

echo "# the correlator and root"
check "as root without --allow-root: refused, exit 2" sh -c "'$BIN/vigie-correlator' --redis '$R' --rules rules --no-http --drain 2>'$tmp/corr.err'; test \$? = 2"
check "it says why and what to do" grep -q "refusing to run as root.*--allow-root" "$tmp/corr.err"
check "-n still checks as root" "$BIN/vigie-correlator" -n --redis "$R" --rules rules --no-http
check "--allow-root: it runs" "$BIN/vigie-correlator" --allow-root --redis "$R" --rules rules --no-http --drain

echo "# refused users"
check "--user root: exit 1" sh -c "'$BIN/vigie-collector' --redis '$R' --sensor p2 --state-dir '$tmp/s2' --log '$tmp/open.log:sshd' --once --user root 2>'$tmp/root.err'; test \$? = 1"
check "it says why" grep -q "is root" "$tmp/root.err"
check "--user nosuch: exit 1" sh -c "'$BIN/vigie-collector' --redis '$R' --sensor p3 --state-dir '$tmp/s3' --log '$tmp/open.log:sshd' --once --user nosuch-vigie-user 2>'$tmp/nosuch.err'; test \$? = 1"
check "it names the user" grep -q "nosuch-vigie-user" "$tmp/nosuch.err"

done_tests
