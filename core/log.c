/*
 * core/log.c - leveled logging to stderr, with file:line under -v.
 * Owns the program name and verbosity (set once at start, read-only after).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"

static const char	*log_prog = "vigie";
static int		 log_verbose;

void
log_init(const char *progname, int verbose)
{
	log_prog = progname;
	log_verbose = verbose;
}

static void
log_vemit(int prio, int with_errno, const char *file, int line,
    const char *fmt, va_list ap)
{
	char	 msg[2048];
	int	 saved = errno;

	if (prio == LOG_P_DEBUG && log_verbose < 2)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_verbose >= 2)
		fprintf(stderr, "%s: %s%s%s (%s:%d)\n", log_prog, msg,
		    with_errno ? ": " : "", with_errno ? strerror(saved) : "",
		    file, line);
	else
		fprintf(stderr, "%s: %s%s%s\n", log_prog, msg,
		    with_errno ? ": " : "", with_errno ? strerror(saved) : "");
	errno = saved;
}

void
log_emit(int prio, int with_errno, const char *file, int line,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vemit(prio, with_errno, file, line, fmt, ap);
	va_end(ap);
}

void
log_fatal(int with_errno, const char *file, int line, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vemit(LOG_P_WARN, with_errno, file, line, fmt, ap);
	va_end(ap);
	exit(1);
}
