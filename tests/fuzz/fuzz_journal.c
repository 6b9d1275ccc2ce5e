/*
 * tests/fuzz/fuzz_journal.c - libFuzzer target for the journal entry
 * reader (collector/journal_entry.c): an entry's fields into an event.
 * Owns nothing.
 *
 * Input: fields separated by NUL NUL (a field is "NAME=value" or
 * anything else, NUL bytes allowed, names given twice or more); the
 * first 8 bytes, when there are 8, are the realtime timestamp (little
 * endian, any value). Each event field's len bytes must be readable
 * (ASan), host, program, pid and unit printable ASCII, pid decimal, the
 * line the entry's MESSAGE (as the syslog parser keeps it), and the
 * result one of the parse results.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../collector/journal_entry.h"

#include "fuzz.h"

#define FIELDS_MAX	64

static struct jentry	 je;
static struct parse_buf	 pb;

/* Every byte printable ASCII, no space. */
static int
printable(const struct evval *v)
{
	size_t	 i;

	for (i = 0; i < v->len; i++)
		if ((unsigned char)v->v[i] <= 0x20 ||
		    (unsigned char)v->v[i] >= 0x7f)
			return 0;
	return 1;
}

/* Reads every byte of a field: ASan finds a short buffer. */
static unsigned
touch(const struct evval *v)
{
	unsigned	 s = 0;
	size_t		 i;

	for (i = 0; i < v->len; i++)
		s += (unsigned char)v->v[i];
	return s;
}

/* The first field called name ("NAME="), as the reader must take it. */
static const char *
first(const struct jfield *f, size_t n, const char *name, size_t *len)
{
	size_t	 i, nl = strlen(name);

	for (i = 0; i < n; i++)
		if (f[i].len > nl && memcmp(f[i].data, name, nl) == 0 &&
		    f[i].data[nl] == '=') {
			*len = f[i].len - nl - 1;
			return f[i].data + nl + 1;
		}
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jfield	 f[FIELDS_MAX];
	struct event	 ev;
	const char	*p = (const char *)data, *end, *sep, *msg;
	uint64_t	 us = 1763899200000000ULL;
	size_t		 n = 0, i, ml;
	unsigned	 sum = 0;
	int		 r;

	if (size >= 8) {
		memcpy(&us, p, 8);
		p += 8;
	}
	end = (const char *)data + size;
	while (p < end && n < FIELDS_MAX) {
		sep = memmem(p, (size_t)(end - p), "\0\0", 2);
		f[n].data = p;
		f[n].len = sep != NULL ? (size_t)(sep - p) : (size_t)(end - p);
		n++;
		if (sep == NULL)
			break;
		p = sep + 2;
	}
	/* Each field in a buffer of its own size: overreads show. */
	for (i = 0; i < n; i++) {
		char	*c = malloc(f[i].len ? f[i].len : 1);

		fuzz_assert(c != NULL);
		memcpy(c, f[i].data, f[i].len);
		f[i].data = c;
	}
	event_clear(&ev);
	r = journal_entry_event(f, n, us, &je, &pb, &ev);
	fuzz_assert(r == PARSE_RECOGNISED || r == PARSE_PLAIN ||
	    r == PARSE_NO_HEADER);
	for (i = 0; i < EV_NFIELDS; i++) {
		fuzz_assert(ev.f[i].len == 0 || ev.f[i].v != NULL);
		sum += touch(&ev.f[i]);
	}
	fuzz_assert(printable(&ev.f[EV_HOST]));
	fuzz_assert(printable(&ev.f[EV_UNIT]));
	fuzz_assert(ev.f[EV_UNIT].len < sizeof(je.unit));
	fuzz_assert(strspn(je.pid, "0123456789") == strlen(je.pid));
	fuzz_assert(printable(&ev.f[EV_PID]));
	/* No _HOSTNAME: no host, whatever MESSAGE says. */
	if (first(f, n, "_HOSTNAME", &ml) == NULL)
		fuzz_assert(ev.f[EV_HOST].len == 0);
	/* The line is MESSAGE, or a part of it: never the header made. */
	msg = first(f, n, "MESSAGE", &ml);
	if (ev.f[EV_LINE].len > 0) {
		fuzz_assert(msg != NULL);
		fuzz_assert(ev.f[EV_LINE].len <= ml);
	}
	(void)sum;
	for (i = 0; i < n; i++)
		free((void *)f[i].data);
	return 0;
}
