/*
 * core/streamid.c - parse, compare and format stream ids.
 * Owns nothing. Calls nothing but libc.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "streamid.h"

struct streamid
streamid_next(struct streamid id)
{
	id.seq++;
	return id;
}

int
streamid_cmp(struct streamid a, struct streamid b)
{
	if (a.ms != b.ms)
		return a.ms < b.ms ? -1 : 1;
	if (a.seq != b.seq)
		return a.seq < b.seq ? -1 : 1;
	return 0;
}

int
streamid_parse(const char *s, struct streamid *id)
{
	char	*end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	id->ms = strtoull(s, &end, 10);
	if (errno != 0 || *end != '-' || end[1] < '0' || end[1] > '9')
		return -1;
	id->seq = strtoull(end + 1, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	return 0;
}

char *
streamid_fmt(struct streamid id, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64 "-%" PRIu64, id.ms, id.seq);
	return buf;
}
