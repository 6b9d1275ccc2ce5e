/*
 * cli/events.c - "vigie events": the events the collectors sent, as text
 * or JSON. Owns its options and connection (the slot router: a single
 * Redis or a cluster); pages through the streams with XRANGE, decodes frames (core/event.c), prints (core/event_json.c).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "conf.h"
#include "event.h"
#include "event_json.h"
#include "redis.h"

#define EVENTS_DEFAULT_COUNT	100	/* --count: 0 is all */
#define PAGE_FRAMES		32	/* frames per XRANGE */
#define KEY_LEN			1024

/* "<ms>-<seq>", a frame; "<ms>-<seq>/<index>", an event of it. */
struct evid {
	uint64_t	 ms, seq;
	int		 has_index;
	uint64_t	 index;
};

struct events_run {
	struct rconn		*c;	/* a single Redis or a cluster */
	int			 json;
	const struct evid	*since;		/* NULL: from the start */
	uint64_t		 limit;		/* 0: none */
	uint64_t		 shown;
	int			 bad;		/* entries not shown */
};

static void
events_usage(FILE *fp)
{
	fprintf(fp, "usage: vigie events [--sensor NAME] [--since ID] "
	    "[--count N] [--format text|json]\n"
	    "  ID is a frame id <ms>-<seq> or an event id <ms>-<seq>/<index>;\n"
	    "  --count defaults to %d, 0 shows every event\n",
	    EVENTS_DEFAULT_COUNT);
}

/* A decimal number, digits only, within uint64. Returns 0 or -1. */
static int
parse_u64(const char *s, const char **end, uint64_t *v)
{
	char	*e;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &e, 10);
	if (errno != 0)
		return -1;
	*end = e;
	return 0;
}

static int
parse_evid(const char *s, struct evid *id)
{
	const char	*p;

	memset(id, 0, sizeof(*id));
	if (parse_u64(s, &p, &id->ms) == -1 || *p != '-' ||
	    parse_u64(p + 1, &p, &id->seq) == -1)
		return -1;
	if (*p == '/') {
		id->has_index = 1;
		if (parse_u64(p + 1, &p, &id->index) == -1)
			return -1;
	}
	return *p == '\0' ? 0 : -1;
}

/* Writes what could not be shown, the stream named safely. */
static void
events_warn(struct events_run *run, const char *key, const char *id,
    const char *why)
{
	run->bad++;
	(void)fflush(stdout);	/* its lines first, in order */
	fputs("vigie events: ", stderr);
	(void)event_text_value(stderr, key, strlen(key));
	fprintf(stderr, ": frame %s: %s; not shown\n", id, why);
}

