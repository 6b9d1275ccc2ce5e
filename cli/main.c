/*
 * cli/main.c - vigie: the operator's and rule author's command line.
 * Parses the global options, loads the config, dispatches a command.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conf.h"
#include "daytime.h"
#include "log.h"
#include "redis.h"
#include "retention.h"
#include "scan.h"


static void __attribute__((noreturn))
usage_to(FILE *fp, int status)
{
	fprintf(fp,
	    "usage: vigie [-v] [-c FILE] [--redis ADDR] COMMAND ...\n"
	    "       vigie config check FILE\n"
	    "       vigie config diff OLD NEW\n"
	    "       vigie rules check PATH...\n"
	    "       vigie rules test [--format text|json|matches] "
	    "[--expect FILE] [--why-not RULE]\n"
	    "                        RULES... -- INPUT...\n"
	    "       vigie report [--day YYYY-MM-DD | --days N] "
	    "[--format text|json|csv]\n"
	    "       vigie incidents list [--status S] [--format text|json]\n"
	    "       vigie incidents show ID [--format text|json]\n"
	    "       vigie incidents ack|close ID [--note TEXT] [--by NAME]\n"
	    "       vigie events [--sensor NAME] [--since ID] [--count N] "
	    "[--format text|json]\n"
	    "       vigie backup FILE | --dir DIR [--keep N]\n"
	    "       vigie restore [--dry-run] [--force] FILE\n");
	exit(status);
}

static void __attribute__((noreturn))
usage(void)
{
	usage_to(stderr, 2);
}

static int
cmd_rules(int argc, char **argv)
{
	struct ruleset	 rs;
	size_t		 i;

	if (argc >= 2 && (!strcmp(argv[argc - 1], "--help") ||
	    !strcmp(argv[argc - 1], "-h")))
		usage_to(stdout, 0);
	if (argc < 3 || strcmp(argv[1], "check") != 0)
		usage();
	if (yr_initialize() != ERROR_SUCCESS) {
		fprintf(stderr, "vigie: yr_initialize failed\n");
		return 1;
	}
	if (ruleset_load(&rs, argv + 2, (size_t)argc - 2) == -1) {
		yr_finalize();
		return 2;
	}
	for (i = 0; i < rs.n; i++)
		printf("%s\tcategory=%s severity=%s threshold=%d window=%d "
		    "group_by=%s\n", rs.meta[i].name, rs.meta[i].category,
		    rs.meta[i].severity, rs.meta[i].threshold,
		    rs.meta[i].window, group_by_name(rs.meta[i].group_by));
	printf("%zu rule%s OK\n", rs.n, rs.n == 1 ? "" : "s");
	ruleset_free(&rs);
	yr_finalize();
	return 0;
}

int
cli_usage_error(void (*fn)(FILE *), const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "vigie: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fn(stderr);
	return 2;
}

struct rconn *
cli_router(const struct conf *conf)
{
	return rconn_open(conf->redis_address, 10000);
}

const char *
cli_opt_value(int argc, char **argv, int *i, const char *name, int *missing)
{
	size_t	 n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = 1;
		return NULL;
	}
	return argv[++*i];
}

static const struct option longopts[] = {
	{ "config",	required_argument,	NULL, 'c' },
	{ "redis",	required_argument,	NULL, 'r' },
	{ "help",	no_argument,		NULL, 'h' },
	{ NULL,		0,			NULL, 0 }
};

int
main(int argc, char *argv[])
{
	struct conf	 conf;
	const char	*conf_path = NULL, *redis = NULL;
	int		 ch, verbose = 0, status;

	/* "+": stop at the command; its own options are its business. */
	while ((ch = getopt_long(argc, argv, "+c:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': conf_path = optarg; break;
		case 'r': redis = optarg; break;
		case 'v': verbose++; break;
		case 'h': usage_to(stdout, 0);
		default: usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	log_init("vigie", verbose);
	if (!strcmp(argv[0], "config"))
		return cmd_config(argc, argv, redis);
	if (!strcmp(argv[0], "rules") && (argc < 2 ||
	    strcmp(argv[1], "test") != 0))
		return cmd_rules(argc, argv);
	if (strcmp(argv[0], "report") && strcmp(argv[0], "incidents") &&
	    strcmp(argv[0], "events") && strcmp(argv[0], "backup") &&
	    strcmp(argv[0], "restore") && strcmp(argv[0], "rules"))
		usage();

	if (conf_init(&conf) == -1)
		return 1;
	if (conf_path != NULL && conf_load(&conf, conf_path) == -1)
		return 2;
	if (redis != NULL && conf_set(&conf, "redis", "address", redis,
	    "--redis") == -1)
		return 2;
	if (daytime_set_zone(conf.timezone) == -1) {
		fprintf(stderr, "vigie: timezone %s: unknown zone\n",
		    conf.timezone);
		return 2;
	}
	optind = 1;	/* the command parses its own options */
	if (!strcmp(argv[0], "report"))
		status = cmd_report(&conf, argc, argv);
	else if (!strcmp(argv[0], "events"))
		status = cmd_events(&conf, argc, argv);
	else if (!strcmp(argv[0], "backup"))
		status = cmd_backup(&conf, argc, argv);
	else if (!strcmp(argv[0], "restore"))
		status = cmd_restore(&conf, argc, argv);
	else if (!strcmp(argv[0], "rules"))
		status = cmd_rules_test(&conf, argc, argv);
	else
		status = cmd_incidents(&conf, argc, argv);
	conf_free(&conf);
	return status;
}
