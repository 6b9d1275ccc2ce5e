/*
 * cli/cmd.h - the vigie subcommands that cli/main.c dispatches to.
 * Each gets argv from its own name on, checks it, then connects with
 * cli_router(); returns the exit status 0, 1 or 2.
 */
#ifndef VIGIE_CMD_H
#define VIGIE_CMD_H

#include <stdio.h>

#include <hiredis/hiredis.h>

struct conf;

/*
 * vigie config check FILE: every problem, file:line, exit 0 or 2;
 * vigie config diff OLD NEW: what the change does, exit 2 when it deletes
 * data without its confirmation.
 */
int	cmd_config(int argc, char **argv, const char *redis);
/* vigie report [--day YYYY-MM-DD | --days N] [--format text|json|csv] */
int	cmd_report(const struct conf *, int argc, char **argv);
/*
 * vigie incidents list [--status S] [--limit N] [--format text|json]
 * vigie incidents show ID [--format text|json]
 * vigie incidents ack|close ID [--note TEXT] [--by NAME]
 * A change refused (no such incident, or not from its status) exits 2.
 */
int	cmd_incidents(const struct conf *, int argc, char **argv);
/*
 * vigie events [--sensor NAME] [--since ID] [--count N] [--format text|json]
 * Exit 1 when an entry could not be decoded (the others are shown).
 */
int	cmd_events(const struct conf *, int argc, char **argv);
/*
 * vigie backup FILE | --dir DIR [--keep N]: every key under the prefix,
 * read while writes are held, into a verified file (core/backup.h).
 */
int	cmd_backup(const struct conf *, int argc, char **argv);
/*
 * vigie restore [--dry-run] [--force] FILE: the file checked whole first;
 * over existing Vigie data only with --force, which saves that data to a
 * backup beside FILE before deleting it.
 */
int	cmd_restore(const struct conf *, int argc, char **argv);
/*
 * vigie rules test [--format text|json|matches] [--expect FILE]
 *     [--why-not RULE] [--geoip FILE] [--home-countries CC,..]
 *     RULES... -- INPUT...
 * Exit 1 when the matches differ from --expect's, 2 for bad input.
 */
int	cmd_rules_test(struct conf *, int argc, char **argv);
/*
 * Bad usage: prints "vigie: " and the message, then the command's usage
 * on stderr; returns 2, the exit status.
 */
int	cli_usage_error(void (*usage)(FILE *), const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* Connects to conf's Redis, whatever its shape, a cluster too (the slot
 * router), once the command's arguments are valid. */
struct rconn	*cli_router(const struct conf *);

/*
 * The value of option `name` at argv[*i], given as "--name VALUE" or
 * "--name=VALUE"; NULL if argv[*i] is another option. Sets *missing when
 * the option is there without a value. Advances *i past a separate value.
 */
const char	*cli_opt_value(int argc, char **argv, int *i, const char *name,
		    int *missing);

#endif