/* Prints one event. Returns 0 or -1 (stdout failed, or no memory). */
static int
events_print(struct events_run *run, const struct event *ev, const char *id)
{
	json_t	*o;
	int	 rc;

	if (!run->json)
		return event_text_print(stdout, ev, id);
	if ((o = event_json_encode(ev, id)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	rc = json_dumpf(o, stdout, JSON_COMPACT) == -1 ||
	    putchar('\n') == EOF ? -1 : 0;
	json_decref(o);
	return rc;
}

/*
 * One stream entry's frame: checked whole first, so that a frame is shown
 * entirely or not at all. Returns 0, 1 when --count is reached, -1 when
 * stdout failed.
 */
static int
events_frame(struct events_run *run, const char *key, const char *id,
    const char *data, size_t len)
{
	struct frame_dec	 fd;
	struct event		 ev;
	struct evid		 fid;
	const char		*why = NULL;
	char			 eid[96];
	uint64_t		 first = 0;
	uint32_t		 i;
	int			 rc;

	if (frame_open(&fd, data, len, &why) == 0) {
		while ((rc = frame_next(&fd, &ev, &why)) == 1)
			;
		if (rc == 0)
			why = NULL;
	}
	frame_close(&fd);
	if (why != NULL) {
		events_warn(run, key, id, why);
		return 0;
	}
	if (run->since != NULL && run->since->has_index &&
	    parse_evid(id, &fid) == 0 && fid.ms == run->since->ms &&
	    fid.seq == run->since->seq) {
		if (run->since->index >= UINT32_MAX)
			return 0;
		first = run->since->index + 1;
	}
	(void)frame_open(&fd, data, len, &why);
	for (i = 0, rc = 0; rc == 0 && frame_next(&fd, &ev, &why) == 1; i++) {
		if (i < first)
			continue;
		snprintf(eid, sizeof(eid), "%s/%" PRIu32, id, i);
		if (events_print(run, &ev, eid) == -1)
			rc = -1;
		else if (++run->shown == run->limit)
			rc = 1;
	}
	frame_close(&fd);
	return rc;
}

/*
 * Every entry of one stream after run->since, a page at a time.
 * Returns 0, 1 when --count is reached, -1 on failure (said).
 */
static int
events_stream(struct events_run *run, const char *key)
{
	redisReply	*r, *e, *fields;
	char		 start[64];
	const char	*id;
	size_t		 i, j;
	int		 rc = 0;

	if (run->since == NULL)
		snprintf(start, sizeof(start), "-");
	else
		/* An event id starts within its frame; a frame id after it. */
		snprintf(start, sizeof(start), "%s%" PRIu64 "-%" PRIu64,
		    run->since->has_index ? "" : "(", run->since->ms,
		    run->since->seq);
	for (;;) {
		if ((r = rconn_cmd(run->c, key, "XRANGE %s %s + COUNT %d", key,
		    start, PAGE_FRAMES)) == NULL)
			return -1;
		if (r->type != REDIS_REPLY_ARRAY) {
			fprintf(stderr, "vigie events: XRANGE %s: %s\n", key,
			    r->type == REDIS_REPLY_ERROR ? r->str :
			    "unexpected reply");
			freeReplyObject(r);
			return -1;
		}
		for (i = 0; i < r->elements && rc == 0; i++) {
			e = r->element[i];
			if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
			    e->element[0]->type != REDIS_REPLY_STRING) {
				fprintf(stderr, "vigie events: XRANGE %s: "
				    "unexpected reply\n", key);
				rc = -1;
				break;
			}
			id = e->element[0]->str;
			snprintf(start, sizeof(start), "(%s", id);
			fields = e->element[1];
			for (j = 0; fields->type == REDIS_REPLY_ARRAY &&
			    j + 1 < fields->elements; j += 2)
				if (fields->element[j]->type ==
				    REDIS_REPLY_STRING &&
				    strcmp(fields->element[j]->str, "frame") == 0)
					break;
			if (fields->type != REDIS_REPLY_ARRAY ||
			    j + 1 >= fields->elements ||
			    fields->element[j + 1]->type != REDIS_REPLY_STRING)
				events_warn(run, key, id, "entry has no frame field");
			else if ((rc = events_frame(run, key, id,
			    fields->element[j + 1]->str,
			    fields->element[j + 1]->len)) == -1)
				fprintf(stderr, "vigie events: stdout: %s\n",
				    strerror(errno));
		}
		if (rc != 0 || r->elements < PAGE_FRAMES) {
			freeReplyObject(r);
			return rc;
		}
		freeReplyObject(r);
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The sensors to show, sorted, into *names (caller frees the array; the
 * strings belong to *reply). Returns their number, -1 on failure, -2 for
 * an unknown --sensor (said).
 */
static long
events_sensors(struct rconn *c, const char *prefix, const char *only,
    redisReply **reply, char ***names)
{
	redisReply	*r, *x;
	char		 key[KEY_LEN], skey[KEY_LEN];
	size_t		 i, n = 0;
	int		 known;

	*reply = NULL;
	*names = NULL;
	redis_key(skey, sizeof(skey), prefix, "sensors");
	if (only != NULL) {
		if ((r = rconn_cmd(c, skey, "SISMEMBER %s %s", skey, only)) == NULL)
			return -1;
		known = r->type == REDIS_REPLY_INTEGER && r->integer == 1;
		if (r->type == REDIS_REPLY_ERROR)
			fprintf(stderr, "vigie events: SISMEMBER %s: %s\n",
			    skey, r->str);
		freeReplyObject(r);
		if (!known) {
			/* A stream nobody registered still shows. */
			redis_key(key, sizeof(key), prefix, "ev:{%s}", only);
			if ((x = rconn_cmd(c, key, "EXISTS %s", key)) == NULL)
				return -1;
			known = x->type == REDIS_REPLY_INTEGER &&
			    x->integer == 1;
			freeReplyObject(x);
		}
		if (!known) {
			fputs("vigie events: unknown sensor ", stderr);
			(void)event_text_value(stderr, only, strlen(only));
			fprintf(stderr, " (not in %s)\n", skey);
			return -2;
		}
		if ((*names = malloc(sizeof(**names))) == NULL) {
			fprintf(stderr, "vigie events: out of memory\n");
			return -1;
		}
		(*names)[0] = (char *)only;
		return 1;
	}
	if ((r = rconn_cmd(c, skey, "SMEMBERS %s", skey)) == NULL)
		return -1;
	if (r->type != REDIS_REPLY_ARRAY) {
		fprintf(stderr, "vigie events: SMEMBERS %s: %s\n", skey,
		    r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
		freeReplyObject(r);
		return -1;
	}
	if (r->elements > 0 &&
	    (*names = calloc(r->elements, sizeof(**names))) == NULL) {
		fprintf(stderr, "vigie events: out of memory\n");
		freeReplyObject(r);
		return -1;
	}
	for (i = 0; i < r->elements; i++)
		if (r->element[i]->type == REDIS_REPLY_STRING)
			(*names)[n++] = r->element[i]->str;
	qsort(*names, n, sizeof(**names), cmp_str);
	*reply = r;
	return (long)n;
}

int
cmd_events(const struct conf *conf, int argc, char **argv)
{
	struct events_run	 run;
	struct evid		 since;
	redisReply		*sr;
	const char		*sensor = NULL, *sinceopt = NULL, *v, *p;
	const char		*countopt = NULL, *fmtopt = "text";
	char			 key[KEY_LEN], **names;
	long			 n, k;
	int			 i, missing = 0, rc = 0;

	memset(&run, 0, sizeof(run));
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			events_usage(stdout);
			return 0;
		}
		if ((v = cli_opt_value(argc, argv, &i, "--sensor",
		    &missing)) != NULL)
			sensor = v;
		else if (!missing && (v = cli_opt_value(argc, argv, &i,
		    "--since", &missing)) != NULL)
			sinceopt = v;
		else if (!missing && (v = cli_opt_value(argc, argv, &i,
		    "--count", &missing)) != NULL)
			countopt = v;
		else if (!missing && (v = cli_opt_value(argc, argv, &i,
		    "--format", &missing)) != NULL)
			fmtopt = v;
		if (missing) {
			fprintf(stderr, "vigie events: %s needs a value\n",
			    argv[i]);
			events_usage(stderr);
			return 2;
		}
		if (v == NULL) {
			fprintf(stderr, "vigie events: unknown argument "
			    "\"%s\"\n", argv[i]);
			events_usage(stderr);
			return 2;
		}
	}
	if (strcmp(fmtopt, "json") == 0)
		run.json = 1;
	else if (strcmp(fmtopt, "text") != 0) {
		fprintf(stderr, "vigie events: unknown format \"%s\" "
		    "(text or json)\n", fmtopt);
		return 2;
	}
	if (sensor != NULL && *sensor == '\0') {
		fprintf(stderr, "vigie events: empty --sensor\n");
		return 2;
	}
	if (sensor != NULL && strlen(conf->redis_prefix) + strlen(sensor) +
	    sizeof("ev:{}") > KEY_LEN) {
		fprintf(stderr, "vigie events: --sensor too long\n");
		return 2;
	}
	if (sinceopt != NULL) {
		if (parse_evid(sinceopt, &since) == -1) {
			fprintf(stderr, "vigie events: invalid --since \"%s\" "
			    "(<ms>-<seq> or <ms>-<seq>/<index>)\n", sinceopt);
			return 2;
		}
		run.since = &since;
	}
	run.limit = EVENTS_DEFAULT_COUNT;
	if (countopt != NULL && (parse_u64(countopt, &p, &run.limit) == -1 ||
	    *p != '\0')) {
		fprintf(stderr, "vigie events: invalid --count \"%s\" "
		    "(0 for all, or a number of events)\n", countopt);
		return 2;
	}

	if ((run.c = rconn_open(conf->redis_address, 10000)) == NULL)
		return 1;
	if ((n = events_sensors(run.c, conf->redis_prefix, sensor, &sr,
	    &names)) < 0) {
		rconn_close(run.c);
		return n == -2 ? 2 : 1;
	}
	for (k = 0; k < n && rc == 0; k++) {
		if (strlen(conf->redis_prefix) + strlen(names[k]) +
		    sizeof("ev:{}") > KEY_LEN) {
			fputs("vigie events: sensor ", stderr);
			(void)event_text_value(stderr, names[k],
			    strlen(names[k]));
			fputs(": name too long; not shown\n", stderr);
			run.bad++;
			continue;
		}
		redis_key(key, sizeof(key), conf->redis_prefix, "ev:{%s}",
		    names[k]);
		rc = events_stream(&run, key);
	}
	free(names);
	if (sr != NULL)
		freeReplyObject(sr);
	rconn_close(run.c);
	if (rc == -1)
		return 1;
	if (fflush(stdout) == EOF) {
		fprintf(stderr, "vigie events: stdout: %s\n", strerror(errno));
		return 1;
	}
	if (run.bad > 0) {
		fprintf(stderr, "vigie events: %d entr%s could not be shown\n",
		    run.bad, run.bad == 1 ? "y" : "ies");
		return 1;
	}
	return 0;
}
