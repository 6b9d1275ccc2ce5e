# tests/hostile/journal.sh - (1b) of run.sh, sourced: journal entries
# that lie, written by systemd-journal-remote from the export format
# (binary fields): compressed fields big enough that reading one moved
# the buffer of another, NUL and escapes in MESSAGE, an identifier and a
# host name that try to write the syslog header.

echo "# (1b) the journal"
jremote=/lib/systemd/systemd-journal-remote
[ -x "$jremote" ] || jremote=/usr/lib/systemd/systemd-journal-remote
if [ ! -x "$jremote" ]; then
	echo "# systemd-journal-remote is absent: the journal cases skipped"
else
	mkdir -p "$tmp/journal"
	/usr/bin/perl -e '
		my $t = $ARGV[0] * 1000000;
		my $n = 0;
		sub f { my ($k, $v) = @_; print $k, "\n", pack("Q<", length $v), $v, "\n"; }
		sub entry {
			my (%f) = @_;
			$n++;
			print "__REALTIME_TIMESTAMP=", $t + $n, "\n__MONOTONIC_TIMESTAMP=", $n, "\n";
			print "_BOOT_ID=0123456789abcdef0123456789abcdef\n";
			f($_, $f{$_}) for sort keys %f;
			print "\n";
		}
		entry(MESSAGE => "Failed password for root from 203.0.113.40 port 22 ssh2 j01" . ("M" x 20000),
		    SYSLOG_IDENTIFIER => "sshd" . ("I" x 200000), _SYSTEMD_UNIT => "U" x 400000,
		    _HOSTNAME => "web1", _PID => "40");
		entry(MESSAGE => "Invalid user j02\0nul\e[31m\e]0;t\a from 203.0.113.41 port 1",
		    SYSLOG_IDENTIFIER => "sshd", _HOSTNAME => "web1", _PID => "41");
		entry(MESSAGE => "Failed password for root from 6.6.6.42 port 1 ssh2 j03",
		    SYSLOG_IDENTIFIER => "sshd[999]:", _HOSTNAME => "web1", _PID => "42");
		entry(MESSAGE => "Invalid user j04 from 203.0.113.43 port 1",
		    SYSLOG_IDENTIFIER => "sshd", _HOSTNAME => "evil: sshd[1]:", _PID => "43");
		entry(MESSAGE => "Invalid user j05 from 203.0.113.44 port 1",
		    SYSLOG_IDENTIFIER => "sshd", _HOSTNAME => "web1", _PID => "44x", SYSLOG_PID => "45");
	' "$now" >"$tmp/hostile.export"
	"$jremote" -o "$tmp/journal/h.journal" "$tmp/hostile.export" 2>"$tmp/jremote.log"
	check "the collector reads the hostile journal" "$BIN/vigie-collector" --redis "$R" \
	    --sensor jr --state-dir "$tmp/state-jr" --journal-dir "$tmp/journal" --journal --once
	check "five entries, five events" test "$(events jr | wc -l)" = 5
	check "compressed big fields: the message read whole (it once crashed)" is jr j01 \
	    '(.line | length) == 20059 and (.line | startswith("Failed password for root from 203.0.113.40")) and .pid == 40'
	check "  the identifier and unit cut to their size" is jr j01 \
	    '(.program | length) == 63 and (.unit | length) == 255'
	check "NUL and escapes in MESSAGE: kept as bytes, the address stands" is jr j02 \
	    '.src_ip == "203.0.113.41" and .line_b64 != null'
	check "an identifier \"sshd[999]:\" writes no header: no pid of its own, not sshd" is jr j03 \
	    '.program == "sshd_999__" and .pid == 42 and .src_ip == null'
	check "a host name \"evil: sshd[1]:\" writes no header" is jr j04 \
	    '.host == "evil__sshd_1__" and .program == "sshd" and .pid == 43 and .src_ip == "203.0.113.43"'
	check "a _PID that is no number: none (SYSLOG_PID is only for no _PID)" is jr j05 '.pid == null'
	tty "$tmp/tty-jr" "$BIN/vigie" --redis "$R" events --sensor jr --count 0
	check "vigie events of the journal on a terminal: no raw control byte" noraw "$tmp/tty-jr"
fi
