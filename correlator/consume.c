/*
 * correlator/consume.c - a worker: read frames from the group, have them
 * judged into one FCALL per stream (record.c) and commit each batch in
 * one atomic step (commit.lua), including the frames that cannot be
 * decoded. Owns the worker's Redis connection, scanner and calls; holds
 * a bundle (bundle.c) and takes a newer one between batches.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "correlator.h"
#include "webinfo.h"
#include "log.h"
#include "daytime.h"
#include "redis.h"

#define CLAIM_EVERY_S	30	/* at most; half of claim-idle when less */
#define DISCOVER_EVERY_S 1	/* new sensors in <prefix>sensors */
#define SWEEP_EVERY_S	60
#define TRIM_EVERY_S	10
#define TRIM_SPAN_MAX	5000	/* pending span we measure before giving up */
#define DEAD_LOG_EVERY_S 60
#define FRAME_FIELD	"frame"
#define REDIS_TIMEOUT_MS 30000
/* An origin acknowledged in its stream scores below this (commit.lua). */
#define DONE_ACKED	10000000000000LL
#define WAIT_MS		2000	/* a replica's acknowledgement of a commit */

/* Logs an undecodable frame, at most once a minute with a count. */
static void
worker_dead_note(struct worker *w, const char *stream, const char *id,
    const char *why)
{
	time_t	 now = time(NULL);

	if (w->dead_logged != 0 && now - w->dead_logged < DEAD_LOG_EVERY_S) {
		w->dead_quiet++;
		return;
	}
	if (w->dead_quiet > 0)
		log_warnx("%s %s: cannot decode frame: %s; to %sdead, with "
		    "%" PRIu64 " more since the last report", stream, id, why,
		    w->b->conf.redis_prefix, w->dead_quiet);
	else
		log_warnx("%s %s: cannot decode frame: %s; to %sdead", stream,
		    id, why, w->b->conf.redis_prefix);
	w->dead_logged = now;
	w->dead_quiet = 0;
}

/* The value of `name` in an entry's flat field list, or NULL. */
static const redisReply *
entry_field(const redisReply *fields, const char *name)
{
	size_t	 i;

	for (i = 0; i + 1 < fields->elements; i += 2)
		if (fields->element[i]->type == REDIS_REPLY_STRING &&
		    strcmp(fields->element[i]->str, name) == 0)
			return fields->element[i + 1];
	return NULL;
}

/*
 * One connection whatever Redis's shape (the slot router); on a single
 * server with the state unpartitioned, its context is also used as is,
 * so that Redis commits one read while the worker judges the next.
 */
static int
worker_connect(struct worker *w)
{
	if (w->r != NULL)
		return 0;
	if ((w->r = rconn_open(w->b->conf.redis_address,
	    REDIS_TIMEOUT_MS)) == NULL)
		return -1;
	w->parted = parts_tagged(w->cor->nparts, rconn_is_cluster(w->r));
	if (!w->parted && (w->rc = rconn_single(w->r)) == NULL) {
		rconn_close(w->r);
		w->r = NULL;
		return -1;
	}
	return 0;
}

static void
worker_disconnect(struct worker *w)
{
	if (w->r != NULL)
		rconn_close(w->r);
	w->r = NULL;
	w->rc = NULL;		/* r's */
	w->discovered = 0;	/* look again on the next connection */
}

/*
 * Refreshes the list of sensor streams, a sensor that appeared while we
 * run included; creates the group where missing.
 */
static int
worker_discover(struct worker *w)
{
	const char	*prefix = w->b->conf.redis_prefix;
	char		 key[512];
	redisReply	*r, *g;
	size_t		 i, j;

	redis_key(key, sizeof(key), prefix, "sensors");
	if ((r = rconn_cmd(w->r, key, "SMEMBERS %s", key)) == NULL)
		return -1;
	if (r->type != REDIS_REPLY_ARRAY) {
		log_warnx("redis: SMEMBERS %s: %s", key,
		    r->type == REDIS_REPLY_ERROR ? r->str : "not a set");
		freeReplyObject(r);
		return -1;
	}
	for (i = 0; i < r->elements; i++) {
		if (r->element[i]->type != REDIS_REPLY_STRING)
			continue;
		redis_key(key, sizeof(key), prefix, "ev:{%s}",
		    r->element[i]->str);
		for (j = 0; j < w->nstreams; j++)
			if (!strcmp(w->streams[j], key))
				break;
		if (j < w->nstreams)
			continue;
		g = rconn_cmd(w->r, key, "XGROUP CREATE %s %s 0 MKSTREAM", key,
		    CORRELATOR_GROUP);
		if (g == NULL) {
			freeReplyObject(r);
			return -1;
		}
		if (g->type == REDIS_REPLY_ERROR &&
		    strncmp(g->str, "BUSYGROUP", 9) != 0) {
			log_warnx("redis: XGROUP CREATE %s: %s", key, g->str);
			freeReplyObject(g);
			continue;
		}
		freeReplyObject(g);
		if ((w->streams = realloc(w->streams, (w->nstreams + 1) *
		    sizeof(*w->streams))) == NULL ||
		    (w->streams[w->nstreams] = strdup(key)) == NULL)
			fatalx("%s: out of memory", __func__);
		w->nstreams++;
		if (w->looked)
			log_info("worker %d: new sensor stream %s", w->idx,
			    key);
	}
	freeReplyObject(r);
	w->discovered = time(NULL);
	w->looked = 1;
	return 0;
}

