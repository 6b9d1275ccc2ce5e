/*
 * cli/cmd.h - the vigie subcommands that cli/main.c dispatches to.
 * Each gets argv from its own name on; returns the exit status 0, 1 or 2.
 */
#ifndef VIGIE_CMD_H
#define VIGIE_CMD_H

#include <hiredis/hiredis.h>

struct conf;

/* vigie report [--day YYYY-MM-DD | --days N] [--format text|json|csv] */
int	cmd_report(const struct conf *, redisContext *, int argc,
	    char **argv);
/*
 * vigie incidents list [--status S] [--limit N] [--format text|json]
 * vigie incidents show ID [--format text|json]
 */
int	cmd_incidents(const struct conf *, redisContext *, int argc,
	    char **argv);

#endif
