/*
 * correlator/detect.c - judge one event: time, source, geo, YARA hits.
 * Owns nothing; borrows the config, the geo database and the scanner.
 */
#include <string.h>

#include <jansson.h>

#include "daytime.h"
#include "detect.h"
#include "netaddr.h"
#include "text.h"

#define KIND_FLOW	"flow"

enum ev_field
detect_data_field(const struct event *ev)
{
	const struct evval	*k = &ev->f[EV_KIND];

	if (k->len == sizeof(KIND_FLOW) - 1 &&
	    memcmp(k->v, KIND_FLOW, k->len) == 0)
		return EV_PAYLOAD;
	return EV_LINE;
}

/* Source, internal or external, country, extraterritorial. */
static void
detect_source(const struct detector *d, const struct event *ev,
    struct verdict *v)
{
	const struct strlist	*home = &d->conf->home_countries;
	struct netaddr		 na;
	size_t			 i;

	/* A NUL inside the value would cut it to something else. */
	if (ev->f[EV_SRC_IP].len == 0 ||
	    memchr(ev->f[EV_SRC_IP].v, '\0', ev->f[EV_SRC_IP].len) != NULL ||
	    netaddr_parse(event_str(ev, EV_SRC_IP), &na) == -1)
		return;
	netaddr_format(&na, v->src, sizeof(v->src));
	if (cidrset_contains(d->conf->internal, &na)) {
		v->internal = 1;
		return;
	}
	v->external = 1;
	if (d->geo != NULL && geo_country(d->geo, &na, v->cc) == -1)
		v->cc[0] = '\0';	/* logged; counted as unknown */
	if (v->cc[0] == '\0') {
		v->unknown_country = 1;
		return;
	}
	v->extraterritorial = 1;
	for (i = 0; i < home->n; i++)
		if (strcmp(v->cc, home->v[i]) == 0)
			v->extraterritorial = 0;
}

/*
 * A flow's destination: internal, or its country and whether that is
 * abroad (known and not a home country). cc "" when unknown or internal.
 */
static void
detect_dest(const struct detector *d, const struct event *ev, char cc[3],
    int *internal, int *abroad)
{
	const struct strlist	*home = &d->conf->home_countries;
	struct netaddr		 na;
	size_t			 i;

	cc[0] = '\0';
	*internal = *abroad = 0;
	if (ev->f[EV_DEST_IP].len == 0 ||
	    memchr(ev->f[EV_DEST_IP].v, '\0', ev->f[EV_DEST_IP].len) != NULL ||
	    netaddr_parse(event_str(ev, EV_DEST_IP), &na) == -1)
		return;
	if (cidrset_contains(d->conf->internal, &na)) {
		*internal = 1;
		return;
	}
	if (d->geo == NULL || geo_country(d->geo, &na, cc) == -1 ||
	    cc[0] == '\0') {
		cc[0] = '\0';
		return;
	}
	*abroad = 1;
	for (i = 0; i < home->n; i++)
		if (strcmp(cc, home->v[i]) == 0)
			*abroad = 0;
}

void
detect_context(const struct verdict *v, struct scanctx *x)
{
	x->src_ip = v->src;
	x->src_country = v->cc;
	x->hour = v->hour;
	x->src_internal = v->internal;
	x->extraterritorial = v->extraterritorial;
	x->dest_country = v->dest_cc;
	x->dest_internal = v->dest_internal;
	x->dest_extraterritorial = v->dest_extraterritorial;
	x->outbound_abroad = v->outbound_abroad;
}

int
detect_event(const struct detector *d, const struct event *ev,
    uint64_t frame_ms, struct verdict *v)
{
	struct scanctx		 x;
	const struct evval	*data;
	int			 n;

	v->ts = event_int(ev, EV_TS);
	if (v->ts <= 0)
		v->ts = (int64_t)frame_ms * 1000;
	daytime_day((time_t)(v->ts / 1000000), v->day, &v->hour);
	v->src[0] = '\0';
	v->cc[0] = '\0';
	v->internal = v->external = v->extraterritorial = 0;
	v->unknown_country = 0;
	v->nhits = 0;
	detect_source(d, ev, v);
	detect_dest(d, ev, v->dest_cc, &v->dest_internal,
	    &v->dest_extraterritorial);
	v->outbound_abroad = v->internal && v->dest_extraterritorial;
	detect_context(v, &x);
	data = &ev->f[detect_data_field(ev)];
	n = scanner_scan(d->sc, ev, &x, data->len ? data->v : "", data->len,
	    v->hits, DETECT_MAX_HITS);
	if (n < 0)
		return -1;
	v->nhits = n;
	return 0;
}

const char *
detect_group(const struct rulemeta *m, const struct event *ev,
    const struct verdict *v, size_t *len)
{
	const char	*s;
	size_t		 n;

	if (m->group_by == GROUP_RULE) {
		s = m->name;
		n = strlen(s);
	} else if (m->group_by == EV_SRC_IP) {
		s = v->src;
		n = strlen(s);
	} else {
		s = ev->f[m->group_by].v;
		n = ev->f[m->group_by].len;
	}
	*len = n;	/* 0: the event lacks the key; it opens nothing */
	return s;
}

/* Sets key to the value's first `max` bytes as valid UTF-8. 0 or -1. */
static int
evidence_text(json_t *o, const char *key, const char *s, size_t len,
    size_t max)
{
	char	 buf[DETECT_EVIDENCE_DATA * 3 + 4];

	text_utf8_clean(s, len < max ? len : max, buf, sizeof(buf));
	return json_object_set_new(o, key, json_string(buf));
}

static char *
evidence(const struct event *ev, const struct verdict *v, const char *id)
{
	enum ev_field	 data = detect_data_field(ev);
	json_t		*o;
	char		*s = NULL;
	int		 f, rc = 0;

	if ((o = json_object()) == NULL)
		return NULL;
	if (id != NULL)
		rc |= json_object_set_new(o, "id", json_string(id));
	for (f = 0; f < EV_NFIELDS && rc == 0; f++) {
		const struct evval *val = &ev->f[f];
		const char	*name = ev_fields[f].name;

		if (id == NULL && (f == EV_TS || f == EV_SENSOR ||
		    f == EV_SRC_IP))
			continue;
		if (f == EV_TS)
			rc |= json_object_set_new(o, name,
			    json_integer(v->ts));
		else if (f == EV_SRC_IP) {
			if (v->src[0] != '\0')
				rc |= json_object_set_new(o, name,
				    json_string(v->src));
		} else if (val->len == 0)
			continue;
		else if (ev_fields[f].type == FT_BYTES) {
			if (f == (int)data)
				rc |= evidence_text(o, name, val->v, val->len,
				    DETECT_EVIDENCE_DATA);
		} else if (ev_fields[f].type == FT_INT &&
		    (event_int(ev, f) != 0 ||
		    (val->len == 1 && val->v[0] == '0')))
			rc |= json_object_set_new(o, name,
			    json_integer(event_int(ev, f)));
		else
			rc |= evidence_text(o, name, val->v, val->len,
			    DETECT_EVIDENCE_FIELD);
	}
	if (rc == 0)
		s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

char *
detect_evidence(const struct event *ev, const struct verdict *v,
    const char *id)
{
	return evidence(ev, v, id);
}

char *
detect_evidence_bare(const struct event *ev, const struct verdict *v)
{
	return evidence(ev, v, NULL);
}
