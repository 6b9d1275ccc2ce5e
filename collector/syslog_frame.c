/*
 * collector/syslog_frame.c - RFC 6587 framing, datagrams and the header
 * of a syslog message received from the network, into an event.
 * Owns nothing. Calls the parser registry (parse.c) and core/event.c.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "syslog_frame.h"

#define COUNT_DIGITS	10	/* an octet count has at most these */

size_t
syslog_frame(struct sframer *st, const char *buf, size_t len, size_t max,
    int eof, const char **msg, size_t *mlen, int *flags)
{
	const char	*nl;
	uint64_t	 n = 0;
	size_t		 i, h;

	*flags = 0;
	*msg = NULL;
	*mlen = 0;
	if (st->skip > 0) {
		h = st->skip < len ? (size_t)st->skip : len;
		st->skip -= h;
		return h;
	}
	if (st->to_lf) {
		if ((nl = memchr(buf, '\n', len)) == NULL)
			return len;
		st->to_lf = 0;
		return (size_t)(nl - buf) + 1;
	}
	if (len == 0)
		return 0;
	if (buf[0] >= '1' && buf[0] <= '9') {
		/* Octet counting: MSG-LEN SP SYSLOG-MSG. */
		for (i = 0; i < len && i < COUNT_DIGITS && buf[i] >= '0' &&
		    buf[i] <= '9'; i++)
			n = n * 10 + (uint64_t)(buf[i] - '0');
		if (i == len && i < COUNT_DIGITS)
			return eof ? (*flags = SF_BAD, len) : 0;
		if (i >= COUNT_DIGITS || buf[i] != ' ') {
			*flags = SF_BAD;
			return len;
		}
		h = i + 1;
		if (n <= max) {
			if (len - h < n)
				return eof ? (*flags = SF_BAD, len) : 0;
			*msg = buf + h;
			*mlen = (size_t)n;
			*flags = SF_MSG;
			return h + (size_t)n;
		}
		if (len - h < max)
			return eof ? (*flags = SF_BAD, len) : 0;
		*msg = buf + h;
		*mlen = max;
		*flags = SF_MSG | SF_CUT;
		st->skip = n - max;
		return h + max;
	}
	/* Non-transparent framing: up to LF. */
	i = len < max + 1 ? len : max + 1;
	if ((nl = memchr(buf, '\n', i)) != NULL) {
		*msg = buf;
		*mlen = (size_t)(nl - buf);
		if (*mlen > 0 && buf[*mlen - 1] == '\r')
			(*mlen)--;
		*flags = SF_MSG;
		return (size_t)(nl - buf) + 1;
	}
	/* max + 1 bytes without LF: longer than max, for sure. */
	if (len > max) {
		*msg = buf;
		*mlen = max;
		*flags = SF_MSG | SF_CUT;
		st->to_lf = 1;
		return max;
	}
	if (eof) {
		*msg = buf;
		*mlen = len;
		*flags = SF_MSG;
		return len;
	}
	return 0;
}

size_t
syslog_dgram(const char *buf, size_t len, size_t max, int *cut)
{
	*cut = 0;
	if (len > max) {
		*cut = 1;
		len = max;
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
	    buf[len - 1] == '\0'))
		len--;
	return len;
}

static const char *const facilities[24] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "ntp", "security", "console",
	"solaris-cron", "local0", "local1", "local2", "local3", "local4",
	"local5", "local6", "local7"
};
static const char *const severities[8] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"
};

/* "<PRI>": 1 to 3 digits, no leading zero, at most 191. Length or 0. */
static size_t
pri_parse(const char *m, size_t len, int *pri)
{
	size_t	 i;
	int	 v = 0;

	if (len < 3 || m[0] != '<')
		return 0;
	for (i = 1; i < len && i <= 4 && m[i] >= '0' && m[i] <= '9'; i++)
		v = v * 10 + (m[i] - '0');
	if (i == 1 || i > 4 || i >= len || m[i] != '>' || v > 191 ||
	    (m[1] == '0' && i > 2))
		return 0;
	*pri = v;
	return i + 1;
}

/* The next RFC 5424 token (printable ASCII, no space) up to max bytes. */
static int
token(const char *m, size_t len, size_t *i, size_t max, const char **t,
    size_t *tlen)
{
	size_t	 s = *i;

	while (*i < len && m[*i] > 0x20 && m[*i] < 0x7f)
		(*i)++;
	*t = m + s;
	*tlen = *i - s;
	if (*tlen == 0 || *tlen > max)
		return -1;
	if (*i < len) {
		if (m[*i] != ' ')
			return -1;
		(*i)++;
	}
	return 0;
}

