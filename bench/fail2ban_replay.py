#!/usr/bin/python3
"""bench/fail2ban_replay.py - replay an auth.log through Debian's fail2ban.

usage: fail2ban_replay.py CONFDIR LOG END_EPOCH BANNED_OUT

CONFDIR is a fail2ban configuration directory (bench/peers.sh makes one
from /etc/fail2ban with a jail.local); its configuration is read by
fail2ban's own reader (fail2ban.client.configurator, as fail2ban-client
does) and applied, command by command, through the server's own
Transmitter to a fail2ban Server in this process: the same jail, filter
(filter.d/sshd.conf), maxretry, findtime, bantime and log target that
fail2ban-server would run with.  Left out: the database and the ban
actions' commands (the firewall); the jail keeps its ban manager and
logs each ban.

The jail's two threads are replaced by one loop.  Its filter's part is
the loop of fail2ban's FileFilter.getFailures: the jail's own
FileContainer reads the file line by line and Filter.processLineAndAdd
does the rest (date detection, prefregex and failregex, the multi-line
failure ids, the failure manager's maxretry/findtime counting, handing
the address to ban to the jail).  Its actions' part is one step of
fail2ban's Actions thread, run at once on what the line gave: the
tickets go to Actions.__checkBan (the ban manager, "Ban" in the log),
and expired bans to Actions.__checkUnBan.  Run at once, not by a thread
that wakes up now and then: at a week of log in a few minutes, a late
thread would find most bans expired before their time.

The one thing added is the clock: before each line, fail2ban's
test-mode time (MyTime.setTime) is set to the time the line was
written, so fail2ban sees every line as it would tailing the log live
(in operation, with each line's date "now").  Without it, fail2ban
would ignore every line older than findtime and clean its failure list
by the wall clock.

LOG's syslog dates have no year: END_EPOCH, the end of the log, gives it
(a date after END_EPOCH + 1 day is from the year before).  The dates are
in local time (TZ), as fail2ban reads them.

Prints one line of counts on stdout; BANNED_OUT gets the banned
addresses, one per line, sorted, and BANNED_OUT.log fail2ban's own log.
Exit 0, 1 on error, 2 on bad usage.
"""

import sys
import time

from fail2ban.client.configurator import Configurator
from fail2ban.server.mytime import MyTime
from fail2ban.server.server import Server
from fail2ban.server.transmitter import Transmitter

JAIL = "sshd"
# Server-wide settings fail2ban-server has that this replay does without.
SKIP_GLOBAL = {"dbfile", "dbmaxmatches", "dbpurgeage", "syslogsocket",
               "allowipv6"}
# Jail settings left out: the ban actions run firewall commands.
SKIP_JAIL = {"addaction", "action"}


def configure(confdir, logtarget):
    """Read CONFDIR and apply its command stream to a new Server."""
    conf = Configurator()
    conf.setBaseDir(confdir)
    conf.readAll()
    if not conf.getOptions():
        raise SystemExit("fail2ban_replay: %s: bad configuration" % confdir)
    conf.convertToProtocol()
    server = Server(daemon=False)
    tr = Transmitter(server)
    for cmd in conf.getConfigStream():
        if cmd[0] == "start":
            continue
        if cmd[0] == "set" and len(cmd) == 3:
            if cmd[1] in SKIP_GLOBAL:
                continue
            if cmd[1] == "logtarget":
                cmd = ["set", "logtarget", logtarget]
        if cmd[0] in ("set", "multi-set") and len(cmd) > 2 and \
                cmd[2] in SKIP_JAIL:
            continue
        rc, res = tr.proceed(cmd)
        if rc != 0:
            raise SystemExit("fail2ban_replay: %r failed: %r" % (cmd, res))
    # The server keeps its jails private; fail2ban's tests reach them so.
    return server._Server__jails[JAIL]


def main(argv):
    if len(argv) != 5:
        print("usage: fail2ban_replay.py CONFDIR LOG END_EPOCH BANNED_OUT",
              file=sys.stderr)
        return 2
    confdir, logpath, end, banned_out = argv[1], argv[2], int(argv[3]), \
        argv[4]
    jail = configure(confdir, banned_out + ".log")
    flt = jail.filter
    if logpath not in flt.getLogPaths():
        raise SystemExit("fail2ban_replay: jail %s does not watch %s" %
                         (JAIL, logpath))

    end_year = time.localtime(end).tm_year
    hours = {}		# "Nov 23 01" -> epoch seconds of 01:00:00

    def when(stamp):
        """Epoch seconds of "Nov 23 01:34:22", in a few steps per line."""
        h = hours.get(stamp[:9])
        if h is None:
            for year in (end_year, end_year - 1):
                h = time.mktime(time.strptime("%d %s" % (year, stamp[:9]),
                                              "%Y %b %d %H"))
                if h <= end + 86400:
                    break
            hours[stamp[:9]] = h
        return h + int(stamp[10:12]) * 60 + int(stamp[13:15])

    # One step of the jail's Actions thread (private in fail2ban: its
    # own tests reach them so too).
    check_ban = jail.actions._Actions__checkBan
    check_unban = jail.actions._Actions__checkUnBan
    banned = set()

    def act():
        tickets = []
        while True:
            ticket = jail.getFailTicket()
            if not ticket:
                break
            tickets.append(ticket)
            banned.add(str(ticket.getID()))
        return check_ban(tickets)

    log = flt.getLog(logpath)
    lines = bans = 0
    log.open()
    try:
        flt.inOperation = True
        last = None
        while True:
            line = log.readline()
            if line is None:
                break
            stamp = line[:15]
            if stamp != last:
                MyTime.setTime(when(stamp))
                last = stamp
                check_unban(jail.actions.unbanMaxCount)
            flt.processLineAndAdd(line)
            if jail.hasFailTickets:
                bans += act()
            lines += 1
    finally:
        log.close()
    flt.performBan()
    bans += act()

    with open(banned_out, "w") as fp:
        for ip in sorted(banned):
            fp.write(ip + "\n")
    print("fail2ban: %d lines, %d bans of %d addresses, %d errors" %
          (lines, bans, len(banned), flt._errors))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
