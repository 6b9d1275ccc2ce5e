/*
 * correlator/webinfo.c - the rules in force and the process's counters,
 * as the web server shows them. Owns a small table of per-stream counts
 * under a mutex, and a cache of the rules' source text per bundle.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "bundle.h"
#include "log.h"
#include "scan.h"
#include "text.h"
#include "webinfo.h"

#define STREAMS_MAX	100000	/* sensors counted apart; the rest as one */
#define RULE_FILE_MAX	(1024 * 1024)

struct streamcount {
	char		*stream;	/* kept till exit: copies borrow it */
	uint64_t	 events, skipped, dead;
};

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static struct streamcount *streams;	/* by stream name */
static size_t		 nstreams, capstreams;
static struct streamcount other = { "", 0, 0, 0 };	/* the rest */
static atomic_uint_fast64_t judge_us_total;
static atomic_uint_fast64_t detections_total;
static struct bundle_slot *slot;

/* The rules' JSON, built for bundle generation `cached_gen`. */
static json_t		*cached;
static unsigned		 cached_gen;

/* A stream's counts, found in the sorted table or added to it; `other`
 * past STREAMS_MAX streams or out of memory. Called locked. */
static struct streamcount *
stream_find(const char *stream)
{
	struct streamcount	*t;
	size_t			 lo = 0, hi = nstreams, mid, cap;
	char			*name;
	int			 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(streams[mid].stream, stream)) == 0)
			return &streams[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (nstreams == STREAMS_MAX)
		return &other;
	if (nstreams == capstreams) {
		cap = capstreams ? 2 * capstreams : 64;
		if ((t = reallocarray(streams, cap, sizeof(*t))) == NULL)
			return &other;
		streams = t;
		capstreams = cap;
	}
	if ((name = strdup(stream)) == NULL)
		return &other;
	memmove(&streams[lo + 1], &streams[lo],
	    (nstreams - lo) * sizeof(*streams));
	nstreams++;
	streams[lo] = (struct streamcount){ name, 0, 0, 0 };
	return &streams[lo];
}

void
webinfo_count(const char *stream, uint64_t events, uint64_t skipped,
    uint64_t dead, uint64_t detections)
{
	struct streamcount	*sc;

	atomic_fetch_add(&detections_total, detections);
	if (pthread_mutex_lock(&lock) != 0)
		return;
	sc = stream_find(stream);
	sc->events += events;
	sc->skipped += skipped;
	sc->dead += dead;
	(void)pthread_mutex_unlock(&lock);
}

void
webinfo_judge_us(uint64_t us)
{
	atomic_fetch_add(&judge_us_total, us);
}

void
webinfo_set_slot(struct bundle_slot *s)
{
	(void)pthread_mutex_lock(&lock);
	slot = s;
	(void)pthread_mutex_unlock(&lock);
}

