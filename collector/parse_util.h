/*
 * collector/parse_util.h - small helpers the line parsers share: pieces of
 * a line (struct lspan) found, eaten and copied without NUL termination.
 * Static inline: no state, no allocation; used by collector/parse_*.c.
 */
#ifndef PARSE_UTIL_H
#define PARSE_UTIL_H

#include <stdint.h>
#include <string.h>

#include "parse_syslog.h"

#define LS_NONE	SIZE_MAX

static inline struct lspan
ls_make(const char *p, size_t n)
{
	struct lspan s;

	s.p = p;
	s.n = n;
	return s;
}

static inline int
ls_starts(struct lspan s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n >= n && memcmp(s.p, lit, n) == 0;
}

static inline int
ls_eat(struct lspan *s, const char *lit)
{
	size_t n = strlen(lit);

	if (s->n < n || memcmp(s->p, lit, n) != 0)
		return 0;
	s->p += n;
	s->n -= n;
	return 1;
}

static inline int
ls_chop(struct lspan *s, const char *lit)
{
	size_t n = strlen(lit);

	if (s->n < n || memcmp(s->p + s->n - n, lit, n) != 0)
		return 0;
	s->n -= n;
	return 1;
}

/* Index of the first `lit` at or after `from`, or LS_NONE. */
static inline size_t
ls_find(struct lspan s, size_t from, const char *lit)
{
	size_t n = strlen(lit), i;

	if (n == 0 || n > s.n)
		return LS_NONE;
	for (i = from; i + n <= s.n; i++)
		if (s.p[i] == lit[0] && memcmp(s.p + i, lit, n) == 0)
			return i;
	return LS_NONE;
}

static inline struct lspan
ls_sub(struct lspan s, size_t from, size_t to)
{
	return ls_make(s.p + from, to - from);
}

/* Length of the run at s's start of bytes other than `stop` and space. */
static inline size_t
ls_tok(struct lspan s, char stop)
{
	size_t i = 0;

	while (i < s.n && s.p[i] != ' ' && s.p[i] != stop)
		i++;
	return i;
}

static inline void
ls_copy(char *dst, size_t dstsz, struct lspan s)
{
	size_t n = s.n < dstsz ? s.n : dstsz - 1;

	memcpy(dst, s.p, n);
	dst[n] = '\0';
}

static inline void
ls_copy_str(char *dst, size_t dstsz, const char *src)
{
	ls_copy(dst, dstsz, ls_make(src, strlen(src)));
}

/* 1-9 decimal digits at s's start: the value, or -1. */
static inline long
ls_num(struct lspan s, size_t *used)
{
	size_t	 i = 0;
	long	 v = 0;

	while (i < s.n && i < 9 && s.p[i] >= '0' && s.p[i] <= '9')
		v = v * 10 + (s.p[i++] - '0');
	if (used != NULL)
		*used = i;
	return i == 0 ? -1 : v;
}

#endif
