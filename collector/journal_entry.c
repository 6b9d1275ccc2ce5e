/*
 * collector/journal_entry.c - a journal entry's fields into an event.
 * Pure: the fields come from journal.c (sd_journal) or a fuzzer. Calls
 * the syslog parser (parse.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "journal_entry.h"

const char *const journal_field_names[JOURNAL_NAMES + 1] = {
	"MESSAGE", "_HOSTNAME", "SYSLOG_IDENTIFIER", "_SYSTEMD_UNIT", "_COMM",
	"_PID", "SYSLOG_PID", "PRIORITY", "SYSLOG_FACILITY", NULL
};

/* 9999-12-31T23:59:59.999999Z */
#define US_MAX	253402300799999999ULL

static const char *const facilities[24] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "security", "console",
	"solaris-cron", "local0", "local1", "local2", "local3", "local4",
	"local5", "local6", "local7"
};
static const char *const severities[8] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"
};

/* The value of the first field called `name` ("NAME=value"), or NULL. */
static const char *
field(const struct jfield *f, size_t n, const char *name, size_t *len)
{
	size_t	 i, nl = strlen(name);

	for (i = 0; i < n; i++)
		if (f[i].data != NULL && f[i].len > nl &&
		    memcmp(f[i].data, name, nl) == 0 && f[i].data[nl] == '=') {
			*len = f[i].len - nl - 1;
			return f[i].data + nl + 1;
		}
	return NULL;
}

/* A short field as a C string into buf (cut at its size, or ""). */
static const char *
field_str(const struct jfield *f, size_t n, const char *name, char *buf,
    size_t cap)
{
	const char	*v;
	size_t		 l, i;

	buf[0] = '\0';
	if ((v = field(f, n, name, &l)) == NULL)
		return buf;
	if (l >= cap)
		l = cap - 1;
	for (i = 0; i < l; i++)
		buf[i] = (v[i] > 0x20 && v[i] < 0x7f) ? v[i] : '_';
	buf[l] = '\0';
	return buf;
}

int
journal_entry_event(const struct jfield *f, size_t n, uint64_t us,
    struct jentry *je, struct parse_buf *pb, struct event *ev)
{
	char		 pri[4], fac[4], ts[40];
	const char	*msg;
	char		*p;
	struct tm	 tm;
	time_t		 t;
	size_t		 ml = 0, need;
	int		 r, len;

	je->sevname[0] = je->facname[0] = '\0';
	/* A date the syslog header cannot say (past 9999) is the last one. */
	if (us > US_MAX)
		us = US_MAX;
	if ((msg = field(f, n, "MESSAGE", &ml)) == NULL)
		msg = "", ml = 0;
	field_str(f, n, "_HOSTNAME", je->host, sizeof(je->host));
	field_str(f, n, "SYSLOG_IDENTIFIER", je->prog, sizeof(je->prog));
	field_str(f, n, "_SYSTEMD_UNIT", je->unit, sizeof(je->unit));
	if (je->prog[0] == '\0')
		field_str(f, n, "_COMM", je->prog, sizeof(je->prog));
	/* One host, one tag: what ends a tag in the header is in neither. */
	for (p = je->prog; (p = strpbrk(p, ":[]")) != NULL; p++)
		*p = '_';
	for (p = je->host; (p = strpbrk(p, ":[]")) != NULL; p++)
		*p = '_';
	field_str(f, n, "_PID", je->pid, sizeof(je->pid));
	if (je->pid[0] == '\0')
		field_str(f, n, "SYSLOG_PID", je->pid, sizeof(je->pid));
	if (strspn(je->pid, "0123456789") != strlen(je->pid))
		je->pid[0] = '\0';
	field_str(f, n, "PRIORITY", pri, sizeof(pri));
	field_str(f, n, "SYSLOG_FACILITY", fac, sizeof(fac));
	if (pri[0] >= '0' && pri[0] <= '7' && pri[1] == '\0')
		snprintf(je->sevname, sizeof(je->sevname), "%s",
		    severities[pri[0] - '0']);
	if (fac[0] != '\0' && strspn(fac, "0123456789") == strlen(fac) &&
	    atoi(fac) < 24)
		snprintf(je->facname, sizeof(je->facname), "%s",
		    facilities[atoi(fac)]);
	t = (time_t)(us / 1000000);
	if (gmtime_r(&t, &tm) == NULL ||
	    (len = (int)strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm)) ==
	    0)
		len = snprintf(ts, sizeof(ts), "1970-01-01T00:00:00");
	snprintf(ts + len, sizeof(ts) - (size_t)len, ".%06uZ",
	    (unsigned)(us % 1000000));
	/* As a syslog line, so that the program's parser reads it. */
	need = strlen(ts) + strlen(je->host) + strlen(je->prog) +
	    strlen(je->pid) + ml + 16;
	if (need > je->linecap) {
		char	*nl = realloc(je->line, need);

		if (nl == NULL)
			return -1;
		je->line = nl;
		je->linecap = need;
	}
	len = snprintf(je->line, je->linecap, "%s %s %s%s%s%s: ", ts,
	    je->host[0] ? je->host : "-", je->prog[0] ? je->prog : "-",
	    je->pid[0] ? "[" : "", je->pid, je->pid[0] ? "]" : "");
	memcpy(je->line + len, msg, ml);
	r = parser_find("syslog")->parse(je->line, (size_t)len + ml,
	    (time_t)(us / 1000000), pb, ev);
	if (je->host[0] == '\0')
		ev->f[EV_HOST].len = 0, ev->f[EV_HOST].v = NULL;
	event_set(ev, EV_UNIT, je->unit);
	event_set(ev, EV_SEVERITY, je->sevname);
	event_set(ev, EV_FACILITY, je->facname);
	return r;
}

void
jentry_free(struct jentry *je)
{
	free(je->line);
	je->line = NULL;
	je->linecap = 0;
}
