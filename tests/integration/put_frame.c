/*
 * tests/integration/put_frame.c - the frames events.sh reads back. Writes
 * a fixed set of frames (core/event.c) to Redis as the collector does, and
 * checks `vigie events --format json` against that same set, byte for byte
 * (core/event_json.c). Owns its Redis connection (core/redis.c).
 *
 *   put_frame put ADDR PREFIX [SENSOR:MS-SEQ]...
 *	every frame of the set, and a frame cut short at each MS-SEQ given
 *   put_frame check < JSONL
 *	each line is an event of the set, and every event of the set is there;
 *	it fails (exit 1) naming each line that is not, or a field that differs
 *   put_frame json ADDR PREFIX SENSOR MS-SEQ < JSONL
 *	one frame of the events given, one a line in `vigie events` JSON
 *	(events whose fields no parser sets yet: the web view's tests)
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hiredis/hiredis.h>
#include <jansson.h>

#include "event.h"
#include "event_json.h"
#include "log.h"
#include "redis.h"

#define VAL_MAX		512

/*
 * The set: frames of three sensors, in the order they are written;
 * gamma's hundred frames of one event, 4000-0, 4000-2, ... 4000-198,
 * span several XRANGE pages and leave room for frames between them.
 */
struct frame_def {
	const char	*sensor;
	uint64_t	 ms, seq;
	int		 n;		/* events */
};
static const struct frame_def fixed[] = {
	{ "alpha", 1000, 0, 3 },
	{ "alpha", 1000, 1, 2 },
	{ "alpha", 2000, 0, 1 },
	{ "alpha", 2500, 0, 2 },
	{ "beta", 1500, 0, 2 },
	{ "beta", 3000, 0, 4 },
};
#define NFIXED	(sizeof(fixed) / sizeof(fixed[0]))
#define NGAMMA	100
#define NFRAMES	(NFIXED + NGAMMA)
#define EVMAX	4		/* events in a frame, at most */

static struct frame_def
frame_get(size_t k)
{
	struct frame_def	 d = { "gamma", 4000, 0, 1 };

	if (k < NFIXED)
		return fixed[k];
	d.seq = 2 * (k - NFIXED);
	return d;
}

struct values {
	char	 v[EV_NFIELDS][VAL_MAX];
};

/*
 * Event j of frame k, every field of the table set: the payload holds
 * NUL and every byte from 0x80 to 0xff, line and user invalid UTF-8 and
 * ESC, and the sensor is absent, the frame's, or another one.
 */
static void
set_event(size_t k, int j, struct event *ev, struct values *vals)
{
	int	 f, g = (int)k * 10 + j;
	size_t	 len, i;
	char	*v;

	event_clear(ev);
	for (f = 0; f < EV_NFIELDS; f++) {
		v = vals->v[f];
		switch (ev_fields[f].type) {
		case FT_INT:
			len = (size_t)snprintf(v, VAL_MAX, "%d", 100 * f + g);
			break;
		case FT_ADDR:
			len = (size_t)snprintf(v, VAL_MAX, g % 2 ?
			    "2001:db8::%x" : "198.51.100.%d", g % 200 + f);
			break;
		default:
			len = (size_t)snprintf(v, VAL_MAX, "%s %d caf\xc3\xa9",
			    ev_fields[f].name, g);
			break;
		}
		ev->f[f].v = v;
		ev->f[f].len = len;
	}
	v = vals->v[EV_PAYLOAD];
	len = (size_t)snprintf(v, VAL_MAX, "GET /%d", g);
	v[len++] = '\0';
	for (i = 0x80; i <= 0xff; i++)
		v[len++] = (char)i;
	v[len++] = '\0';
	ev->f[EV_PAYLOAD].len = len;
	ev->f[EV_LINE].len = (size_t)snprintf(vals->v[EV_LINE], VAL_MAX,
	    "Failed password for \x1b[31m\xff\xfe" "adm\xc0" "in %d\r\n", g);
	ev->f[EV_USER].len = (size_t)snprintf(vals->v[EV_USER], VAL_MAX,
	    "r\xffo\x1b" "ot%d\"\\", g);
	/* Not a decimal integer as JSON writes one: stays a string. */
	if (g % 3 == 0)
		ev->f[EV_PID].len = (size_t)snprintf(vals->v[EV_PID], VAL_MAX,
		    "0%d", g);
	switch (g % 3) {
	case 0:
		ev->f[EV_SENSOR].len = 0;
		break;
	case 1:
		ev->f[EV_SENSOR].len = (size_t)snprintf(vals->v[EV_SENSOR],
		    VAL_MAX, "%s", frame_get(k).sensor);
		break;
	default:
		ev->f[EV_SENSOR].len = (size_t)snprintf(vals->v[EV_SENSOR],
		    VAL_MAX, "relay-%d", g);
		break;
	}
}