/* A call prepared for the next round trip: an FCALL, or an XACK. */
static struct fargs *
worker_call(struct worker *w)
{
	struct fargs	*fa;

	if (w->nnext == w->capcalls) {
		size_t	 ncap = w->capcalls ? w->capcalls * 2 : 4, i;

		if ((w->next = realloc(w->next, ncap * sizeof(*w->next))) ==
		    NULL || (w->ready = realloc(w->ready, ncap *
		    sizeof(*w->ready))) == NULL)
			fatalx("%s: out of memory", __func__);
		for (i = w->capcalls; i < ncap; i++) {
			memset(&w->next[i], 0, sizeof(w->next[i]));
			memset(&w->ready[i], 0, sizeof(w->ready[i]));
		}
		w->capcalls = ncap;
	}
	fa = &w->next[w->nnext++];
	fargs_reset(fa);
	return fa;
}

/*
 * Frames the next read takes per stream: `batch`, or fewer when the last
 * read's frames held so many detections that a call would pass
 * COMMIT_MAX_DETECTIONS.
 */
static int
worker_count(const struct worker *w)
{
	uint64_t	 n;

	if (w->dets_x16 == 0)
		return w->b->conf.read_count;
	n = (uint64_t)COMMIT_MAX_DETECTIONS * 16 / w->dets_x16;
	if (n < 1)
		n = 1;
	return n < (uint64_t)w->b->conf.read_count ? (int)n :
	    w->b->conf.read_count;
}

/* Adds id to the XACK call w->next[*call] of stream, made when
 * SIZE_MAX. */
static void
worker_ack(struct worker *w, size_t *call, const char *stream,
    const char *id)
{
	struct fargs	*fa;

	if (*call == SIZE_MAX) {
		fa = worker_call(w);
		*call = (size_t)(fa - w->next);
		fargs_add(fa, "XACK");
		fargs_add(fa, stream);
		fargs_add(fa, CORRELATOR_GROUP);
	}
	fargs_add(&w->next[*call], id);
}

/*
 * Judges one stream's entries and prepares their FCALL (and an XACK for
 * entries that were pending but are gone from the stream) for the next
 * round trip.
 */
static void
worker_prepare(struct worker *w, const char *stream, const redisReply *entries)
{
	const redisReply	*raw;
	const char		*id, *why;
	size_t			 i, gone = SIZE_MAX, acks = SIZE_MAX;
	uint64_t		 dets = w->rec.calldets, frames = w->rec.nframes;

	/*
	 * Partitioned: the frames of every stream go to one split call
	 * (record_part_calls()), and each frame read is acknowledged in its
	 * stream once every partition call has answered.
	 */
	if (w->parted)
		record_stream(&w->rec, stream);
	else
		record_begin(&w->rec);
	for (i = 0; i < entries->elements; i++) {
		const redisReply *e = entries->element[i];

		if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
		    e->element[0]->type != REDIS_REPLY_STRING)
			continue;
		id = e->element[0]->str;
		if (w->parted)
			worker_ack(w, &acks, stream, id);
		if (e->element[1]->type != REDIS_REPLY_ARRAY) {
			/* Pending, but trimmed or deleted: nothing to count. */
			log_warnx("%s %s: entry gone from the stream; "
			    "acknowledged uncounted", stream, id);
			if (!w->parted)
				worker_ack(w, &gone, stream, id);
			continue;
		}
		raw = entry_field(e->element[1], FRAME_FIELD);
		if (raw == NULL || raw->type != REDIS_REPLY_STRING) {
			why = "no frame field";
			record_dead(&w->rec, id, why, "", 0);
		} else if (record_frame(&w->rec, id, raw->str, raw->len,
		    &why) == -1)
			record_dead(&w->rec, id, why, raw->str, raw->len);
		else
			continue;
		worker_dead_note(w, stream, id, why);
	}
	w->read_dets += w->rec.calldets - dets;
	w->read_frames += w->rec.nframes - frames;
	if (!w->parted && w->rec.nframes > 0)
		record_call(&w->rec, worker_call(w), &w->b->conf, stream,
		    CORRELATOR_GROUP);
}

/* No sensor yet: waits as a read would, then looks again. Returns 0. */
static long
worker_idle(struct worker *w, int block)
{
	struct timespec	 ts;

	if (block) {
		ts.tv_sec = w->b->conf.block_ms / 1000;
		ts.tv_nsec = (long)(w->b->conf.block_ms % 1000) * 1000000;
		nanosleep(&ts, NULL);
		w->discovered = 0;
	}
	return 0;
}

