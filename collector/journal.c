/*
 * collector/journal.c - read the systemd journal through libsystemd's
 * sd_journal API, from the cursor kept in the emitter's checkpoint.
 * Owns the sd_journal handle. Calls parse.c and emit.c.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <systemd/sd-journal.h>

#include "journal.h"
#include "log.h"

static const char *const facilities[24] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "security", "console",
	"solaris-cron", "local0", "local1", "local2", "local3", "local4",
	"local5", "local6", "local7"
};
static const char *const severities[8] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"
};

static void
journal_cb(evutil_socket_t fd, short what, void *arg)
{
	struct journal	*jr = arg;

	(void)fd;
	(void)what;
	if (sd_journal_process(jr->j) != SD_JOURNAL_NOP && jr->wake != NULL)
		event_active(jr->wake, EV_TIMEOUT, 0);
}

int
journal_open(struct journal *jr, const struct conf *conf,
    const struct spool *sp, struct event_base *base, struct event *wake)
{
	const struct spool_cp	*saved;
	size_t			 i;
	int			 r, fd;

	memset(jr, 0, sizeof(*jr));
	snprintf(jr->name, sizeof(jr->name), "journal:%s",
	    conf->journal_dir != NULL ? conf->journal_dir : "");
	jr->cp.path = jr->name;
	jr->wake = wake;
	if (conf->journal_dir != NULL)
		r = sd_journal_open_directory(&jr->j, conf->journal_dir, 0);
	else
		r = sd_journal_open(&jr->j, SD_JOURNAL_LOCAL_ONLY);
	if (r < 0) {
		log_warnx("journal %s: %s", conf->journal_dir ?
		    conf->journal_dir : "(system)", strerror(-r));
		return -1;
	}
	/* Matches of one field are alternatives; of different fields, all. */
	for (i = 0; i < conf->journal.n; i++)
		if (strcmp(conf->journal.v[i], "*") &&
		    (r = sd_journal_add_match(jr->j, conf->journal.v[i], 0)) <
		    0) {
			log_warnx("journal match %s: %s", conf->journal.v[i],
			    strerror(-r));
			return -1;
		}
	if ((saved = spool_checkpoint(sp, jr->name)) != NULL &&
	    saved->cursor != NULL) {
		if ((r = sd_journal_seek_cursor(jr->j, saved->cursor)) < 0) {
			log_warnx("journal: cursor %s: %s", saved->cursor,
			    strerror(-r));
			return -1;
		}
		/* The saved entry itself was emitted: step over it. */
		if ((r = sd_journal_next(jr->j)) > 0 &&
		    sd_journal_test_cursor(jr->j, saved->cursor) <= 0 &&
		    sd_journal_previous(jr->j) < 0)
			r = -1;
		if (r < 0) {
			log_warnx("journal: after the saved cursor: %s",
			    strerror(-r));
			return -1;
		}
		if ((jr->cur = strdup(saved->cursor)) == NULL)
			return -1;
		jr->cp.cursor = jr->cur;
	} else if ((r = sd_journal_seek_head(jr->j)) < 0) {
		log_warnx("journal: seek: %s", strerror(-r));
		return -1;
	}
	if (base != NULL && (fd = sd_journal_get_fd(jr->j)) >= 0 &&
	    ((jr->ev = event_new(base, fd, EV_READ | EV_PERSIST, journal_cb,
	    jr)) == NULL || event_add(jr->ev, NULL) == -1)) {
		log_warnx("journal: cannot watch it");
		return -1;
	}
	return 0;
}

/* A field's value ("FIELD=value") without its name, or NULL. */
static const char *
field(struct journal *jr, const char *name, size_t *len)
{
	const void	*d;
	size_t		 l, nl = strlen(name);

	if (sd_journal_get_data(jr->j, name, &d, &l) < 0 || l <= nl)
		return NULL;
	*len = l - nl - 1;
	return (const char *)d + nl + 1;
}

/* A short field as a C string into buf (cut at its size, or ""). */
static const char *
field_str(struct journal *jr, const char *name, char *buf, size_t cap)
{
	const char	*v;
	size_t		 l, i;

	buf[0] = '\0';
	if ((v = field(jr, name, &l)) == NULL)
		return buf;
	if (l >= cap)
		l = cap - 1;
	for (i = 0; i < l; i++)
		buf[i] = (v[i] > 0x20 && v[i] < 0x7f) ? v[i] : '_';
	buf[l] = '\0';
	return buf;
}

