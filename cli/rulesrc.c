/*
 * cli/rulesrc.c - find each rule's strings and condition in YARA source
 * text (rulesrc.h), skipping comments, text strings and regular
 * expressions. Owns the copies it makes; reads the rule files itself.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rulesrc.h"

#define SRC_MAX		(16 << 20)	/* bytes of one rule file */
#define IDENTS_MAX	64

static int
is_ident(int c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* Does word w start at s[i] as a whole word? */
static int
word_at(const char *s, size_t i, const char *w)
{
	size_t	 n = strlen(w);

	return strncmp(s + i, w, n) == 0 && (i == 0 || !is_ident(s[i - 1])) &&
	    !is_ident(s[i + n]);
}

/*
 * If a comment, a text string or a regular expression starts at s[i],
 * the index just past it; else i. A '/' opens a regular expression after
 * '=', '(' or ',' or the word "matches" (prev: the last significant
 * character, 'm' standing for "matches").
 */
static size_t
skip(const char *s, size_t i, int prev)
{
	char	 q;

	if (s[i] == '/' && s[i + 1] == '/') {
		while (s[i] != '\0' && s[i] != '\n')
			i++;
		return i;
	}
	if (s[i] == '/' && s[i + 1] == '*') {
		for (i += 2; s[i] != '\0' && !(s[i] == '*' && s[i + 1] == '/');
		    i++)
			;
		return s[i] != '\0' ? i + 2 : i;
	}
	if (s[i] == '"' || (s[i] == '/' && (prev == '=' || prev == '(' ||
	    prev == ',' || prev == 'm'))) {
		q = s[i];
		for (i++; s[i] != '\0' && s[i] != q && s[i] != '\n'; i++)
			if (s[i] == '\\' && s[i + 1] != '\0')
				i++;
		return s[i] == q ? i + 1 : i;
	}
	return i;
}

/* The last significant character before s[i], for skip(). */
static int
sig(const char *s, size_t i, int prev)
{
	if (isspace((unsigned char)s[i]))
		return prev;
	if (i >= 6 && word_at(s, i - 6, "matches"))
		return 'm';
	return s[i];
}

static char *
dup_trim(const char *s, size_t a, size_t b)
{
	char	*r;

	while (a < b && isspace((unsigned char)s[a]))
		a++;
	while (b > a && isspace((unsigned char)s[b - 1]))
		b--;
	if ((r = malloc(b - a + 1)) == NULL)
		return NULL;
	memcpy(r, s + a, b - a);
	r[b - a] = '\0';
	return r;
}

static int
line_of(const char *s, size_t i)
{
	int	 n = 1;
	size_t	 k;

	for (k = 0; k < i; k++)
		if (s[k] == '\n')
			n++;
	return n;
}

/* One file's rules appended to *v. Returns 0 or -1 (printed). */
static int
load_text(const char *s, char *file, struct rulesrc **v, size_t *n)
{
	struct rulesrc	*nv, *r;
	size_t		 i = 0, j, open, end, sec_s, sec_c, name_s, name_e;
	int		 prev = 0, depth;

	while (s[i] != '\0') {
		if ((j = skip(s, i, prev)) != i) {
			i = j;
			continue;
		}
		if (!word_at(s, i, "rule")) {
			prev = sig(s, i, prev);
			i++;
			continue;
		}
		/* rule NAME [: tags] { ... } */
		for (j = i + 4; isspace((unsigned char)s[j]); j++)
			;
		name_s = j;
		while (is_ident(s[j]))
			j++;
		if (j == name_s) {
			i += 4;
			continue;
		}
		name_e = open = j;
		while (s[open] != '\0' && s[open] != '{')
			open++;
		if (s[open] != '{')
			break;
		depth = 0;
		sec_s = sec_c = 0;
		prev = '{';
		for (end = open; s[end] != '\0'; ) {
			if ((j = skip(s, end, prev)) != end) {
				end = j;
				continue;
			}
			if (s[end] == '{')
				depth++;
			else if (s[end] == '}' && --depth == 0)
				break;
			else if (depth == 1 && word_at(s, end, "strings") &&
			    s[end + 7] == ':')
				sec_s = end + 8;
			else if (depth == 1 && word_at(s, end, "condition") &&
			    s[end + 9] == ':')
				sec_c = end + 10;
			prev = sig(s, end, prev);
			end++;
		}
		if (s[end] != '}' || sec_c == 0) {
			fprintf(stderr, "%s:%d: rule %.*s: no condition "
			    "found\n", file, line_of(s, i), (int)(name_e - name_s),
			    s + name_s);
			return -1;
		}
		if ((nv = realloc(*v, (*n + 1) * sizeof(*nv))) == NULL)
			return -1;
		*v = nv;
		r = &nv[*n];
		memset(r, 0, sizeof(*r));
		r->file = file;
		r->line = line_of(s, i);
		r->name = dup_trim(s, name_s, name_e);
		r->condition = dup_trim(s, sec_c, end);
		if (sec_s != 0)
			r->strings = dup_trim(s, sec_s, sec_c - 10);
		(*n)++;
		if (r->name == NULL || r->condition == NULL ||
		    (sec_s != 0 && r->strings == NULL))
			return -1;
		i = end + 1;
		prev = '}';
	}
	return 0;
}

int
rulesrc_load(char *const *files, size_t nfiles, struct rulesrc **out,
    size_t *n)
{
	FILE	*fp;
	char	*buf;
	size_t	 i, len;
	int	 rc = 0;

	*out = NULL;
	*n = 0;
	for (i = 0; i < nfiles && rc == 0; i++) {
		if ((fp = fopen(files[i], "r")) == NULL) {
			fprintf(stderr, "%s: %s\n", files[i], strerror(errno));
			rc = -1;
			break;
		}
		if ((buf = malloc(SRC_MAX + 1)) == NULL) {
			fclose(fp);
			rc = -1;
			break;
		}
		len = fread(buf, 1, SRC_MAX, fp);
		if (ferror(fp) || len == SRC_MAX) {
			fprintf(stderr, "%s: %s\n", files[i], ferror(fp) ?
			    "read error" : "larger than 16 MiB");
			rc = -1;
		} else {
			buf[len] = '\0';
			rc = load_text(buf, files[i], out, n);
		}
		free(buf);
		fclose(fp);
	}
	if (rc == -1) {
		rulesrc_free(*out, *n);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

void
rulesrc_free(struct rulesrc *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].strings);
		free(v[i].condition);
	}
	free(v);
}