/* Appends every ready call to the output buffer. Returns 0 or -1. */
static int
worker_send_ready(struct worker *w)
{
	size_t	 i;

	for (i = 0; i < w->nready; i++) {
		struct fargs *fa = &w->ready[i];

		if (fa->n == 0)
			continue;
		if (w->cor->crash_before > 0 && --w->cor->crash_before == 0)
			_exit(99);	/* test hook: batch read, not committed */
		fargs_argv(fa);
		if (redisAppendCommandArgv(w->rc, (int)fa->n, fa->argv,
		    fa->argl) != REDIS_OK) {
			log_warnx("redis: %s", w->rc->errstr);
			return -1;
		}
	}
	return 0;
}

/* Hands the output buffer to Redis now, without reading. 0 or -1. */
static int
worker_write(struct worker *w)
{
	int	 done = 0;

	while (!done)
		if (redisBufferWrite(w->rc, &done) != REDIS_OK) {
			log_warnx("redis: %s", w->rc->errstr);
			return -1;
		}
	return 0;
}

/* Reads the replies of the ready calls sent. Returns 0 or -1. */
static int
worker_read_results(struct worker *w)
{
	redisReply	*r;
	size_t		 i;
	void		*rv;
	int		 rc = 0;

	for (i = 0; i < w->nready; i++) {
		struct fargs *fa = &w->ready[i];

		if (fa->n == 0)
			continue;
		if (redisGetReply(w->rc, &rv) != REDIS_OK) {
			log_warnx("redis: %s", w->rc->errstr);
			return -1;
		}
		r = rv;
		if (r->type == REDIS_REPLY_ERROR) {
			log_warnx("redis: %s %s: %s", fa->argv[0], fa->argv[3],
			    r->str);
			if (strstr(r->str, "not found") != NULL)
				w->reload = 1;	/* Redis lost its functions */
			rc = -1;
		} else if (strcmp(fa->argv[0], "FCALL") == 0 &&
		    r->type == REDIS_REPLY_ARRAY && r->elements == 3) {
			w->events += (uint64_t)r->element[0]->integer;
			w->skipped += (uint64_t)r->element[1]->integer;
			w->dead += (uint64_t)r->element[2]->integer;
			webinfo_count(fa->argv[3],
			    (uint64_t)r->element[0]->integer,
			    (uint64_t)r->element[1]->integer,
			    (uint64_t)r->element[2]->integer,
			    w->rec.detections - w->shown_dets);
			w->shown_dets = w->rec.detections;
		}
		freeReplyObject(r);
	}
	w->nready = 0;
	webinfo_judge_us(w->rec.judge_us - w->shown_us);
	w->shown_us = w->rec.judge_us;
	return rc;
}

/* Sends the ready calls and waits for them. Returns 0 or -1. */
static int
worker_flush(struct worker *w)
{
	if (w->nready == 0)
		return 0;
	if (worker_send_ready(w) == -1)
		return -1;
	return worker_read_results(w);
}

/* Judges with bundle b and scanner sc from now on (both the worker's). */
static void
worker_bind(struct worker *w, struct bundle *b, struct scanner *sc)
{
	struct detector	 det;
	uint64_t	 dets = w->rec.detections, us = w->rec.judge_us;

	det.conf = &b->conf;
	det.geo = &b->geo;
	det.rs = &b->rules;
	det.sc = sc;
	record_free(&w->rec);
	record_init(&w->rec, &det);
	w->rec.detections = dets;
	w->rec.judge_us = us;
	w->b = b;
	w->sc = sc;
}

/*
 * Between batches: takes the bundle in force when it is newer than the
 * worker's, with a scanner of its own for the new rules. The calls
 * prepared and not yet sent hold copies of what they need, so nothing of
 * the old bundle is used after this: its scanner is freed and the
 * bundle let go (freed there if this worker was its last user).
 */
static void
worker_rebind(struct worker *w)
{
	struct bundle	*nb, *old = w->b;
	struct scanner	*sc, *oldsc = w->sc;

	if ((nb = bundle_newer(&w->cor->slot, old)) == NULL)
		return;
	if ((sc = scanner_new(&nb->rules)) == NULL) {
		if (w->refused != nb->gen)
			log_warnx("worker %d: cannot create a YARA scanner for "
			    "the rules of reload %u; keeping those of %u",
			    w->idx, nb->gen, old->gen);
		w->refused = nb->gen;
		bundle_drop(&w->cor->slot, nb);
		return;
	}
	worker_bind(w, nb, sc);
	scanner_free(oldsc);
	bundle_drop(&w->cor->slot, old);
	log_debug("worker %d: on the rules of reload %u", w->idx, nb->gen);
}

static long	worker_read_parts(struct worker *, const char *, int);

/*
 * One round: XREADGROUP from `id` ("0": this consumer's pending entries;
 * ">": new ones), then the calls prepared last round are sent, and Redis
 * runs those commits while this worker scans what it just read; the new
 * entries become the ready calls of the next round. It blocks only when
 * nothing is left to commit. Returns entries read, or -1.
 */