/* The current entry: one event. */
static int
journal_entry(struct journal *jr, struct emitter *e)
{
	char		 host[256], prog[64], pid[16], unit[256], pri[4];
	char		 fac[4], sevname[16] = "", facname[16] = "", ts[40];
	const char	*msg;
	struct event	 ev;
	struct tm	 tm;
	uint64_t	 us;
	time_t		 t;
	size_t		 ml = 0, need;
	char		*cur;
	int		 r, n;

	if ((r = sd_journal_get_cursor(jr->j, &cur)) < 0) {
		log_warnx("journal: cursor: %s", strerror(-r));
		return -1;
	}
	if (sd_journal_get_realtime_usec(jr->j, &us) < 0)
		us = (uint64_t)time(NULL) * 1000000;
	if ((msg = field(jr, "MESSAGE", &ml)) == NULL)
		msg = "", ml = 0;
	field_str(jr, "_HOSTNAME", host, sizeof(host));
	field_str(jr, "SYSLOG_IDENTIFIER", prog, sizeof(prog));
	field_str(jr, "_SYSTEMD_UNIT", unit, sizeof(unit));
	if (prog[0] == '\0')
		field_str(jr, "_COMM", prog, sizeof(prog));
	field_str(jr, "_PID", pid, sizeof(pid));
	if (pid[0] == '\0')
		field_str(jr, "SYSLOG_PID", pid, sizeof(pid));
	if (strspn(pid, "0123456789") != strlen(pid))
		pid[0] = '\0';
	field_str(jr, "PRIORITY", pri, sizeof(pri));
	field_str(jr, "SYSLOG_FACILITY", fac, sizeof(fac));
	if (pri[0] >= '0' && pri[0] <= '7' && pri[1] == '\0')
		snprintf(sevname, sizeof(sevname), "%s", severities[pri[0] - '0']);
	if (fac[0] != '\0' && strspn(fac, "0123456789") == strlen(fac) &&
	    atoi(fac) < 24)
		snprintf(facname, sizeof(facname), "%s", facilities[atoi(fac)]);
	t = (time_t)(us / 1000000);
	gmtime_r(&t, &tm);
	n = (int)strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + n, sizeof(ts) - (size_t)n, ".%06uZ",
	    (unsigned)(us % 1000000));
	/* As a syslog line, so that the program's parser reads it. */
	need = strlen(ts) + strlen(host) + strlen(prog) + strlen(pid) + ml + 16;
	if (need > jr->linecap) {
		char	*nl = realloc(jr->line, need);

		if (nl == NULL) {
			free(cur);
			log_warnx("%s: out of memory", __func__);
			return -1;
		}
		jr->line = nl;
		jr->linecap = need;
	}
	n = snprintf(jr->line, jr->linecap, "%s %s %s%s%s%s: ", ts,
	    host[0] ? host : "-", prog[0] ? prog : "-", pid[0] ? "[" : "", pid,
	    pid[0] ? "]" : "");
	memcpy(jr->line + n, msg, ml);
	switch (parser_find("syslog")->parse(jr->line, (size_t)n + ml,
	    (time_t)(us / 1000000), &jr->pb, &ev)) {
	case PARSE_RECOGNISED: jr->recognised++; break;
	case PARSE_NO_HEADER: jr->no_header++; break;
	case PARSE_PLAIN: break;
	}
	if (host[0] == '\0')
		ev.f[EV_HOST].len = 0, ev.f[EV_HOST].v = NULL;
	event_set(&ev, EV_UNIT, unit);
	event_set(&ev, EV_SEVERITY, sevname);
	event_set(&ev, EV_FACILITY, facname);
	jr->entries++;
	/* The emitter may still hold the previous cursor: freed after. */
	free(jr->prev);
	jr->prev = jr->cur;
	jr->cur = cur;
	jr->cp.cursor = cur;
	return emit_event(e, &ev, &jr->cp);
}

long
journal_read(struct journal *jr, struct emitter *e, size_t budget)
{
	size_t	 n = 0;
	int	 r;

	sd_journal_process(jr->j);
	while (n < budget) {
		if ((r = sd_journal_next(jr->j)) < 0) {
			log_warnx("journal: next: %s", strerror(-r));
			return -1;
		}
		if (r == 0) {
			jr->eof = 1;
			return (long)n;
		}
		if (journal_entry(jr, e) == -1)
			return -1;
		n++;
	}
	jr->eof = 0;
	return (long)n;
}

void
journal_close(struct journal *jr)
{
	if (jr->ev != NULL)
		event_free(jr->ev);
	if (jr->j != NULL)
		sd_journal_close(jr->j);
	free(jr->cur);
	free(jr->prev);
	free(jr->line);
	parse_buf_free(&jr->pb);	/* the sshd carry table */
	memset(jr, 0, sizeof(*jr));
}