/* STRUCTURED-DATA: "-" or [id param="value"...]... ; skipped. */
static int
sd_skip(const char *m, size_t len, size_t *i)
{
	if (*i < len && m[*i] == '-') {
		(*i)++;
		goto end;
	}
	if (*i >= len || m[*i] != '[')
		return -1;
	while (*i < len && m[*i] == '[') {
		int	 quoted = 0;

		for ((*i)++; *i < len; (*i)++) {
			if (quoted && m[*i] == '\\' && *i + 1 < len)
				(*i)++;
			else if (m[*i] == '"')
				quoted = !quoted;
			else if (!quoted && m[*i] == ']')
				break;
		}
		if (*i >= len)
			return -1;
		(*i)++;
	}
 end:
	if (*i < len) {
		if (m[*i] != ' ')
			return -1;
		(*i)++;
	}
	return 0;
}

/*
 * An RFC 5424 header after "<PRI>1 ": rewritten into sm->line as
 * "TIMESTAMP HOST APP[PROCID]: MSG", the form the registry parses.
 * Returns the line's length, or 0 when the header is malformed.
 */
static size_t
rfc5424_line(const char *m, size_t len, time_t now, const char *relay,
    struct smsg *sm)
{
	const char	*ts, *host, *app, *pid, *id;
	size_t		 tl, hl, al, pl, il, i = 0, o, k;
	int		 numeric = 1;
	struct tm	 tm;
	char		*p = sm->line;

	if (token(m, len, &i, 64, &ts, &tl) == -1 ||
	    token(m, len, &i, 255, &host, &hl) == -1 ||
	    token(m, len, &i, 48, &app, &al) == -1 ||
	    token(m, len, &i, 128, &pid, &pl) == -1 ||
	    token(m, len, &i, 32, &id, &il) == -1 ||
	    sd_skip(m, len, &i) == -1)
		return 0;
	if (tl == 1 && ts[0] == '-') {
		gmtime_r(&now, &tm);
		strftime(sm->ts, sizeof(sm->ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		ts = sm->ts;
		tl = strlen(sm->ts);
	}
	if (hl == 1 && host[0] == '-') {
		host = relay;
		hl = strlen(relay);
	}
	if (!(il == 1 && id[0] == '-')) {
		memcpy(sm->msgid, id, il);
		sm->msgid[il] = '\0';
	}
	for (k = 0; k < pl; k++)
		if (pid[k] < '0' || pid[k] > '9')
			numeric = 0;
	if (pl > 15 || (pl == 1 && pid[0] == '-'))
		numeric = 0;
	/* A UTF-8 BOM opens a message that says it is UTF-8. */
	if (len - i >= 3 && !memcmp(m + i, "\xef\xbb\xbf", 3))
		i += 3;
	/* rsyslog keeps the space that followed "prog:" in RFC 3164. */
	while (i < len && m[i] == ' ')
		i++;
	o = 0;
	memcpy(p + o, ts, tl), o += tl;
	p[o++] = ' ';
	memcpy(p + o, host, hl), o += hl;
	p[o++] = ' ';
	memcpy(p + o, app, al), o += al;
	if (numeric) {
		p[o++] = '[';
		memcpy(p + o, pid, pl), o += pl;
		p[o++] = ']';
	}
	p[o++] = ':';
	p[o++] = ' ';
	memcpy(p + o, m + i, len - i);
	return o + (len - i);
}

enum parse_result
syslog_msg_event(const char *msg, size_t len, time_t now, const char *relay,
    struct smsg *sm, struct event *ev)
{
	const struct parser	*syslog = parser_find("syslog");
	enum parse_result	 res;
	const char		*line = msg;
	size_t			 n, ll = len;
	int			 pri = -1;

	sm->facility[0] = sm->severity[0] = sm->msgid[0] = '\0';
	/* A sender's own line end, inside an octet count or a datagram. */
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '\r' ||
	    msg[len - 1] == '\0'))
		len--;
	if ((n = pri_parse(msg, len, &pri)) > 0) {
		line = msg + n;
		ll = len - n;
		if (pri / 8 < 24)
			snprintf(sm->facility, sizeof(sm->facility), "%s",
			    facilities[pri / 8]);
		snprintf(sm->severity, sizeof(sm->severity), "%s",
		    severities[pri % 8]);
		if (ll >= 2 && line[0] == '1' && line[1] == ' ' &&
		    (n = rfc5424_line(line + 2, ll - 2, now, relay, sm)) > 0) {
			line = sm->line;
			ll = n;
		}
	}
	res = syslog->parse(line, ll, now, &sm->pb, ev);
	event_set(ev, EV_RELAY_IP, relay);
	event_set(ev, EV_FACILITY, sm->facility);
	event_set(ev, EV_SEVERITY, sm->severity);
	event_set(ev, EV_MSGID, sm->msgid);
	return res;
}