static long
worker_read(struct worker *w, const char *id, int block)
{
	const struct conf *conf = &w->b->conf;

	if (w->parted)
		return worker_read_parts(w, id, block);
	const char	**argv;
	struct fargs	*swap;
	redisReply	*r;
	size_t		 argc = 0, i;
	long		 total = 0;
	char		 count[16], blockms[16];
	void		*rv;

	if (w->nstreams == 0)
		return worker_idle(w, block);
	if ((argv = calloc(10 + 2 * w->nstreams, sizeof(*argv))) == NULL)
		fatalx("%s: out of memory", __func__);
	snprintf(count, sizeof(count), "%d", worker_count(w));
	snprintf(blockms, sizeof(blockms), "%d", conf->block_ms);
	argv[argc++] = "XREADGROUP";
	argv[argc++] = "GROUP";
	argv[argc++] = CORRELATOR_GROUP;
	argv[argc++] = w->consumer;
	argv[argc++] = "COUNT";
	argv[argc++] = count;
	if (block && w->nready == 0) {
		argv[argc++] = "BLOCK";
		argv[argc++] = blockms;
	}
	argv[argc++] = "STREAMS";
	for (i = 0; i < w->nstreams; i++)
		argv[argc++] = w->streams[i];
	for (i = 0; i < w->nstreams; i++)
		argv[argc++] = id;
	/*
	 * The read goes alone: Redis answers a pipeline only once it has
	 * run all of it, and the commit must run while we scan.
	 */
	if (redisAppendCommandArgv(w->rc, (int)argc, argv, NULL) != REDIS_OK ||
	    redisGetReply(w->rc, &rv) != REDIS_OK) {
		free(argv);
		log_warnx("redis: XREADGROUP: %s", w->rc->errstr);
		return -1;
	}
	free(argv);
	r = rv;
	if (r->type == REDIS_REPLY_ERROR) {
		log_warnx("redis: XREADGROUP: %s", r->str);
		freeReplyObject(r);
		return -1;
	}
	/* Rules put in force while the read waited judge what it brought. */
	worker_rebind(w);
	if (worker_send_ready(w) == -1 || worker_write(w) == -1) {
		freeReplyObject(r);
		return -1;
	}
	w->nnext = 0;
	w->read_dets = w->read_frames = 0;
	if (r->type == REDIS_REPLY_ARRAY) {
		for (i = 0; i < r->elements; i++) {
			const redisReply *s = r->element[i];

			if (s->type != REDIS_REPLY_ARRAY || s->elements != 2 ||
			    s->element[1]->type != REDIS_REPLY_ARRAY)
				continue;
			total += (long)s->element[1]->elements;
			worker_prepare(w, s->element[0]->str, s->element[1]);
		}
	}
	freeReplyObject(r);
	if (w->read_frames > 0)
		w->dets_x16 = w->read_dets * 16 / w->read_frames;
	if (worker_read_results(w) == -1)
		return -1;
	/* What was prepared is ready for the next round trip. */
	swap = w->ready;
	w->ready = w->next;
	w->next = swap;
	w->nready = w->nnext;
	w->nnext = 0;
	return total;
}

/* Queues a prepared call on the router, for its key's slot (argv[3]
 * for FCALL, argv[1] otherwise). 0 or -1. */
static int
worker_append(struct worker *w, struct fargs *fa)
{
	size_t	 kl;
	const char *k;

	fargs_argv(fa);
	k = fargs_get(fa, strcmp(fa->argv[0], "FCALL") == 0 ? 3 : 1, &kl);
	return rconn_append(w->r, redis_slot(k, kl), (int)fa->n, fa->argv,
	    fa->argl);
}

/*
 * Partitioned state (DESIGN.md, "Partitions"): one round, without
 * overlap. Each stream is read in its own XREADGROUP, the reads pipelined
 * over the masters (a read of several streams is refused across slots);
 * when all come back empty, one stream, taken in turn, is read again
 * with BLOCK for a share of block-ms. The frames of every stream are
 * judged into one call per partition touched, sent together with the
 * marks of the last round; only when every partition answered are the
 * frames acknowledged in their streams (XACK), and their origins marked
 * as such on the next round. A crash in between leaves frames pending:
 * read again, the partitions that counted them drop them by origin.
 * Returns entries read, or -1.
 */