/* Reads a rule file whole (at most RULE_FILE_MAX). NULL on error. */
static char *
file_read(const char *path)
{
	FILE	*f;
	char	*buf;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if ((buf = malloc(RULE_FILE_MAX + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, RULE_FILE_MAX, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* s[0..len) made valid UTF-8 (bad bytes become U+FFFD), as JSON. */
static json_t *
text_json(const char *s, size_t len)
{
	json_t	*j;
	char	*buf;
	size_t	 n;

	if (len > RULE_FILE_MAX || (buf = malloc(len * 3 + 1)) == NULL)
		return NULL;
	n = text_utf8_clean(s, len, buf, len * 3 + 1);
	j = json_stringn(buf, n);
	free(buf);
	return j;
}

json_t *
webinfo_rule_text(const char *src, const char *name)
{
	const char	*p = src, *q, *start, *r;
	size_t		 n = strlen(name);
	int		 depth;

	while ((p = strstr(p, "rule")) != NULL) {
		q = p + 4;
		if ((p != src && (isalnum((unsigned char)p[-1]) ||
		    p[-1] == '_')) || !isspace((unsigned char)*q)) {
			p = q;
			continue;
		}
		while (isspace((unsigned char)*q))
			q++;
		if (strncmp(q, name, n) != 0 || isalnum((unsigned char)q[n]) ||
		    q[n] == '_') {
			p = q;
			continue;
		}
		for (start = p; start > src && start[-1] != '\n'; start--)
			;
		/* The body opens after the name (a name is an identifier;
		 * one holding a brace must not open it). */
		if ((r = strchr(q + n, '{')) == NULL)
			return NULL;
		for (depth = 0; *r != '\0'; r++) {
			if (*r == '"') {
				for (r++; *r != '\0' && *r != '"'; r++)
					if (*r == '\\' && r[1] != '\0')
						r++;
				if (*r == '\0')
					break;
			} else if (r[0] == '/' && r[1] == '/') {
				while (*r != '\0' && *r != '\n')
					r++;
				if (*r == '\0')
					break;
			} else if (r[0] == '/' && r[1] == '*') {
				if ((r = strstr(r + 2, "*/")) == NULL)
					return NULL;
				r++;
			} else if (*r == '{')
				depth++;
			else if (*r == '}' && --depth == 0)
				return text_json(start, (size_t)(r - start + 1));
		}
		return NULL;
	}
	return NULL;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The rule files of a path (a file, or a directory's *.yar in order). */
static size_t
rule_files(const char *path, char ***out)
{
	struct stat	 st;
	struct dirent	*de;
	DIR		*d;
	char		**v = NULL, **nv, full[4096];
	size_t		 n = 0, len;

	*out = NULL;
	if (stat(path, &st) == -1)
		return 0;
	if (!S_ISDIR(st.st_mode)) {
		if ((v = malloc(sizeof(*v))) == NULL ||
		    (v[0] = strdup(path)) == NULL) {
			free(v);
			return 0;
		}
		*out = v;
		return 1;
	}
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".yar") != 0 ||
		    de->d_name[0] == '.')
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, de->d_name);
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL)
			break;
		v = nv;
		if ((v[n] = strdup(full)) == NULL)
			break;
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), name_cmp);
	*out = v;
	return n;
}

static json_t *
rules_build(const struct bundle *b)
{
	json_t		*arr, *o, *text;
	char		**files, *src;
	size_t		 i, j, k, nf;

	if ((arr = json_array()) == NULL)
		return NULL;
	for (i = 0; i < b->rules.n; i++) {
		const struct rulemeta *m = &b->rules.meta[i];

		o = json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:s,s:n,s:n}",
		    "name", m->name, "category", m->category,
		    "severity", m->severity, "description", m->description,
		    "threshold", m->threshold, "window", m->window,
		    "group_by", group_by_name(m->group_by), "file", "source");
		if (o == NULL || json_array_append_new(arr, o) == -1) {
			json_decref(arr);
			return NULL;
		}
	}
	/* The source text: each rule's first definition in the files. */
	for (i = 0; i < b->conf.rules_path.n; i++) {
		nf = rule_files(b->conf.rules_path.v[i], &files);
		for (j = 0; j < nf; j++) {
			if ((src = file_read(files[j])) != NULL)
				for (k = 0; k < json_array_size(arr); k++) {
					o = json_array_get(arr, k);
					if (!json_is_null(json_object_get(o,
					    "source")))
						continue;
					text = webinfo_rule_text(src,
					    json_string_value(
					    json_object_get(o, "name")));
					if (text == NULL)
						continue;
					json_object_set_new(o, "source", text);
					json_object_set_new(o, "file",
					    json_string(files[j]));
				}
			free(src);
			free(files[j]);
		}
		free(files);
	}
	return arr;
}

json_t *
webinfo_rules(void *arg)
{
	struct bundle_slot	*s;
	struct bundle		*b;
	json_t			*r = NULL;

	(void)arg;
	(void)pthread_mutex_lock(&lock);
	s = slot;
	(void)pthread_mutex_unlock(&lock);
	if (s == NULL || (b = bundle_hold(s)) == NULL)
		return NULL;
	/* Only the server thread calls: the cache needs no lock. */
	if (cached == NULL || cached_gen != b->gen) {
		json_decref(cached);
		cached = rules_build(b);
		cached_gen = b->gen;
	}
	if (cached != NULL)
		r = json_incref(cached);
	bundle_drop(s, b);
	return r;
}

