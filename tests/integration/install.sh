#!/bin/sh
# tests/integration/install.sh - make install into a private prefix, then
# the installed programs on the demo's generated log with the installed
# configuration, rules and redis.conf; vigie config check on the
# installed example; the units pass systemd-analyze verify; the backup
# unit's command, run by hand, leaves a backup that restore --dry-run
# accepts; a second install keeps the configuration; a DESTDIR install
# stages the same tree; uninstall keeps the configuration.
set -eu

NAME=install . "$(dirname "$0")/lib.sh"

p="$tmp/usr"
inst() {
	make -s --no-print-directory install B="$B" BIN="$BIN" PREFIX="$p" RUNDIR="$tmp/run" \
	    STATEDIR="$tmp/state" LOGDIR="$tmp/log" "$@"
}
check "make install PREFIX=..." inst
for f in bin/vigie bin/vigie-collector bin/vigie-correlator \
    share/vigie/rules/ssh.yar share/vigie/rules/policy.yar share/vigie/redis-aof-check \
    share/vigie/dashboards/index.html share/doc/vigie/vigie.conf.example \
    share/doc/vigie/redis.conf.example etc/vigie/vigie.conf \
    etc/vigie/redis.conf share/man/man1/vigie.1 share/man/man5/vigie.conf.5 \
    share/man/man8/vigie-collector.8 share/man/man8/vigie-correlator.8 \
    lib/systemd/system/vigie-correlator.service \
    lib/systemd/system/vigie-collector@.service \
    lib/systemd/system/vigie-backup.timer lib/sysusers.d/vigie.conf; do
	check "installed: $f" test -s "$p/$f"
done
check "no placeholder left in what was installed" sh -c "! grep -rl '@[A-Z_]*@' '$p/etc' '$p/lib' '$p/share/man' '$p/share/doc/vigie/vigie.conf.example'"
if [ -x /usr/bin/python3 ]; then
	check "the config page says what the example says" /usr/bin/python3 scripts/confman.py --check
fi
if command -v groff >/dev/null 2>&1; then
	for m in "$p"/share/man/man*/*; do
		check "$(basename "$m") renders without a warning" sh -c "groff -mdoc -Tutf8 -ww -z '$m' 2>&1 | (! grep .)"
	done
fi

echo "# the installed configuration checks, and runs"
check "vigie config check on the installed example" "$p/bin/vigie" config check "$p/etc/vigie/vigie.conf"
check "vigie-correlator -n on it" "$p/bin/vigie-correlator" --allow-root -n -c "$p/etc/vigie/vigie.conf"
mkdir -p "$tmp/run/vigie-redis" "$tmp/state/vigie/redis"
redis-server "$p/etc/vigie/redis.conf" --supervised no --daemonize no \
    --logfile "$tmp/redis.log" &
redis_pid=$!
sock="$tmp/run/vigie-redis/redis.sock"
i=0
until [ "$(redis-cli -s "$sock" ping 2>/dev/null)" = PONG ]; do
	i=$((i + 1)); [ $i -gt 200 ] && { cat "$tmp/redis.log"; exit 1; }
	sleep 0.05
done
check "the installed redis.conf: no TCP listener" test "$(redis-cli -s "$sock" CONFIG GET port | tail -n 1)" = 0
check "... append-only, fsync every second" test "$(redis-cli -s "$sock" CONFIG GET appendfsync | tail -n 1)" = everysec
check "... never evicting" test "$(redis-cli -s "$sock" CONFIG GET maxmemory-policy | tail -n 1)" = noeviction

"$B/tools/genlog" --seed 42 --days 2 --lines 2000 -o "$tmp/auth.log"
conf="$p/etc/vigie/vigie.conf"
check "installed collector on the demo log" "$p/bin/vigie-collector" -c "$conf" \
    --sensor demo --state-dir "$tmp/state/vigie" --log "$tmp/auth.log:sshd" --once
check "installed correlator drains it" "$p/bin/vigie-correlator" --allow-root -c "$conf" --drain --no-http
lines=$(wc -l <"$tmp/auth.log")
events=$("$p/bin/vigie" -c "$conf" report --days 3 --format json | jq '[.[].totals.events] | add')
check "every line counted ($lines)" test "$events" = "$lines"
check "the installed rules opened incidents" test "$("$p/bin/vigie" -c "$conf" incidents list --format json | jq length)" -gt 0

echo "# the units"
if command -v systemd-analyze >/dev/null 2>&1; then
	(cd "$p/lib/systemd/system" && systemd-analyze verify vigie-redis.service \
	    vigie-correlator.service vigie-backup.service vigie-backup.timer) \
	    >"$tmp/verify.out" 2>&1 || true
	cp "$p/lib/systemd/system/vigie-collector@.service" "$tmp/vigie-collector@web.service"
	systemd-analyze verify "$tmp/vigie-collector@web.service" >>"$tmp/verify.out" 2>&1 || true
	check "systemd-analyze verify: not a warning" sh -c "! grep . '$tmp/verify.out' || { cat '$tmp/verify.out'; exit 1; }"
else
	echo "# SKIP systemd-analyze not installed"
fi
# The backup service's command, as systemd would run it.
cmd=$(sed -n 's/^ExecStart=//p' "$p/lib/systemd/system/vigie-backup.service" |
    sed "s|\${STATE_DIRECTORY}|$tmp/backups|g")
mkdir -p "$tmp/backups"
check "the backup unit's command, by hand" sh -c "$cmd"
bk=$(ls "$tmp"/backups/vigie-*.vbk | head -n 1)
check "it left a backup" test -s "$bk"
check "restore --dry-run accepts it" "$p/bin/vigie" -c "$conf" restore --dry-run "$bk"
check "the timer is daily and catches up" sh -c "grep -qx 'OnCalendar=daily' '$p/lib/systemd/system/vigie-backup.timer' && grep -qx 'Persistent=true' '$p/lib/systemd/system/vigie-backup.timer'"
check "reload checks the configuration before the signal" sh -c "grep -n '^ExecReload=' '$p/lib/systemd/system/vigie-correlator.service' | head -n 1 | grep -q 'config check'"

echo "# again, and staged, and removed"
echo "; an operator's change" >>"$conf"
inst >"$tmp/again.out"
check "a second install keeps the configuration" grep -q "an operator's change" "$conf"
check "and says so" grep -q "kept $conf" "$tmp/again.out"
check "make install DESTDIR=..." make -s --no-print-directory install B="$B" BIN="$BIN" DESTDIR="$tmp/stage" PREFIX=/usr/local
check "staged under DESTDIR" test -x "$tmp/stage/usr/local/bin/vigie-correlator"
check "the staged units name the final paths" grep -q "^ExecStart=/usr/local/bin/vigie-correlator " "$tmp/stage/usr/local/lib/systemd/system/vigie-correlator.service"
check "make uninstall" make -s --no-print-directory uninstall PREFIX="$p"
check "the programs are gone" test ! -e "$p/bin/vigie"
check "the configuration stays" test -s "$conf"

done_tests
