/*
 * correlator/fargs.h - the arguments of one Redis command (an FCALL of
 * thousands), built in one growing arena, sent with redisAppendCommandArgv.
 */
#ifndef VIGIE_FARGS_H
#define VIGIE_FARGS_H

#include <stddef.h>

struct fargs {
	size_t		*off, *len;
	size_t		 n, cap;
	char		*arena;
	size_t		 used, size;
	const char	**argv;		/* built by fargs_argv() */
	size_t		*argl;
	size_t		 acap;
};

/* Empties a (keeps its memory). Out of memory is fatal in every call. */
void	fargs_reset(struct fargs *a);
/* Appends an argument of len bytes (binary-safe). */
void	fargs_addn(struct fargs *a, const char *s, size_t len);
/* Appends one argument made of s then s2 (binary-safe). */
void	fargs_add2(struct fargs *a, const char *s, size_t len, const char *s2,
	    size_t len2);
/* Appends len bytes to the last argument (binary-safe). */
void	fargs_extend(struct fargs *a, const char *s, size_t len);
/* Appends a string; NULL is the empty string. */
void	fargs_add(struct fargs *a, const char *s);
void	fargs_addf(struct fargs *a, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Appends every argument of src. */
void	fargs_append(struct fargs *a, const struct fargs *src);
/* The i-th argument (valid until the next add). */
const char *fargs_get(const struct fargs *a, size_t i, size_t *len);
/* Fills a->argv and a->argl (valid until the next add). */
void	fargs_argv(struct fargs *a);
void	fargs_free(struct fargs *a);

#endif