/* A label value escaped for the text format (\\, \", \n). */
static void
label(struct evbuffer *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			evbuffer_add_printf(b, "\\%c", *s);
		else if (*s == '\n')
			evbuffer_add(b, "\\n", 2);
		else
			evbuffer_add(b, s, 1);
	}
}

/* "<prefix>ev:{sensor}" -> sensor */
static void
sensor_of(const char *stream, char *out, size_t len)
{
	const char	*o = strstr(stream, "ev:{"), *c;

	if (o == NULL || (c = strrchr(o, '}')) == NULL) {
		snprintf(out, len, "%s", stream);
		return;
	}
	snprintf(out, len, "%.*s", (int)(c - o - 4), o + 4);
}

void
webinfo_metrics(struct evbuffer *b, void *arg)
{
	struct streamcount	*copy;
	char			 sensor[128];
	size_t			 i, n;

	(void)arg;
	(void)pthread_mutex_lock(&lock);
	n = nstreams;
	if ((copy = calloc(n + 1, sizeof(*copy))) == NULL) {
		(void)pthread_mutex_unlock(&lock);
		log_warn("%s", __func__);
		return;
	}
	if (n > 0)
		memcpy(copy, streams, n * sizeof(*copy));
	if (other.events + other.skipped + other.dead > 0)
		copy[n++] = other;
	(void)pthread_mutex_unlock(&lock);

	evbuffer_add_printf(b, "# HELP vigie_events_processed_total Events "
	    "counted by this correlator, per sensor.\n"
	    "# TYPE vigie_events_processed_total counter\n");
	for (i = 0; i < n; i++) {
		sensor_of(copy[i].stream, sensor, sizeof(sensor));
		evbuffer_add_printf(b, "vigie_events_processed_total{sensor=\"");
		label(b, sensor);
		evbuffer_add_printf(b, "\"} %" PRIu64 "\n", copy[i].events);
	}
	evbuffer_add_printf(b, "# HELP vigie_frames_rejected_total Frames "
	    "this correlator could not decode (dead-lettered), per sensor.\n"
	    "# TYPE vigie_frames_rejected_total counter\n");
	for (i = 0; i < n; i++) {
		sensor_of(copy[i].stream, sensor, sizeof(sensor));
		evbuffer_add_printf(b, "vigie_frames_rejected_total{sensor=\"");
		label(b, sensor);
		evbuffer_add_printf(b, "\"} %" PRIu64 "\n", copy[i].dead);
	}
	evbuffer_add_printf(b, "# HELP vigie_events_skipped_total Events of "
	    "frames another consumer had already counted.\n"
	    "# TYPE vigie_events_skipped_total counter\n");
	for (i = 0; i < n; i++) {
		sensor_of(copy[i].stream, sensor, sizeof(sensor));
		evbuffer_add_printf(b, "vigie_events_skipped_total{sensor=\"");
		label(b, sensor);
		evbuffer_add_printf(b, "\"} %" PRIu64 "\n", copy[i].skipped);
	}
	evbuffer_add_printf(b, "# HELP vigie_detections_processed_total "
	    "Detections made by this correlator.\n"
	    "# TYPE vigie_detections_processed_total counter\n"
	    "vigie_detections_processed_total %" PRIu64 "\n"
	    "# HELP vigie_yara_scan_seconds_total Time this correlator's "
	    "workers spent judging events: the YARA scan, with the geo "
	    "lookup.\n"
	    "# TYPE vigie_yara_scan_seconds_total counter\n"
	    "vigie_yara_scan_seconds_total %.6f\n",
	    (uint64_t)atomic_load(&detections_total),
	    (double)atomic_load(&judge_us_total) / 1e6);
	free(copy);
}
