#!/bin/sh
# tests/integration/journal.sh - the systemd journal as an input: real
# journal files written by systemd-journal-remote from the export
# format, read with --journal-dir, stopped, appended and read again with
# nothing repeated; matches; the fields an entry gives.
set -eu

NAME=jr . "$(dirname "$0")/lib.sh"
start_redis

jremote=/lib/systemd/systemd-journal-remote
[ -x "$jremote" ] || jremote=/usr/lib/systemd/systemd-journal-remote
jdir="$tmp/journal"
mkdir -p "$jdir"

# entries FIRST LAST IDENT UNIT: export-format entries, one marker each.
entries() {
	awk -v a="$1" -v b="$2" -v id="$3" -v unit="$4" 'BEGIN { for (i = a; i <= b; i++) {
		printf "__REALTIME_TIMESTAMP=%.0f\n__MONOTONIC_TIMESTAMP=%.0f\n", 1795440000000000 + i * 1000000, 1000000 + i
		printf "_BOOT_ID=0123456789abcdef0123456789abcdef\n_HOSTNAME=web1\n"
		printf "SYSLOG_IDENTIFIER=%s\n_PID=%d\n_SYSTEMD_UNIT=%s\nPRIORITY=%d\nSYSLOG_FACILITY=%d\n", id, 100 + i, unit, 4 + i % 3, id == "sshd" ? 4 : 9
		if (id == "sshd")
			printf "MESSAGE=Invalid user j%d from 203.0.113.%d port %d\n\n", i, 1 + i % 250, 1024 + i
		else
			printf "MESSAGE=(root) CMD (job j%d)\n\n", i
	} }'
}
events() { "$BIN/vigie" --redis "$R" events --sensor "$1" --count 0 --format json; }
markers() { events "$1" | jq -r .line | grep -o 'j[0-9][0-9]*' | sort; }
read_journal() {
	s=$1; shift
	"$BIN/vigie-collector" --redis "$R" --sensor "$s" --state-dir "$tmp/state-$s" \
	    --journal-dir "$jdir" --once "$@" 2>>"$tmp/collector-$s.log"
}

entries 1 50 sshd ssh.service >"$tmp/a.export"
entries 51 60 CRON cron.service >>"$tmp/a.export"
"$jremote" -o "$jdir/one.journal" "$tmp/a.export" 2>"$tmp/jremote.log"
check "a journal file written by systemd-journal-remote" test -s "$jdir/one.journal"

check "collector --journal --journal-dir --once" read_journal one --journal
check "every entry stored" test "$(events one | wc -l)" = 60
events one | jq -c 'select(.line | contains("user j7 "))' >"$tmp/j7"
check "fields: program, pid, host" sh -c "jq -e '.program == \"sshd\" and .pid == 107 and .host == \"web1\"' '$tmp/j7'"
check "fields: the sshd parser's user and src_ip" sh -c "jq -e '.user == \"j7\" and .src_ip == \"203.0.113.8\" and .action != null' '$tmp/j7'"
check "fields: unit, severity, facility" sh -c "jq -e '.unit == \"ssh.service\" and .severity == \"notice\" and .facility == \"auth\"' '$tmp/j7'"
check "fields: ts is the entry's realtime timestamp" sh -c "jq -e '.ts == 1795440007000000' '$tmp/j7'"

echo "# stopped, appended, read again"
entries 61 80 sshd ssh.service >"$tmp/b.export"
"$jremote" -o "$jdir/two.journal" "$tmp/b.export" 2>>"$tmp/jremote.log"
check "the second run reads only what is new" read_journal one --journal
markers one >"$tmp/got"
awk 'BEGIN { for (i = 1; i <= 80; i++) print "j" i }' | sort >"$tmp/want"
check "80 entries, each exactly once" cmp "$tmp/want" "$tmp/got"
check "a third run with nothing new stores nothing" read_journal one --journal
check "still 80 ($(events one | wc -l))" test "$(events one | wc -l)" = 80

echo "# matches"
check "--journal SYSLOG_IDENTIFIER=CRON" read_journal cron --journal SYSLOG_IDENTIFIER=CRON
check "only the cron entries" test "$(events cron | wc -l)" = 10
check "as cron lines" sh -c "'$BIN/vigie' --redis '$R' events --sensor cron --count 0 --format json | jq -r .program | sort -u | grep -qx CRON"
cat >"$tmp/unit.conf" <<EOC
[collector]
journal = _SYSTEMD_UNIT=ssh.service
journal-directory = $jdir
EOC
check "[collector] journal = _SYSTEMD_UNIT=ssh.service" "$BIN/vigie-collector" -c "$tmp/unit.conf" \
    --redis "$R" --sensor unit --state-dir "$tmp/state-unit" --once
check "only ssh.service's 70" test "$(events unit | wc -l)" = 70
rc=$(status "$tmp/bad.err" "$BIN/vigie-collector" --redis "$R" --sensor bad \
    --state-dir "$tmp/state-bad" --journal 'lower=case' -n)
check "a malformed match: exit 2 ($rc)" test "$rc" = 2

echo "# following: entries written while the collector runs"
"$BIN/vigie-collector" --redis "$R" --sensor live --state-dir "$tmp/state-live" \
    --journal-dir "$jdir" --journal 2>>"$tmp/collector-live.log" &
c=$!
pids="$pids $c"
i=0
while [ "$(events live 2>/dev/null | wc -l)" -lt 80 ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
entries 81 90 sshd ssh.service >"$tmp/c.export"
"$jremote" -o "$jdir/three.journal" "$tmp/c.export" 2>>"$tmp/jremote.log"
i=0
while [ "$(events live 2>/dev/null | wc -l)" -lt 90 ] && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
check "new entries followed" test "$(events live | wc -l)" = 90
kill "$c"; wait "$c" 2>/dev/null || true
check "the health hash counts them" sh -c "test \$(redis-cli -s '$sock' HGET vigie:sensor:{live} journal_entries) = 90"

done_tests