static int
xadd(redisContext *c, const char *prefix, const char *sensor,
    const char *id, const void *data, size_t len)
{
	const char	*argv[5];
	size_t		 argl[5];
	char		 key[256], skey[256];
	redisReply	*r;
	int		 rc = 0;

	redis_key(key, sizeof(key), prefix, "ev:{%s}", sensor);
	redis_key(skey, sizeof(skey), prefix, "sensors");
	argv[0] = "XADD";	argl[0] = 4;
	argv[1] = key;		argl[1] = strlen(key);
	argv[2] = id;		argl[2] = strlen(id);
	argv[3] = "frame";	argl[3] = 5;
	argv[4] = data;		argl[4] = len;
	if ((r = redisCommandArgv(c, 5, argv, argl)) == NULL) {
		fprintf(stderr, "put_frame: XADD %s %s: %s\n", key, id,
		    c->errstr);
		return -1;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		fprintf(stderr, "put_frame: XADD %s %s: %s\n", key, id, r->str);
		rc = -1;
	}
	freeReplyObject(r);
	if (rc == 0 && (r = redis_cmd(c, "SADD %s %s", skey, sensor)) == NULL)
		return -1;
	if (rc == 0)
		freeReplyObject(r);
	return rc;
}

/* Encodes frame k of the set into fe. */
static int
encode(struct frame_enc *fe, size_t k)
{
	struct event	 ev;
	struct values	 vals;
	int		 j;

	if (frame_begin(fe, frame_get(k).sensor) == -1)
		return -1;
	for (j = 0; j < frame_get(k).n; j++) {
		set_event(k, j, &ev, &vals);
		if (frame_add(fe, &ev) != 0)
			return -1;
	}
	return 0;
}

/* A frame cut short, at `id` of `sensor`: its last field loses its NUL. */
static int
put_bad(redisContext *c, struct frame_enc *fe, const char *prefix,
    const char *sensor, const char *id)
{
	const void	*data;
	size_t		 len;

	if (encode(fe, 0) == -1) {
		fprintf(stderr, "put_frame: cannot encode\n");
		return -1;
	}
	data = frame_data(fe, &len);
	return xadd(c, prefix, sensor, id, data, len - 1);
}

/*
 * Writes the set; each of bad[] ("SENSOR:MS-SEQ") is a corrupt frame put
 * in its place among its sensor's frames. Returns 0 or -1.
 */
static int
put(redisContext *c, const char *prefix, char **bad, int nbad)
{
	struct frame_enc	 fe;
	struct frame_def	 d;
	const void		*data;
	char			 id[48], *colon;
	uint64_t		 bms, bseq;
	size_t			 k, len;
	int			 b, rc = 0, *done;

	if ((done = calloc((size_t)nbad + 1, sizeof(*done))) == NULL) {
		perror("put_frame");
		return -1;
	}
	frame_enc_init(&fe, 0, 0);
	for (k = 0; k <= NFRAMES && rc == 0; k++) {
		d = frame_get(k < NFRAMES ? k : 0);
		for (b = 0; b < nbad && rc == 0; b++) {
			if (done[b] || (colon = strchr(bad[b], ':')) == NULL ||
			    sscanf(colon + 1, "%" SCNu64 "-%" SCNu64, &bms,
			    &bseq) != 2)
				continue;
			if (k < NFRAMES && (strncmp(bad[b], d.sensor,
			    (size_t)(colon - bad[b])) != 0 ||
			    d.sensor[colon - bad[b]] != '\0' || bms > d.ms ||
			    (bms == d.ms && bseq > d.seq)))
				continue;
			*colon = '\0';
			rc = put_bad(c, &fe, prefix, bad[b], colon + 1);
			done[b] = 1;
		}
		if (k == NFRAMES || rc != 0)
			break;
		snprintf(id, sizeof(id), "%" PRIu64 "-%" PRIu64, d.ms, d.seq);
		if (encode(&fe, k) == -1) {
			fprintf(stderr, "put_frame: frame %s: cannot encode\n",
			    id);
			rc = -1;
			break;
		}
		data = frame_data(&fe, &len);
		rc = xadd(c, prefix, d.sensor, id, data, len);
	}
	for (b = 0; b < nbad && rc == 0; b++)
		if (!done[b]) {
			fprintf(stderr, "put_frame: bad %s: SENSOR:MS-SEQ\n",
			    bad[b]);
			rc = -1;
		}
	frame_enc_free(&fe);
	free(done);
	return rc;
}

/* The frame of the set with this event id, and the event's index. */
static int
find(const char *eid, size_t *k, int *j)
{
	uint64_t	 ms, seq;
	size_t		 i;
	int		 n, idx;

	if (sscanf(eid, "%" SCNu64 "-%" SCNu64 "/%d%n", &ms, &seq, &idx,
	    &n) != 3 || eid[n] != '\0')
		return -1;
	for (i = 0; i < NFRAMES; i++)
		if (frame_get(i).ms == ms && frame_get(i).seq == seq &&
		    idx >= 0 && idx < frame_get(i).n) {
			*k = i;
			*j = idx;
			return 0;
		}
	return -1;
}

