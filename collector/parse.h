/*
 * collector/parse.h - the parser registry: a --log PARSER name to the
 * function that turns one line into one event. Pure: no socket, no file.
 */
#ifndef VIGIE_PARSE_H
#define VIGIE_PARSE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "event.h"
#include "parse_syslog.h"

/* What a parse left behind, for the per-parser counters. */
enum parse_result {
	PARSE_RECOGNISED,	/* a parser gave the line an action */
	PARSE_PLAIN,		/* a header, nothing more recognised */
	PARSE_NO_HEADER,	/* no syslog header: dated by `ref` */
};

/* Per-line scratch: the event's values point into it and into the line. */
struct parse_buf {
	struct logrec	 rec;
	char		 ts[24];
};

/*
 * Fills ev from line (len bytes, no newline, not NUL-terminated); `ref`
 * dates lines without a date, and gives traditional dates their year.
 * ev's values are valid while line and pb are.
 */
typedef enum parse_result parse_fn(const char *line, size_t len, time_t ref,
    struct parse_buf *pb, struct event *ev);

struct parser {
	const char	*name;
	parse_fn	*parse;
};

/* The parser called `name`, or NULL. */
const struct parser *parser_find(const char *name);
/* "sshd, syslog, generic": the names available, for messages. */
const char	*parser_names(void);

#endif
