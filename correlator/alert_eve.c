/*
 * correlator/alert_eve.c - an alert of the alerts stream as an EVE
 * "alert" line (jansson) and its RFC 5424 syslog header. Owns nothing;
 * values are attacker-controlled and leave here valid UTF-8, escaped.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "alert_eve.h"
#include "text.h"

#define SYSLOG_PRI	165	/* local4 (20) * 8 + notice (5) */
#define SYSLOG_APP	"vigie-correlator"
#define SYSLOG_MSGID	"alert"
#define HOST_MAX	255	/* RFC 5424 HOSTNAME */
#define ELLIPSIS	"\xe2\x80\xa6"

static const char *const field_names[AF_NFIELDS] = {
#define X(id, name)	name,
	ALERT_FIELDS(X)
#undef X
};

static const struct {
	const char	*name;
	int		 eve;
} severities[] = {
	{ "critical",	1 },
	{ "high",	2 },
	{ "medium",	3 },
	{ "low",	4 },
};

void
alert_init(struct alert *a, int64_t entry_ms)
{
	memset(a, 0, sizeof(*a));
	a->entry_ms = entry_ms;
}

int
alert_set(struct alert *a, const char *name, size_t namelen, const char *v,
    size_t len)
{
	size_t	 i;

	for (i = 0; i < AF_NFIELDS; i++)
		if (strlen(field_names[i]) == namelen &&
		    memcmp(field_names[i], name, namelen) == 0) {
			a->v[i] = v;
			a->len[i] = len;
			return 0;
		}
	return -1;
}

/* Whether field f is there and holds exactly s. */
static int
field_is(const struct alert *a, enum alert_field f, const char *s)
{
	return a->v[f] != NULL && a->len[f] == strlen(s) &&
	    memcmp(a->v[f], s, a->len[f]) == 0;
}

int
alert_severity(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; s != NULL && i < sizeof(severities) /
	    sizeof(severities[0]); i++)
		if (strlen(severities[i].name) == len &&
		    memcmp(severities[i].name, s, len) == 0)
			return severities[i].eve;
	return 3;
}

/* A strict non-negative decimal of at most 18 digits; -1 if not one. */
static int64_t
decimal(const char *s, size_t len)
{
	int64_t	 v = 0;
	size_t	 i;

	if (s == NULL || len == 0 || len > 18)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int64_t
alert_time_us(const struct alert *a)
{
	int64_t	 us = decimal(a->v[AF_TS], a->len[AF_TS]);

	return us >= 0 ? us : a->entry_ms * 1000;
}

char *
alert_time(int64_t us, int utc, char *buf)
{
	struct tm	 tm;
	time_t		 t;
	size_t		 n;

	if (us < 0)
		us = 0;
	t = (time_t)(us / 1000000);
	if ((utc ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)) == NULL) {
		snprintf(buf, ALERT_TIME_LEN, "1970-01-01T00:00:00.000000%s",
		    utc ? "Z" : "+0000");
		return buf;
	}
	n = strftime(buf, ALERT_TIME_LEN, "%Y-%m-%dT%H:%M:%S", &tm);
	n += (size_t)snprintf(buf + n, ALERT_TIME_LEN - n, ".%06ld",
	    (long)(us % 1000000));
	if (utc)
		snprintf(buf + n, ALERT_TIME_LEN - n, "Z");
	else
		strftime(buf + n, ALERT_TIME_LEN - n, "%z", &tm);
	return buf;
}

/*
 * A field as a JSON string: valid UTF-8, cut to max bytes on a character
 * boundary with "…" when longer. NULL when out of memory.
 */
static json_t *
jstr(const char *s, size_t len, size_t max)
{
	json_t	*j;
	char	*buf;
	size_t	 n;

	if (s == NULL)
		return json_string("");
	/* Each bad byte may become the 3 bytes of U+FFFD; room for "…". */
	if (len > (SIZE_MAX - 8) / 3 || (buf = malloc(len * 3 + 8)) == NULL)
		return NULL;
	n = text_utf8_clean(s, len, buf, len * 3 + 1);
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)buf[n] & 0xc0) == 0x80)
			n--;
		memcpy(buf + n, ELLIPSIS, sizeof(ELLIPSIS) - 1);
		n += sizeof(ELLIPSIS) - 1;
	}
	j = json_stringn(buf, n);
	free(buf);
	return j;
}

