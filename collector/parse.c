/*
 * collector/parse.c - the parser registry and the parsers' common step:
 * a syslog line's header, then the program's own parser.
 * Owns nothing. Calls parse_syslog.c and parse_sshd.c.
 */
#include <string.h>

#include "parse.h"
#include "parse_sshd.h"

static int
is_sshd(const char *prog)
{
	/* OpenSSH 9.8 and later log from sshd-session and sshd-auth. */
	return !strcmp(prog, "sshd") || !strncmp(prog, "sshd-", 5);
}

/* Writes a µs timestamp into pb->ts in decimal; returns its length. */
static size_t
ts_fmt(struct parse_buf *pb, int64_t us)
{
	char		 tmp[24];
	uint64_t	 v = us < 0 ? -(uint64_t)us : (uint64_t)us;
	size_t		 n = 0, len = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (us < 0)
		pb->ts[len++] = '-';
	while (n > 0)
		pb->ts[len++] = tmp[--n];
	pb->ts[len] = '\0';
	return len;
}

/* The raw line as a log event dated by ref: no header was found. */
static enum parse_result
parse_plain(const char *line, size_t len, time_t ref, struct parse_buf *pb,
    struct event *ev)
{
	event_clear(ev);
	event_set(ev, EV_KIND, "log");
	ev->f[EV_TS].v = pb->ts;
	ev->f[EV_TS].len = ts_fmt(pb, (int64_t)ref * 1000000);
	ev->f[EV_LINE].v = line;
	ev->f[EV_LINE].len = len;
	return PARSE_NO_HEADER;
}

/* A syslog line: header, then the program's parser where there is one. */
static enum parse_result
parse_syslog_line(const char *line, size_t len, time_t ref,
    struct parse_buf *pb, struct event *ev)
{
	struct logrec		*r = &pb->rec;
	enum parse_result	 res = PARSE_PLAIN;

	if (syslog_parse(line, len, ref, r) == -1)
		return parse_plain(line, len, ref, pb, ev);
	if (is_sshd(r->program) && sshd_parse(r) == 0)
		res = PARSE_RECOGNISED;
	event_clear(ev);
	event_set(ev, EV_KIND, "log");
	ev->f[EV_TS].v = pb->ts;
	ev->f[EV_TS].len = ts_fmt(pb, r->ts);
	event_set(ev, EV_HOST, r->host);
	event_set(ev, EV_PROGRAM, r->program);
	event_set(ev, EV_PID, r->pid);
	event_set(ev, EV_ACTION, r->action);
	event_set(ev, EV_USER, r->user);
	event_set(ev, EV_SRC_IP, r->src_ip);
	event_set(ev, EV_SRC_PORT, r->src_port);
	ev->f[EV_LINE].v = r->msg;
	ev->f[EV_LINE].len = r->msglen;
	return res;
}

static const struct parser parsers[] = {
	{ "sshd",	parse_syslog_line },
	{ "syslog",	parse_syslog_line },
	{ "generic",	parse_plain },
};

const struct parser *
parser_find(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++)
		if (strcmp(parsers[i].name, name) == 0)
			return &parsers[i];
	return NULL;
}

const char *
parser_names(void)
{
	return "sshd, syslog, generic";
}
