/*
 * collector/parse.h - the parser registry: a --log PARSER name to the
 * function that turns one line into one event (DESIGN.md, "Parsers").
 * Pure but for the per-tail state in struct parse_buf.
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
	PARSE_NO_HEADER,	/* no header the parser knows: dated by `ref` */
};

struct sshd_carry;

/*
 * Per-tail scratch: the event's values point into it and into the line.
 * Zeroed by its owner before the first parse; parse_buf_free() at the end.
 */
struct parse_buf {
	struct logrec	 rec;
	char		 ts[24];
	char		 status[8];	/* web: the status code, checked */
	char		 bytes[24];
	struct sshd_carry *carry;	/* sshd: address per host and pid */
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
/* "sshd, sudo, ...": the names available, for messages. */
const char	*parser_names(void);
void		 parse_buf_free(struct parse_buf *);

/*
 * The nginx access log_format (nginx's own syntax, "$remote_addr - ..."),
 * from the configuration; NULL restores "combined". Returns 0, or -1 with
 * the reason in err.
 */
int		 parse_nginx_format(const char *fmt, char *err, size_t errlen);

/* Helpers for the parsers (parse.c). */
size_t		 parse_ts(struct parse_buf *, int64_t us);
/* The logrec's common fields into ev (kind, ts, header, action, ...). */
void		 parse_rec_event(struct parse_buf *, struct event *);

#endif