static long
worker_read_parts(struct worker *w, const char *id, int block)
{
	const struct conf *conf = &w->b->conf;
	const char	*argv[12];
	redisReply	**out = NULL, *r;
	size_t		 n = w->nstreams, i, nq, kl;
	int		 k, P = w->cor->nparts, rc = 0;
	long		 total = 0;
	char		 count[16], blockms[16], sp[512], waitms[16];
	const char	*wait_argv[3] = { "WAIT", "1", waitms };
	unsigned char	 waited[PARTS_MAX];
	unsigned	 slot;
	const char	*key;

	if (n == 0)
		return worker_idle(w, block);
	snprintf(count, sizeof(count), "%d", worker_count(w));
	snprintf(waitms, sizeof(waitms), "%d", WAIT_MS);
	argv[0] = "XREADGROUP";
	argv[1] = "GROUP";
	argv[2] = CORRELATOR_GROUP;
	argv[3] = w->consumer;
	argv[4] = "COUNT";
	argv[5] = count;
	argv[6] = "STREAMS";
	argv[8] = id;
	for (i = 0; i < n; i++) {
		argv[7] = w->streams[i];
		if (rconn_append(w->r, redis_slot(w->streams[i],
		    strlen(w->streams[i])), 9, argv, NULL) == -1)
			return -1;
	}
	if ((out = calloc(n, sizeof(*out))) == NULL)
		fatalx("%s: out of memory", __func__);
	if (rconn_replies(w->r, out) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		if (out[i]->type == REDIS_REPLY_ERROR) {
			log_warnx("redis: XREADGROUP %s: %s", w->streams[i],
			    out[i]->str);
			goto fail;
		}
		if (out[i]->type == REDIS_REPLY_ARRAY)
			total++;
	}
	if (total == 0 && block) {
		int ms = conf->block_ms / (int)n;

		i = w->turn++ % n;
		snprintf(blockms, sizeof(blockms), "%d", ms < 1 ? 1 : ms);
		argv[6] = "BLOCK";
		argv[7] = blockms;
		argv[8] = "STREAMS";
		argv[9] = w->streams[i];
		argv[10] = id;
		r = rconn_argv(w->r, redis_slot(w->streams[i],
		    strlen(w->streams[i])), 11, argv, NULL);
		if (r == NULL)
			goto fail;
		if (r->type == REDIS_REPLY_ERROR) {
			log_warnx("redis: XREADGROUP %s: %s", w->streams[i],
			    r->str);
			freeReplyObject(r);
			goto fail;
		}
		freeReplyObject(out[i]);
		out[i] = r;
	}
	/* Rules put in force while the read waited judge what it brought. */
	worker_rebind(w);
	w->nnext = 0;
	w->read_dets = w->read_frames = 0;
	total = 0;
	record_begin(&w->rec);
	for (i = 0; i < n; i++) {
		const redisReply *s;

		if (out[i]->type != REDIS_REPLY_ARRAY ||
		    out[i]->elements != 1 ||
		    (s = out[i]->element[0])->type != REDIS_REPLY_ARRAY ||
		    s->elements != 2 ||
		    s->element[1]->type != REDIS_REPLY_ARRAY)
			continue;
		total += (long)s->element[1]->elements;
		worker_prepare(w, w->streams[i], s->element[1]);
	}
	if (w->read_frames > 0)
		w->dets_x16 = w->read_dets * 16 / w->read_frames;
	record_part_calls(&w->rec, w->pcalls, w->porigins, P,
	    rconn_is_cluster(w->r), conf);

	/* The partitions: last round's marks, then this round's calls. */
	for (k = 0; k < P; k++)
		if (w->marks[k].n > 0 && worker_append(w, &w->marks[k]) == -1)
			goto fail;
	for (k = 0; k < P; k++) {
		if (w->pcalls[k].n == 0)
			continue;
		if (w->cor->crash_before > 0 && --w->cor->crash_before == 0)
			_exit(99);	/* test hook: batch read, not committed */
		if (worker_append(w, &w->pcalls[k]) == -1)
			goto fail;
		/*
		 * Where the partition's master has replicas, one of them
		 * has the commit before the frames are acknowledged: a
		 * failover then keeps what the XACK says was counted.
		 */
		key = fargs_get(&w->pcalls[k], 3, &kl);
		slot = redis_slot(key, kl);
		waited[k] = rconn_slot_replicas(w->r, slot) > 0;
		if (waited[k] && rconn_append(w->r, slot, 3, wait_argv,
		    NULL) == -1)
			goto fail;
	}
	nq = rconn_queued(w->r);
	rconn_replies_free(out, n);
	if ((out = calloc(nq + 1, sizeof(*out))) == NULL)
		fatalx("%s: out of memory", __func__);
	if (rconn_replies(w->r, out) == -1)
		rc = -1;
	i = 0;
	for (k = 0; k < P; k++)
		if (w->marks[k].n > 0) {
			if (out[i] != NULL && out[i]->type != REDIS_REPLY_ERROR)
				fargs_reset(&w->marks[k]);	/* done */
			i++;
		}
	for (k = 0; k < P; k++) {
		if (w->pcalls[k].n == 0)
			continue;
		r = out[i++];
		if (waited[k]) {
			redisReply *wr = out[i++];

			if (wr == NULL || wr->type != REDIS_REPLY_INTEGER ||
			    wr->integer < 1) {
				log_warnx("redis: %s: no replica acknowledged "
				    "the commit within %d ms; acknowledging "
				    "the frames anyway", w->pcalls[k].argv[3],
				    WAIT_MS);
			}
		}
		if (r == NULL)
			continue;
		if (r->type == REDIS_REPLY_ERROR) {
			log_warnx("redis: FCALL %s %s: %s", COMMIT_PART_FUNCTION,
			    w->pcalls[k].argv[3], r->str);
			if (strstr(r->str, "not found") != NULL)
				w->reload = 1;	/* Redis lost its functions */
			rc = -1;
		} else if (r->type == REDIS_REPLY_ARRAY && r->elements == 4 &&
		    r->element[3]->type == REDIS_REPLY_ARRAY) {
			const redisReply *ps = r->element[3];
			size_t j;

			w->events += (uint64_t)r->element[0]->integer;
			w->skipped += (uint64_t)r->element[1]->integer;
			w->dead += (uint64_t)r->element[2]->integer;
			/* Per stream, for the per-sensor metrics. */
			for (j = 0; j + 3 < ps->elements; j += 4)
				if (ps->element[j]->type == REDIS_REPLY_STRING)
					webinfo_count(ps->element[j]->str,
					    (uint64_t)ps->element[j + 1]->integer,
					    (uint64_t)ps->element[j + 2]->integer,
					    (uint64_t)ps->element[j + 3]->integer,
					    0);
		}
	}
	rconn_replies_free(out, nq);
	out = NULL;
	webinfo_count("", 0, 0, 0, w->rec.detections - w->shown_dets);
	w->shown_dets = w->rec.detections;
	webinfo_judge_us(w->rec.judge_us - w->shown_us);
	w->shown_us = w->rec.judge_us;
	if (rc == -1)
		return -1;	/* the frames stay pending: read again */

	/* Every partition has them: acknowledged in their streams. */
	for (i = 0; i < w->nnext; i++)
		if (worker_append(w, &w->next[i]) == -1)
			return -1;
	nq = rconn_queued(w->r);
	if ((out = calloc(nq + 1, sizeof(*out))) == NULL)
		fatalx("%s: out of memory", __func__);
	if (rconn_replies(w->r, out) == -1)
		rc = -1;
	for (i = 0; i < nq; i++)
		if (out[i] != NULL && out[i]->type == REDIS_REPLY_ERROR) {
			log_warnx("redis: XACK %s: %s", w->next[i].argv[1],
			    out[i]->str);
			rc = -1;
		}
	rconn_replies_free(out, nq);
	w->nnext = 0;
	if (rc == -1)
		return -1;
	/* Their origins may go from the partitions sooner (commit.lua). */
	for (k = 0; k < P; k++) {
		struct fargs *m = &w->marks[k];
		char score[32];

		if (w->porigins[k].n == 0)
			continue;
		if (m->n == 0) {
			parts_prefix(sp, sizeof(sp), conf->redis_prefix, P,
			    rconn_is_cluster(w->r), k);
			fargs_add(m, "ZADD");
			fargs_addf(m, "%spdone", sp);
			fargs_add(m, "XX");
		}
		snprintf(score, sizeof(score), "%lld",
		    (long long)(daytime_now_us() / 1000) - DONE_ACKED);
		for (i = 0; i < w->porigins[k].n; i++) {
			key = fargs_get(&w->porigins[k], i, &kl);
			fargs_add(m, score);
			fargs_addn(m, key, kl);
		}
	}
	return total;
 fail:
	if (out != NULL)
		rconn_replies_free(out, n);
	return -1;
}

