/*
 * collector/tail.h - a log file followed from its checkpoint: lines to
 * events through its parser, across rotation (rename: the old file is
 * finished first) and truncation (copytruncate: read again from 0).
 */
#ifndef VIGIE_TAIL_H
#define VIGIE_TAIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "emit.h"
#include "parse.h"

#define TAIL_LINE_MAX	65536		/* max-line's default */
#define TAIL_HEAD_MAX	1024		/* bytes hashed into a file's identity */

struct tail {
	char			*spec;		/* "FILE[:PARSER]" as given */
	char			*path;
	char			*base;		/* the final component */
	int			 dirfd;		/* its directory, resolved at start */
	const struct parser	*parser;
	int			 fd;
	struct spool_cp		 cp;		/* cp.path is path */
	char			*buf;		/* bytes read past cp.off */
	size_t			 have;
	size_t			 max_line;
	time_t			 ref;		/* mtime: the year of old dates */
	int			 eof;		/* read to the end last time */
	int			 refusing;	/* why the path is refused (errno) */
	int64_t			 moved_ms;	/* the path names another file since */
	int			 warm;		/* pb holds the lines before cp */
	struct parse_buf	 pb;

	uint64_t		 lines, recognised, no_header, truncated;
	uint64_t		 refused, rotations;
};

/*
 * Checks "FILE[:PARSER]": the parser, the file's directory, and that the
 * file, when it exists, is a regular file (not a symbolic link, a device
 * or a FIFO). Returns 0, or -1 after printing why.
 */
int	tail_check_spec(const char *spec);
/*
 * Checks that specs[i] names a file none of specs[0..i) names (whatever
 * the parser). Returns 0, or -1 after printing why.
 */
int	tail_check_twice(char *const *specs, size_t i);
/*
 * Sets up a tail from its spec: the directory is opened now and kept,
 * the file later. Lines longer than max_line are cut. Returns 0 or -1.
 */
int	tail_init(struct tail *, const char *spec, size_t max_line);
void	tail_free(struct tail *);
/*
 * Reads at most `budget` bytes of new lines into the emitter. With
 * `once`, a last line with no newline is taken as it is. Returns bytes
 * consumed (0: nothing new; t->eof set), or -1 after logging.
 */
long	tail_read(struct tail *, struct emitter *, const struct spool *,
	    size_t budget, int once);

#endif
