/*
 * cli/report.c - "vigie report": one day's or N days' counters.
 * Owns its options; reads through core/report.c, prints text, JSON or CSV.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "cmd.h"
#include "conf.h"
#include "daytime.h"
#include "report.h"

enum format { FMT_TEXT, FMT_JSON, FMT_CSV };

static void
report_usage(FILE *fp)
{
	fprintf(fp, "usage: vigie report [--day YYYY-MM-DD | --days N] "
	    "[--format text|json|csv]\n");
}

static int
parse_days(const char *s, int *n)
{
	char	*end;
	long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > REPORT_MAX_DAYS)
		return -1;
	*n = (int)v;
	return 0;
}

int
cmd_report(const struct conf *conf, int argc, char **argv)
{
	struct rconn	*c;
	const char	*dayopt = NULL, *daysopt = NULL, *fmtopt = "text", *v;
	enum format	 fmt;
	json_t		*res, *days;
	char		 day[11];
	int		 i, n = 1, missing = 0, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			report_usage(stdout);
			return 0;
		}
		if ((v = cli_opt_value(argc, argv, &i, "--days", &missing)) != NULL)
			daysopt = v;
		else if (!missing &&
		    (v = cli_opt_value(argc, argv, &i, "--day", &missing)) != NULL)
			dayopt = v;
		else if (!missing &&
		    (v = cli_opt_value(argc, argv, &i, "--format", &missing)) != NULL)
			fmtopt = v;
		if (missing) {
			fprintf(stderr, "vigie report: %s needs a value\n",
			    argv[i]);
			report_usage(stderr);
			return 2;
		}
		if (v == NULL) {
			fprintf(stderr, "vigie report: unknown argument "
			    "\"%s\"\n", argv[i]);
			report_usage(stderr);
			return 2;
		}
	}
	if (strcmp(fmtopt, "text") == 0)
		fmt = FMT_TEXT;
	else if (strcmp(fmtopt, "json") == 0)
		fmt = FMT_JSON;
	else if (strcmp(fmtopt, "csv") == 0)
		fmt = FMT_CSV;
	else {
		fprintf(stderr, "vigie report: unknown format \"%s\" "
		    "(text, json or csv)\n", fmtopt);
		return 2;
	}
	if (dayopt != NULL && daysopt != NULL) {
		fprintf(stderr, "vigie report: --day and --days exclude "
		    "each other\n");
		return 2;
	}
	if (dayopt != NULL) {
		if (daytime_parse_day(dayopt) == -1) {
			fprintf(stderr, "vigie report: invalid day \"%s\" "
			    "(YYYY-MM-DD)\n", dayopt);
			return 2;
		}
		snprintf(day, sizeof(day), "%s", dayopt);
	} else
		daytime_day(time(NULL), day, NULL);
	if (daysopt != NULL && parse_days(daysopt, &n) == -1) {
		fprintf(stderr, "vigie report: invalid --days \"%s\" "
		    "(1 to %d)\n", daysopt, REPORT_MAX_DAYS);
		return 2;
	}

	if ((c = cli_router(conf)) == NULL)
		return 1;
	if (daysopt != NULL)
		res = report_days(c, conf->redis_prefix, day, n);
	else
		res = report_day(c, conf->redis_prefix, day);
	rconn_close(c);
	if (res == NULL)
		return 1;

	if (fmt == FMT_JSON) {
		rc = json_dumpf(res, stdout, JSON_INDENT(2)) == -1 ||
		    fputc('\n', stdout) == EOF || fflush(stdout) == EOF ?
		    -1 : 0;
	} else if (daysopt == NULL && fmt == FMT_TEXT)
		rc = report_print_text(stdout, res);
	else {
		/* text and CSV for several days: one row per day. */
		if (daysopt == NULL) {
			if ((days = json_array()) == NULL ||
			    json_array_append(days, res) == -1) {
				fprintf(stderr, "vigie report: out of memory\n");
				json_decref(days);
				json_decref(res);
				return 1;
			}
		} else
			days = json_incref(res);
		rc = fmt == FMT_CSV ? report_print_csv(stdout, days) :
		    report_print_days_text(stdout, days);
		json_decref(days);
	}
	json_decref(res);
	if (rc == -1) {
		fprintf(stderr, "vigie report: stdout: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