const struct rulesrc *
rulesrc_find(const struct rulesrc *v, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (v[i].name != NULL && strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* Splits s[a..b) on the top-level word w into terms. */
static size_t
split(const char *s, size_t a, size_t b, const char *w, char **terms,
    size_t max)
{
	size_t	 i = a, j, start = a, nt = 0;
	int	 depth = 0, prev = 0;

	while (i < b) {
		if ((j = skip(s, i, prev)) != i) {
			i = j;
			continue;
		}
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')')
			depth--;
		else if (depth == 0 && word_at(s, i, w)) {
			if (nt + 1 < max &&
			    (terms[nt] = dup_trim(s, start, i)) != NULL)
				nt++;
			start = i + strlen(w);
			i = start;
			prev = 0;
			continue;
		}
		prev = sig(s, i, prev);
		i++;
	}
	if (nt < max && (terms[nt] = dup_trim(s, start, b)) != NULL)
		nt++;
	return nt;
}

/* Is s[a..b) one parenthesised group? */
static int
wrapped(const char *s, size_t a, size_t b)
{
	size_t	 i = a, j;
	int	 depth = 0, prev = 0;

	if (b - a < 2 || s[a] != '(' || s[b - 1] != ')')
		return 0;
	while (i < b) {
		if ((j = skip(s, i, prev)) != i) {
			i = j;
			continue;
		}
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && --depth == 0 && i != b - 1)
			return 0;
		prev = sig(s, i, prev);
		i++;
	}
	return 1;
}

size_t
rulesrc_terms(const char *cond, char **terms, size_t max, int *any)
{
	size_t	 a = 0, b = strlen(cond), n, k;

	*any = 0;
	for (;;) {
		while (a < b && isspace((unsigned char)cond[a]))
			a++;
		while (b > a && isspace((unsigned char)cond[b - 1]))
			b--;
		if (!wrapped(cond, a, b))
			break;
		a++;
		b--;
	}
	if ((n = split(cond, a, b, "and", terms, max)) > 1)
		return n;
	for (k = 0; k < n; k++)
		free(terms[k]);
	if ((n = split(cond, a, b, "or", terms, max)) > 1)
		*any = 1;
	return n;
}

void
rulesrc_idents(const char *cond, void (*fn)(void *, const char *, size_t),
    void *arg)
{
	const char	*seen[IDENTS_MAX];
	size_t		 seenl[IDENTS_MAX], nseen = 0, i = 0, j, k;
	int		 prev = 0;

	while (cond[i] != '\0') {
		if ((j = skip(cond, i, prev)) != i) {
			i = j;
			continue;
		}
		if ((isalpha((unsigned char)cond[i]) || cond[i] == '_') &&
		    (i == 0 || (!is_ident(cond[i - 1]) && cond[i - 1] != '$' &&
		    cond[i - 1] != '#' && cond[i - 1] != '@' &&
		    cond[i - 1] != '!' && cond[i - 1] != '.'))) {
			for (j = i; is_ident(cond[j]); j++)
				;
			for (k = 0; k < nseen; k++)
				if (seenl[k] == j - i &&
				    !memcmp(seen[k], cond + i, j - i))
					break;
			if (k == nseen && nseen < IDENTS_MAX) {
				seen[nseen] = cond + i;
				seenl[nseen++] = j - i;
				fn(arg, cond + i, j - i);
			}
			prev = sig(cond, j - 1, prev);
			i = j;
			continue;
		}
		prev = sig(cond, i, prev);
		i++;
	}
}
