/*
 * cli/incidents.c - "vigie incidents list|show": incidents as text or JSON.
 * Owns its options; reads through core/report.c, prints on stdout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "conf.h"
#include "report.h"

#define LIST_MAX	1000000

static void
incidents_usage(FILE *fp)
{
	fprintf(fp, "usage: vigie incidents list [--status open|acknowledged|"
	    "closed] [--limit N] [--format text|json]\n"
	    "       vigie incidents show ID [--format text|json]\n");
}

/* Returns 0, 1 for JSON, or -1 after printing why. */
static int
parse_format(const char *fmt)
{
	if (strcmp(fmt, "text") == 0)
		return 0;
	if (strcmp(fmt, "json") == 0)
		return 1;
	fprintf(stderr, "vigie incidents: unknown format \"%s\" "
	    "(text or json)\n", fmt);
	return -1;
}

static int
print_json(const json_t *j)
{
	if (json_dumpf(j, stdout, JSON_INDENT(2)) == -1 ||
	    fputc('\n', stdout) == EOF || fflush(stdout) == EOF)
		return -1;
	return 0;
}

int
cmd_incidents(const struct conf *conf, int argc, char **argv)
{
	redisContext	*c;
	const char	*status = NULL, *fmtopt = "text", *limitopt = NULL;
	const char	*id = NULL, *v, *sub;
	json_t		*res = NULL;
	char		*end;
	long		 limit = 0;
	int		 i, json, missing = 0, rc, show;

	if (argc < 2) {
		incidents_usage(stderr);
		return 2;
	}
	sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 ||
	    strcmp(sub, "help") == 0) {
		incidents_usage(stdout);
		return 0;
	}
	if (strcmp(sub, "list") == 0)
		show = 0;
	else if (strcmp(sub, "show") == 0)
		show = 1;
	else if (strcmp(sub, "ack") == 0 || strcmp(sub, "close") == 0) {
		fprintf(stderr, "vigie incidents: \"%s\" is not available "
		    "in this version\n", sub);
		return 2;
	} else {
		fprintf(stderr, "vigie incidents: unknown subcommand "
		    "\"%s\"\n", sub);
		incidents_usage(stderr);
		return 2;
	}

	for (i = 2; i < argc; i++) {
		v = NULL;
		if (!show &&
		    (v = cli_opt_value(argc, argv, &i, "--status", &missing)) != NULL)
			status = v;
		else if (!show && !missing &&
		    (v = cli_opt_value(argc, argv, &i, "--limit", &missing)) != NULL)
			limitopt = v;
		else if (!missing &&
		    (v = cli_opt_value(argc, argv, &i, "--format", &missing)) != NULL)
			fmtopt = v;
		else if (!missing && show && id == NULL && argv[i][0] != '-')
			v = id = argv[i];
		if (missing) {
			fprintf(stderr, "vigie incidents %s: %s needs a value\n",
			    sub, argv[i]);
			return 2;
		}
		if (v == NULL) {
			fprintf(stderr, "vigie incidents %s: unknown argument "
			    "\"%s\"\n", sub, argv[i]);
			incidents_usage(stderr);
			return 2;
		}
	}
	if ((json = parse_format(fmtopt)) == -1)
		return 2;
	if (status != NULL && !report_status_valid(status)) {
		fprintf(stderr, "vigie incidents list: unknown status \"%s\" "
		    "(open, acknowledged or closed)\n", status);
		return 2;
	}
	if (limitopt != NULL) {
		errno = 0;
		limit = strtol(limitopt, &end, 10);
		if (*limitopt < '0' || *limitopt > '9' || *end != '\0' ||
		    errno != 0 || limit < 1 || limit > LIST_MAX) {
			fprintf(stderr, "vigie incidents list: invalid --limit "
			    "\"%s\" (1 to %d)\n", limitopt, LIST_MAX);
			return 2;
		}
	}

	if (show) {
		if (id == NULL) {
			fprintf(stderr, "vigie incidents show: missing ID\n");
			incidents_usage(stderr);
			return 2;
		}
		if (!report_id_valid(id)) {
			fprintf(stderr, "vigie incidents show: invalid ID "
			    "\"%s\" (a decimal number)\n", id);
			return 2;
		}
		if ((c = cli_connect(conf)) == NULL)
			return 1;
		i = report_incident(c, conf->redis_prefix, id, &res);
		redisFree(c);
		switch (i) {
		case -1:
			return 1;
		case 1:
			fprintf(stderr, "vigie incidents show: no incident "
			    "%s\n", id);
			return 2;
		}
		rc = json ? print_json(res) : incident_print_text(stdout, res);
	} else {
		if ((c = cli_connect(conf)) == NULL)
			return 1;
		res = report_incidents(c, conf->redis_prefix, status,
		    (size_t)limit);
		redisFree(c);
		if (res == NULL)
			return 1;
		rc = json ? print_json(res) : incidents_print_text(stdout, res);
	}
	json_decref(res);
	if (rc == -1) {
		fprintf(stderr, "vigie incidents: stdout: %s\n",
		    strerror(errno));
		return 1;
	}
	return 0;
}
