/*
 * cli/incidents.c - "vigie incidents list|show|ack|close": incidents as
 * text or JSON, and an analyst's changes. Owns its options; reads through
 * core/report.c, changes through core/incident.c, prints on stdout.
 */
#include <sys/types.h>

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "conf.h"
#include "incident.h"
#include "report.h"

#define LIST_MAX	1000000

enum sub { SUB_LIST, SUB_SHOW, SUB_CHANGE };

static void
incidents_usage(FILE *fp)
{
	fprintf(fp, "usage: vigie incidents list [--status open|acknowledged|"
	    "closed] [--limit N] [--format text|json]\n"
	    "                            [--severity S] [--rule R] "
	    "[--category C] [--country CC]\n"
	    "                            [--source ADDR] [--text TEXT]\n"
	    "       vigie incidents show ID [--format text|json]\n"
	    "       vigie incidents ack ID [--note TEXT] [--by|--as NAME]\n"
	    "       vigie incidents close ID [--note TEXT] [--by|--as NAME]\n");
}

/*
 * The analyst by default: whoever ran sudo, else $USER, else the name of
 * the uid; into buf.
 */
static const char *
default_by(char *buf, size_t len)
{
	const struct passwd	*pw;
	const char		*v;

	if ((v = getenv("SUDO_USER")) != NULL && *v != '\0')
		snprintf(buf, len, "%s", v);
	else if ((v = getenv("USER")) != NULL && *v != '\0')
		snprintf(buf, len, "%s", v);
	else if ((pw = getpwuid(getuid())) != NULL && pw->pw_name != NULL)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "uid %lu", (unsigned long)getuid());
	return buf;
}

/* ack and close: exit status 0, 1 (Redis) or 2 (input, or refused). */
static int
incidents_change(const struct conf *conf, const char *sub,
    enum incident_op op, const char *id, const char *by, const char *note)
{
	struct incident_result	 res;
	struct rconn		*c;
	int			 rc;

	if ((c = cli_router(conf)) == NULL)
		return 1;
	rc = incident_change(c, conf->redis_prefix, id, op, by, note, &res);
	rconn_close(c);
	switch (rc) {
	case INCIDENT_OK:
		printf("incident %s %s by %s (alert %s)\n", id, res.status, by,
		    res.alert_id);
		if (fflush(stdout) == EOF) {
			fprintf(stderr, "vigie incidents: stdout: %s\n",
			    strerror(errno));
			return 1;
		}
		return 0;
	case INCIDENT_FAILED:
		return 1;	/* logged */
	default:
		fprintf(stderr, "vigie incidents %s: %s\n", sub, res.msg);
		return 2;
	}
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
	struct rconn	*c;
	const char	*status = NULL, *fmtopt = "text", *limitopt = NULL;
	struct incident_filter flt;
	size_t		 total;
	const char	*id = NULL, *v, *sub, *note = NULL, *by = NULL;
	const char	*twice = NULL;
	json_t		*res = NULL;
	enum incident_op op = INCIDENT_ACK;
	enum sub	 kind;
	char		*end, msg[INCIDENT_MSG_LEN], byname[256];
	long		 limit = 0;

	memset(&flt, 0, sizeof(flt));
	int		 i, json, missing = 0, rc;

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
		kind = SUB_LIST;
	else if (strcmp(sub, "show") == 0)
		kind = SUB_SHOW;
	else if (incident_op_parse(sub, &op) == 0)
		kind = SUB_CHANGE;
	else {
		fprintf(stderr, "vigie incidents: unknown subcommand "
		    "\"%s\"\n", sub);
		incidents_usage(stderr);
		return 2;
	}

	for (i = 2; i < argc; i++) {
		v = NULL;
		if (kind == SUB_LIST &&
		    (v = cli_opt_value(argc, argv, &i, "--status", &missing)) != NULL)
			status = v;
		else if (kind == SUB_LIST && !missing &&
		    (v = cli_opt_value(argc, argv, &i, "--severity", &missing)) != NULL)
			flt.severity = v;
		else if (kind == SUB_LIST && !missing &&
		    (v = cli_opt_value(argc, argv, &i, "--rule", &missing)) != NULL)
			flt.rule = v;
		else if (kind == SUB_LIST && !missing &&
		    (v = cli_opt_value(argc, argv, &i, "--category", &missing)) != NULL)
			flt.category = v;
		else if (kind == SUB_LIST && !missing &&
		    (v = cli_opt_value(argc, argv, &i, "--country", &missing)) != NULL)
			flt.country = v;
		else if (kind == SUB_LIST && !missing &&
		    (v = cli_opt_value(argc, argv, &i, "--source", &missing)) != NULL)
			flt.src = v;
		else if (kind == SUB_LIST && !missing &&
		    (v = cli_opt_value(argc, argv, &i, "--text", &missing)) != NULL)
			flt.text = v;
		else if (kind == SUB_LIST && !missing &&
		    (v = cli_opt_value(argc, argv, &i, "--limit", &missing)) != NULL)
			limitopt = v;
		else if (kind != SUB_CHANGE && !missing &&
		    (v = cli_opt_value(argc, argv, &i, "--format", &missing)) != NULL)
			fmtopt = v;
		else if (kind == SUB_CHANGE && !missing &&
		    (v = cli_opt_value(argc, argv, &i, "--note", &missing)) != NULL) {
			if (note != NULL)
				twice = "--note";
			note = v;
		} else if (kind == SUB_CHANGE && !missing &&
		    ((v = cli_opt_value(argc, argv, &i, "--by", &missing)) !=
		    NULL || (!missing && (v = cli_opt_value(argc, argv, &i,
		    "--as", &missing)) != NULL))) {
			if (by != NULL)
				twice = "--by/--as";
			by = v;
		}
		else if (!missing && kind != SUB_LIST && id == NULL &&
		    argv[i][0] != '-')
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
	if (twice != NULL) {
		fprintf(stderr, "vigie incidents %s: %s given twice\n", sub,
		    twice);
		return 2;
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

	if (kind != SUB_LIST) {
		if (id == NULL) {
			fprintf(stderr, "vigie incidents %s: missing ID\n", sub);
			incidents_usage(stderr);
			return 2;
		}
		if (!report_id_valid(id)) {
			fprintf(stderr, "vigie incidents %s: invalid ID "
			    "\"%s\" (a decimal number)\n", sub, id);
			return 2;
		}
	}
	if (kind == SUB_CHANGE) {
		if (by == NULL)
			by = default_by(byname, sizeof(byname));
		if (incident_check(by, note, msg, sizeof(msg)) == -1) {
			fprintf(stderr, "vigie incidents %s: %s\n", sub, msg);
			return 2;
		}
		return incidents_change(conf, sub, op, id, by, note);
	}
	if (kind == SUB_SHOW) {
		if ((c = cli_router(conf)) == NULL)
			return 1;
		i = report_incident(c, conf->redis_prefix, id, &res);
		rconn_close(c);
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
		if ((c = cli_router(conf)) == NULL)
			return 1;
		if (flt.severity || flt.rule || flt.category || flt.country ||
		    flt.src || flt.text) {
			/* The same filter as the web view's list. */
			flt.status = status;
			res = report_incidents_find(c, conf->redis_prefix, &flt,
			    0, (size_t)limit, &total);
		} else
			res = report_incidents(c, conf->redis_prefix, status,
			    (size_t)limit);
		rconn_close(c);
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
