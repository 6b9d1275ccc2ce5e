/*
 * correlator/fargs.c - a command's arguments as offsets into one arena,
 * so that a batch of thousands costs a few reallocations, not one each.
 * Owns the arena and the argv built from it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fargs.h"
#include "log.h"

void
fargs_reset(struct fargs *a)
{
	a->n = 0;
	a->used = 0;
}

void
fargs_addn(struct fargs *a, const char *s, size_t len)
{
	fargs_add2(a, s, len, NULL, 0);
}

void
fargs_add2(struct fargs *a, const char *s, size_t len, const char *s2,
    size_t len2)
{
	if (a->n == a->cap) {
		size_t	 ncap = a->cap ? a->cap * 2 : 4096;

		if ((a->off = realloc(a->off, ncap * sizeof(*a->off))) == NULL ||
		    (a->len = realloc(a->len, ncap * sizeof(*a->len))) == NULL)
			fatalx("%s: out of memory", __func__);
		a->cap = ncap;
	}
	if (a->used + len + len2 + 1 > a->size) {
		size_t	 nsize = a->size ? a->size : 1 << 16;

		while (a->used + len + len2 + 1 > nsize)
			nsize *= 2;
		if ((a->arena = realloc(a->arena, nsize)) == NULL)
			fatalx("%s: out of memory", __func__);
		a->size = nsize;
	}
	if (len > 0)
		memcpy(a->arena + a->used, s, len);
	if (len2 > 0)
		memcpy(a->arena + a->used + len, s2, len2);
	len += len2;
	a->arena[a->used + len] = '\0';
	a->off[a->n] = a->used;
	a->len[a->n++] = len;
	a->used += len + 1;
}

void
fargs_extend(struct fargs *a, const char *s, size_t len)
{
	if (a->n == 0)
		fatalx("%s: no argument to extend", __func__);
	if (a->used + len > a->size) {
		size_t	 nsize = a->size;

		while (a->used + len > nsize)
			nsize *= 2;
		if ((a->arena = realloc(a->arena, nsize)) == NULL)
			fatalx("%s: out of memory", __func__);
		a->size = nsize;
	}
	/* The last argument ends the arena: its NUL moves on. */
	memcpy(a->arena + a->used - 1, s, len);
	a->len[a->n - 1] += len;
	a->used += len;
	a->arena[a->used - 1] = '\0';
}

void
fargs_add(struct fargs *a, const char *s)
{
	fargs_addn(a, s ? s : "", s ? strlen(s) : 0);
}

void
fargs_addf(struct fargs *a, const char *fmt, ...)
{
	char	 buf[64];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		fatalx("%s: argument too long", __func__);
	fargs_addn(a, buf, (size_t)n);
}

void
fargs_append(struct fargs *a, const struct fargs *src)
{
	size_t	 i;

	for (i = 0; i < src->n; i++)
		fargs_addn(a, src->arena + src->off[i], src->len[i]);
}

const char *
fargs_get(const struct fargs *a, size_t i, size_t *len)
{
	if (len != NULL)
		*len = a->len[i];
	return a->arena + a->off[i];
}

void
fargs_argv(struct fargs *a)
{
	size_t	 i;

	if (a->acap < a->n) {
		if ((a->argv = realloc(a->argv, a->n * sizeof(*a->argv))) ==
		    NULL ||
		    (a->argl = realloc(a->argl, a->n * sizeof(*a->argl))) == NULL)
			fatalx("%s: out of memory", __func__);
		a->acap = a->n;
	}
	for (i = 0; i < a->n; i++) {
		a->argv[i] = a->arena + a->off[i];
		a->argl[i] = a->len[i];
	}
}

void
fargs_free(struct fargs *a)
{
	free(a->off);
	free(a->len);
	free(a->arena);
	free(a->argv);
	free(a->argl);
	memset(a, 0, sizeof(*a));
}