static int
check(void)
{
	struct event	 want, got;
	struct values	 vals;
	json_t		*o;
	json_error_t	 jerr;
	char		*line = NULL, *store, err[256];
	const char	*eid;
	size_t		 cap = 0, k, total = 0, nseen = 0;
	ssize_t		 n;
	int		 seen[NFRAMES][EVMAX], j, f, lineno = 0, bad_lines = 0;

	memset(seen, 0, sizeof(seen));
	for (k = 0; k < NFRAMES; k++)
		total += (size_t)frame_get(k).n;
	while ((n = getline(&line, &cap, stdin)) != -1) {
		lineno++;
		if ((o = json_loads(line, 0, &jerr)) == NULL) {
			fprintf(stderr, "line %d: %s\n", lineno, jerr.text);
			bad_lines++;
			continue;
		}
		eid = json_string_value(json_object_get(o, "id"));
		if (eid == NULL || find(eid, &k, &j) == -1) {
			fprintf(stderr, "line %d: id %s not in the set\n",
			    lineno, eid ? eid : "(none)");
			bad_lines++;
		} else if (event_json_decode(o, &got, &store, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "line %d: %s\n", lineno, err);
			bad_lines++;
		} else {
			if (seen[k][j]++ > 0) {
				fprintf(stderr, "line %d: %s shown twice\n",
				    lineno, eid);
				bad_lines++;
			} else
				nseen++;
			set_event(k, j, &want, &vals);
			if (want.f[EV_SENSOR].len == 0) {
				want.f[EV_SENSOR].v = frame_get(k).sensor;
				want.f[EV_SENSOR].len = strlen(frame_get(k).sensor);
			}
			for (f = 0; f < EV_NFIELDS; f++)
				if (got.f[f].len != want.f[f].len ||
				    memcmp(got.f[f].v, want.f[f].v,
				    want.f[f].len) != 0) {
					fprintf(stderr, "line %d: %s: %s "
					    "differs\n", lineno, eid,
					    ev_fields[f].name);
					bad_lines++;
				}
			free(store);
		}
		json_decref(o);
	}
	free(line);
	if (ferror(stdin)) {
		perror("put_frame: stdin");
		return -1;
	}
	if (nseen != total)
		fprintf(stderr, "%zu of the %zu events seen\n", nseen, total);
	printf("%d events read, %zu of %zu in the set, %d wrong\n", lineno,
	    nseen, total, bad_lines);
	return bad_lines == 0 && nseen == total ? 0 : -1;
}

/* put_frame json: the events of stdin as one frame. */
static int
put_json(redisContext *c, const char *prefix, const char *sensor,
    const char *id)
{
	struct frame_enc fe;
	struct event	 ev;
	json_t		*j;
	json_error_t	 je;
	char		 line[65536], err[256], *store;
	const void	*data;
	size_t		 len;
	int		 n = 0, rc = 0;

	frame_enc_init(&fe, 256, 1 << 20);
	if (frame_begin(&fe, sensor) == -1) {
		frame_enc_free(&fe);
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), stdin) != NULL) {
		n++;
		if ((j = json_loads(line, 0, &je)) == NULL) {
			fprintf(stderr, "put_frame: line %d: %s\n", n, je.text);
			rc = -1;
			break;
		}
		event_clear(&ev);
		if (event_json_decode(j, &ev, &store, err, sizeof(err)) == -1) {
			fprintf(stderr, "put_frame: line %d: %s\n", n, err);
			rc = -1;
		} else {
			if (frame_add(&fe, &ev) != 0) {
				fprintf(stderr, "put_frame: line %d: frame full\n",
				    n);
				rc = -1;
			}
			free(store);
		}
		json_decref(j);
	}
	if (rc == 0) {
		data = frame_data(&fe, &len);
		rc = xadd(c, prefix, sensor, id, data, len);
	}
	frame_enc_free(&fe);
	return rc;
}

int
main(int argc, char *argv[])
{
	redisContext	*c;
	int		 rc;

	log_init("put_frame", 0);
	if (argc == 2 && strcmp(argv[1], "check") == 0)
		return check() == 0 ? 0 : 1;
	if (argc == 6 && strcmp(argv[1], "json") == 0) {
		if ((c = redis_open(argv[2], 10000)) == NULL)
			return 1;
		rc = put_json(c, argv[3], argv[4], argv[5]);
		redisFree(c);
		return rc == 0 ? 0 : 1;
	}
	if (argc < 4 || strcmp(argv[1], "put") != 0) {
		fprintf(stderr, "usage: put_frame put ADDR PREFIX "
		    "[SENSOR:MS-SEQ]...\n"
		    "       put_frame check < JSONL\n"
		    "       put_frame json ADDR PREFIX SENSOR MS-SEQ < JSONL\n");
		return 2;
	}
	if ((c = redis_open(argv[2], 10000)) == NULL)
		return 1;
	rc = put(c, argv[3], argv + 4, argc - 4);
	redisFree(c);
	return rc == 0 ? 0 : 1;
}