/* The last round's marks, when the worker stops (best effort: an origin
 * left unmarked goes from its partition after 7 days). */
static void
worker_marks_flush(struct worker *w)
{
	redisReply	**out;
	size_t		 nq;
	int		 k;

	for (k = 0; k < w->cor->nparts; k++)
		if (w->marks[k].n > 0 && worker_append(w, &w->marks[k]) == -1)
			return;
	if ((nq = rconn_queued(w->r)) == 0)
		return;
	if ((out = calloc(nq, sizeof(*out))) == NULL)
		fatalx("%s: out of memory", __func__);
	(void)rconn_replies(w->r, out);
	rconn_replies_free(out, nq);
	for (k = 0; k < w->cor->nparts; k++)
		fargs_reset(&w->marks[k]);
}

/*
 * Takes over entries other consumers left pending longer than min_idle
 * (a dead correlator's). They become ours and are read back with "0".
 * Returns the number claimed, or -1.
 */
static long
worker_claim(struct worker *w, long min_idle)
{
	redisReply	*r;
	size_t		 i;
	long		 claimed = 0;

	for (i = 0; i < w->nstreams; i++) {
		r = rconn_cmd(w->r, w->streams[i], "XAUTOCLAIM %s %s %s %ld "
		    "0-0 COUNT %d JUSTID", w->streams[i], CORRELATOR_GROUP, w->consumer,
		    min_idle, w->b->conf.read_count);
		if (r == NULL)
			return -1;
		if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2 &&
		    r->element[1]->type == REDIS_REPLY_ARRAY)
			claimed += (long)r->element[1]->elements;
		else if (r->type == REDIS_REPLY_ERROR)
			log_warnx("redis: XAUTOCLAIM %s: %s", w->streams[i],
			    r->str);
		freeReplyObject(r);
	}
	return claimed;
}

