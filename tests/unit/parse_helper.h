/*
 * tests/unit/parse_helper.h - what the parser tests share: one line through
 * a registry parser into an event, and exact field assertions (cmocka).
 * Static: included by tests/unit/parse_*_test.c only.
 */
#ifndef PARSE_HELPER_H
#define PARSE_HELPER_H

#define REF	((time_t)1763899200)	/* 2025-11-23 12:00 UTC */

static struct parse_buf	 ph_pb;
static char		*ph_copy;

/* Parses an exact-size heap copy of line[0..len) (ASan sees overreads). */
static enum parse_result
ph_parse_n(const char *parser, const char *line, size_t len, struct event *ev)
{
	const struct parser	*p = parser_find(parser);

	assert_non_null(p);
	free(ph_copy);
	ph_copy = malloc(len == 0 ? 1 : len);
	assert_non_null(ph_copy);
	memcpy(ph_copy, line, len);
	return p->parse(ph_copy, len, REF, &ph_pb, ev);
}

static enum parse_result
ph_parse(const char *parser, const char *line, struct event *ev)
{
	return ph_parse_n(parser, line, strlen(line), ev);
}

/* Field f of ev is exactly want ("" for absent). */
static void
ph_field(const struct event *ev, enum ev_field f, const char *want,
    const char *file, int line)
{
	size_t	 n = strlen(want);

	if (ev->f[f].len != n || (n > 0 && memcmp(ev->f[f].v, want, n) != 0))
		fail_msg("%s:%d: %s: want \"%s\", got \"%.*s\"", file, line,
		    ev_fields[f].name, want, (int)ev->f[f].len,
		    ev->f[f].v != NULL ? ev->f[f].v : "");
}

#define F(ev, id, want)	ph_field(&(ev), EV_##id, (want), __FILE__, __LINE__)

static void
ph_teardown(void)
{
	free(ph_copy);
	ph_copy = NULL;
	parse_buf_free(&ph_pb);
	memset(&ph_pb, 0, sizeof(ph_pb));
}

#endif