/* A field as a JSON string, or null when empty or absent. */
static json_t *
jstr_or_null(const struct alert *a, enum alert_field f)
{
	if (a->v[f] == NULL || a->len[f] == 0)
		return json_null();
	return jstr(a->v[f], a->len[f], f == AF_NOTE ? ALERT_NOTE_MAX :
	    ALERT_VALUE_MAX);
}

/* A field as a JSON integer when it is a plain decimal, else a string. */
static json_t *
jint(const struct alert *a, enum alert_field f)
{
	int64_t	 v = decimal(a->v[f], a->len[f]);

	if (v >= 0)
		return json_integer((json_int_t)v);
	return jstr_or_null(a, f);
}

/* obj[key] = v, stealing v. Returns 0, or -1 (v NULL: out of memory). */
static int
set(json_t *obj, const char *key, json_t *v)
{
	if (v == NULL)
		return -1;
	return json_object_set_new(obj, key, v);
}

char *
alert_eve(const struct alert *a)
{
	json_t	*o, *al = NULL, *vg = NULL;
	char	 ts[ALERT_TIME_LEN], *line = NULL;
	int	 rc = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	rc |= set(o, "timestamp", json_string(alert_time(alert_time_us(a), 0,
	    ts)));
	rc |= set(o, "event_type", json_string("alert"));
	/* The addresses EVE has: the source, or the group that is one. */
	if (a->v[AF_SRC_IP] != NULL && a->len[AF_SRC_IP] > 0)
		rc |= set(o, "src_ip", jstr_or_null(a, AF_SRC_IP));
	else if (field_is(a, AF_GROUP_BY, "src_ip") && a->len[AF_GROUP] > 0)
		rc |= set(o, "src_ip", jstr_or_null(a, AF_GROUP));
	if (field_is(a, AF_GROUP_BY, "dest_ip") && a->len[AF_GROUP] > 0)
		rc |= set(o, "dest_ip", jstr_or_null(a, AF_GROUP));

	if ((al = json_object()) == NULL || set(o, "alert", al) == -1) {
		json_decref(al);
		goto done;
	}
	rc |= set(al, "action", json_string("allowed"));
	rc |= set(al, "signature", jstr(a->v[AF_RULE], a->len[AF_RULE],
	    ALERT_VALUE_MAX));
	rc |= set(al, "category", jstr(a->v[AF_CATEGORY], a->len[AF_CATEGORY],
	    ALERT_VALUE_MAX));
	rc |= set(al, "severity", json_integer(alert_severity(
	    a->v[AF_SEVERITY], a->len[AF_SEVERITY])));

	if ((vg = json_object()) == NULL || set(o, "vigie", vg) == -1) {
		json_decref(vg);
		goto done;
	}
	rc |= set(vg, "incident", jint(a, AF_INCIDENT));
	rc |= set(vg, "alert_id", jstr_or_null(a, AF_ALERT_ID));
	rc |= set(vg, "change", jstr_or_null(a, AF_CHANGE));
	rc |= set(vg, "status", jstr_or_null(a, AF_STATUS));
	rc |= set(vg, "count", jint(a, AF_COUNT));
	rc |= set(vg, "group_by", jstr_or_null(a, AF_GROUP_BY));
	rc |= set(vg, "group", jstr_or_null(a, AF_GROUP));
	rc |= set(vg, "country", jstr_or_null(a, AF_COUNTRY));
	rc |= set(vg, "by", jstr_or_null(a, AF_BY));
	rc |= set(vg, "note", jstr_or_null(a, AF_NOTE));
	if (rc == 0)
		line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
 done:
	json_decref(o);
	return line;
}

int
alert_syslog_header(char *buf, size_t len, int64_t us, const char *host,
    long pid)
{
	char	 ts[ALERT_TIME_LEN], h[HOST_MAX + 1];
	size_t	 i, k = 0;
	int	 n;

	for (i = 0; host != NULL && host[i] != '\0' && k < HOST_MAX; i++)
		if ((unsigned char)host[i] > 0x20 &&
		    (unsigned char)host[i] < 0x7f)
			h[k++] = host[i];
	h[k] = '\0';
	n = snprintf(buf, len, "<%d>1 %s %s %s %ld %s - ", SYSLOG_PRI,
	    alert_time(us, 1, ts), k > 0 ? h : "-", SYSLOG_APP, pid,
	    SYSLOG_MSGID);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return n;
}