/* Entries pending in the group over all streams, or -1. */
static long long
worker_pending(struct worker *w)
{
	redisReply	*r;
	size_t		 i;
	long long	 n = 0;

	for (i = 0; i < w->nstreams; i++) {
		r = rconn_cmd(w->r, w->streams[i], "XPENDING %s %s",
		    w->streams[i], CORRELATOR_GROUP);
		if (r == NULL)
			return -1;
		if (r->type == REDIS_REPLY_ARRAY && r->elements >= 1 &&
		    r->element[0]->type == REDIS_REPLY_INTEGER)
			n += r->element[0]->integer;
		freeReplyObject(r);
	}
	return n;
}

/* The value of field `name` in a flat RESP2 map reply, or NULL. */
static const redisReply *
map_get(const redisReply *m, const char *name)
{
	size_t	 i;

	for (i = 0; i + 1 < m->elements; i += 2)
		if (m->element[i]->type == REDIS_REPLY_STRING &&
		    !strcmp(m->element[i]->str, name))
			return m->element[i + 1];
	return NULL;
}

/*
 * How many entries of `stream` must stay for group g: the undelivered
 * ones (lag) and stream-keep delivered ones, provided the group's pending
 * entries lie within those. Returns the count, or -1 when it cannot be
 * known safely (no lag, or pending entries older than the kept ones).
 */
static long long
trim_need(struct worker *w, const char *stream, const redisReply *g)
{
	const redisReply	*name, *pending, *last, *lag, *min;
	redisReply		*r;
	long long		 keep = w->b->conf.stream_keep, cap, n;
	long long		 need = -1;

	name = map_get(g, "name");
	pending = map_get(g, "pending");
	last = map_get(g, "last-delivered-id");
	lag = map_get(g, "lag");
	if (name == NULL || pending == NULL || last == NULL || lag == NULL ||
	    lag->type != REDIS_REPLY_INTEGER ||
	    pending->type != REDIS_REPLY_INTEGER)
		return -1;	/* lag unknown (after XDEL, say): keep all */
	if (pending->integer == 0)
		return lag->integer + keep;
	if ((r = rconn_cmd(w->r, stream, "XPENDING %s %s", stream,
	    name->str)) == NULL)
		return -1;
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 2 ||
	    (min = r->element[1])->type != REDIS_REPLY_STRING) {
		freeReplyObject(r);
		return -1;
	}
	/* Count the delivered entries from the oldest pending one on. */
	cap = (keep < TRIM_SPAN_MAX ? keep : TRIM_SPAN_MAX) + 1;
	{
		redisReply *span = rconn_cmd(w->r, stream,
		    "XRANGE %s %s %s COUNT %lld", stream, min->str, last->str,
		    cap);

		if (span != NULL && span->type == REDIS_REPLY_ARRAY) {
			n = (long long)span->elements;
			if (n < cap && n <= keep)
				need = lag->integer + keep;
		}
		if (span != NULL)
			freeReplyObject(span);
	}
	freeReplyObject(r);
	return need;
}

/*
 * Trims each stream below what every group still needs (DESIGN: below
 * the oldest unacknowledged entry, minus stream-keep entries), exactly,
 * never an undelivered or pending entry. Returns 0 or -1 (I/O error).
 */
static int
worker_trim(struct worker *w)
{
	redisReply	*gr, *r;
	long long	 need, most;
	size_t		 i, j;

	for (i = 0; i < w->nstreams; i++) {
		if ((gr = rconn_cmd(w->r, w->streams[i], "XINFO GROUPS %s",
		    w->streams[i])) == NULL)
			return -1;
		most = -1;
		if (gr->type == REDIS_REPLY_ARRAY && gr->elements > 0) {
			most = 0;
			for (j = 0; j < gr->elements; j++) {
				if (gr->element[j]->type != REDIS_REPLY_ARRAY ||
				    (need = trim_need(w, w->streams[i],
				    gr->element[j])) == -1) {
					most = -1;
					break;
				}
				if (need > most)
					most = need;
			}
		}
		freeReplyObject(gr);
		if (most < 0)
			continue;
		if ((r = rconn_cmd(w->r, w->streams[i], "XTRIM %s MAXLEN %lld",
		    w->streams[i], most)) == NULL)
			return -1;
		if (r->type == REDIS_REPLY_ERROR)
			log_warnx("redis: XTRIM %s: %s", w->streams[i], r->str);
		freeReplyObject(r);
	}
	return 0;
}

/* Seconds between looks for idle pending entries. */
static int
claim_every(const struct conf *conf)
{
	int	 s = conf->claim_idle_ms / 2000;

	return s < 1 ? 1 : s > CLAIM_EVERY_S ? CLAIM_EVERY_S : s;
}

