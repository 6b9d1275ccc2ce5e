/*
 * cli/rulesrc.h - a YARA rule's source as written: its file and line, its
 * strings section and its condition, read from the rule files; and a
 * condition split into its top-level terms, for "why did it not fire".
 */
#ifndef VIGIE_RULESRC_H
#define VIGIE_RULESRC_H

#include <stddef.h>

struct rulesrc {
	char	*name;
	char	*file;		/* borrowed from the caller's list */
	int	 line;		/* of the "rule" keyword */
	char	*strings;	/* the strings section's body, or NULL */
	char	*condition;	/* the condition's text, trimmed */
};

/*
 * Reads every rule of each file. Returns 0 with *out (caller frees with
 * rulesrc_free()), or -1 after printing why.
 */
int	rulesrc_load(char *const *files, size_t nfiles, struct rulesrc **out,
	    size_t *n);
void	rulesrc_free(struct rulesrc *, size_t n);
/* The rule called name in v[0..n), or NULL. */
const struct rulesrc *rulesrc_find(const struct rulesrc *v, size_t n,
	    const char *name);

/*
 * Splits a condition into its top-level terms: "a and b and (c or d)" is
 * a, b, (c or d), all needed; a condition with no top-level "and" is
 * split on "or" instead (*any set: any one suffices). A condition wholly
 * in parentheses is opened first. Returns the number of terms written
 * into terms[0..max) (each a new string, caller frees), 0 when out of
 * memory.
 */
size_t	rulesrc_terms(const char *cond, char **terms, size_t max, int *any);

/*
 * Calls fn for each identifier of the condition outside strings and
 * regular expressions, in order, each once.
 */
void	rulesrc_idents(const char *cond, void (*fn)(void *, const char *,
	    size_t), void *arg);

#endif