static void
worker_run(struct worker *w)
{
	struct scanner		*sc;
	time_t			 last_claim = 0, last_sweep = 0, last_trim = 0;
	long			 n;
	int			 drain = w->b->conf.drain, history = 1;

	if ((sc = scanner_new(&w->b->rules)) == NULL) {
		log_warnx("worker %d: cannot create a YARA scanner", w->idx);
		w->failed = 1;
		return;
	}
	worker_bind(w, w->b, sc);
	if ((w->pcalls = calloc((size_t)w->cor->nparts,
	    sizeof(*w->pcalls))) == NULL ||
	    (w->porigins = calloc((size_t)w->cor->nparts,
	    sizeof(*w->porigins))) == NULL ||
	    (w->marks = calloc((size_t)w->cor->nparts,
	    sizeof(*w->marks))) == NULL)
		fatalx("%s: out of memory", __func__);
	snprintf(w->consumer, sizeof(w->consumer), "%s-%ld-%d", w->cor->host,
	    (long)getpid(), w->idx);
	while (!atomic_load(&w->cor->stop)) {
		/* Between batches: the config and rules in force now. */
		worker_rebind(w);
		if (worker_connect(w) == -1)
			goto error;
		if (time(NULL) - w->discovered >= DISCOVER_EVERY_S &&
		    worker_discover(w) == -1)
			goto error;
		if (w->reload) {
			if (commit_load_all(w->r) == -1)
				goto error;
			w->reload = 0;
		}
		/*
		 * First what this consumer was given and did not commit (at
		 * start, after an error, after a claim). Nothing may be in
		 * flight then, or its entries would be read twice.
		 */
		if (history) {
			if (worker_flush(w) == -1 ||
			    (n = worker_read(w, "0", 0)) == -1 ||
			    worker_flush(w) == -1)
				goto error;
			if (n > 0)
				continue;
			history = 0;
		}
		if (time(NULL) - last_claim >= claim_every(&w->b->conf)) {
			last_claim = time(NULL);
			if (worker_flush(w) == -1 || (n = worker_claim(w,
			    w->b->conf.claim_idle_ms)) == -1)
				goto error;
			if (n > 0) {
				history = 1;
				continue;
			}
		}
		/* One worker closes the incidents gone quiet and trims. */
		if (w->idx == 0 && !drain &&
		    time(NULL) - last_sweep >= SWEEP_EVERY_S) {
			last_sweep = time(NULL);
			if (worker_flush(w) == -1 ||
			    commit_sweep(w->r, &w->b->conf,
			    w->cor->nparts) == -1)
				goto error;
		}
		if (w->idx == 0 && !drain &&
		    time(NULL) - last_trim >= TRIM_EVERY_S) {
			last_trim = time(NULL);
			if (worker_flush(w) == -1 || worker_trim(w) == -1)
				goto error;
		}
		if ((n = worker_read(w, ">", !drain)) == -1)
			goto error;
		if (n > 0 || !drain)
			continue;
		/*
		 * Drained of new entries, and everything read is committed.
		 * Entries still pending belong to consumers that died or are
		 * still working; with --drain we take them now (the commit
		 * counts each entry once anyway).
		 */
		if ((n = worker_pending(w)) == -1)
			goto error;
		if (n == 0) {
			if (w->idx == 0 && (commit_sweep(w->r,
			    &w->b->conf, w->cor->nparts) == -1 ||
			    worker_trim(w) == -1))
				goto error;
			break;
		}
		if (worker_claim(w, 0) == -1)
			goto error;
		history = 1;
		continue;
 error:
		/* What was read and not committed stays pending: read again. */
		w->nready = w->nnext = 0;
		history = 1;
		worker_disconnect(w);
		if (drain) {
			w->failed = 1;
			break;
		}
		sleep(1);
	}
	/* Stopping: commit what was read, or leave it pending for a claim. */
	if (w->r != NULL && worker_flush(w) == -1)
		log_warnx("worker %d: last batch left pending", w->idx);
	if (w->r != NULL && w->parted)
		worker_marks_flush(w);
}

void *
worker_main(void *arg)
{
	struct worker	*w = arg;

	worker_run(w);
	if (atomic_fetch_sub(&w->cor->running, 1) == 1)
		pthread_kill(w->cor->main, SIGUSR1);
	return NULL;
}

void
worker_free(struct worker *w)
{
	size_t	 i;

	worker_disconnect(w);
	scanner_free(w->sc);	/* before its rules go with the bundle */
	w->sc = NULL;
	for (i = 0; i < w->capcalls; i++) {
		fargs_free(&w->ready[i]);
		fargs_free(&w->next[i]);
	}
	free(w->ready);
	free(w->next);
	for (i = 0; w->pcalls != NULL && i < (size_t)w->cor->nparts; i++) {
		fargs_free(&w->pcalls[i]);
		fargs_free(&w->porigins[i]);
		fargs_free(&w->marks[i]);
	}
	free(w->pcalls);
	free(w->porigins);
	free(w->marks);
	record_free(&w->rec);
	for (i = 0; i < w->nstreams; i++)
		free(w->streams[i]);
	free(w->streams);
	if (w->b != NULL)
		bundle_drop(&w->cor->slot, w->b);
	w->b = NULL;
}
