/*
 * collector/flowev.c - a flow as a `flow` event (flowev.h). Owns
 * nothing. Calls flow.c for the payload and appmeta.c.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "flowev.h"

void
flowev_conf(const struct conf *c, struct flowconf *fc)
{
	memset(fc, 0, sizeof(*fc));
	fc->max_flows = (uint32_t)c->max_flows;
	fc->payload_bytes = (uint32_t)c->payload_bytes;
	fc->timeout[FC_SYN] = (int64_t)c->timeout_syn * 1000000;
	fc->timeout[FC_TCP] = (int64_t)c->timeout_tcp * 1000000;
	fc->timeout[FC_CLOSED] = (int64_t)c->timeout_closed * 1000000;
	fc->timeout[FC_UDP] = (int64_t)c->timeout_udp * 1000000;
	fc->timeout[FC_OTHER] = (int64_t)c->timeout_other * 1000000;
}

static const char *
proto_name(int p, char *buf, size_t size)
{
	switch (p) {
	case 6: return "tcp";
	case 17: return "udp";
	case 1: return "icmp";
	case 58: return "ipv6-icmp";
	}
	snprintf(buf, size, "%d", p);
	return buf;
}

void
flowev_make(const struct flow *f, uint8_t *pay, uint32_t paymax,
    struct flowev *b, struct event *ev)
{
	size_t	 plen;
	int	 g, af = f->v6 ? AF_INET6 : AF_INET;

	event_clear(ev);
	event_set(ev, EV_KIND, "flow");
	inet_ntop(af, f->ca, b->src, sizeof(b->src));
	inet_ntop(af, f->sa, b->dst, sizeof(b->dst));
	event_set(ev, EV_SRC_IP, b->src);
	event_set(ev, EV_DEST_IP, b->dst);
	if (f->proto == 6 || f->proto == 17) {
		snprintf(b->sp, sizeof(b->sp), "%u", f->cport);
		snprintf(b->dp, sizeof(b->dp), "%u", f->sport);
		event_set(ev, EV_SRC_PORT, b->sp);
		event_set(ev, EV_DEST_PORT, b->dp);
	}
	event_set(ev, EV_PROTO, proto_name(f->proto, b->pr, sizeof(b->pr)));
	snprintf(b->n[0], sizeof(b->n[0]), "%" PRIu32, f->pkts[0]);
	snprintf(b->n[1], sizeof(b->n[1]), "%" PRIu32, f->pkts[1]);
	snprintf(b->n[2], sizeof(b->n[2]), "%" PRIu64, f->bytes[0]);
	snprintf(b->n[3], sizeof(b->n[3]), "%" PRIu64, f->bytes[1]);
	event_set(ev, EV_PKTS_TOSERVER, b->n[0]);
	event_set(ev, EV_PKTS_TOCLIENT, b->n[1]);
	event_set(ev, EV_BYTES_TOSERVER, b->n[2]);
	event_set(ev, EV_BYTES_TOCLIENT, b->n[3]);
	if (f->proto == 6) {
		snprintf(b->fl, sizeof(b->fl), "%x", f->flags[0] | f->flags[1]);
		event_set(ev, EV_TCP_FLAGS, b->fl);
	}
	event_set(ev, EV_STATE, flow_state_name(f->state));
	snprintf(b->ts, sizeof(b->ts), "%" PRId64, f->start);
	snprintf(b->te, sizeof(b->te), "%" PRId64, f->end);
	event_set(ev, EV_TS, b->ts);
	event_set(ev, EV_START, b->ts);
	event_set(ev, EV_END, b->te);
	plen = flow_payload(f, pay, paymax, &g);
	if (plen > 0) {
		ev->f[EV_PAYLOAD].v = (const char *)pay;
		ev->f[EV_PAYLOAD].len = plen;
		appmeta_parse(pay, plen, &b->am);
		if (b->am.app_proto != NULL) {
			event_set(ev, EV_APP_PROTO, b->am.app_proto);
			event_set(ev, EV_HTTP_METHOD, b->am.method);
			event_set(ev, EV_URL, b->am.url);
			event_set(ev, EV_HTTP_HOSTNAME, b->am.host);
			event_set(ev, EV_USER_AGENT, b->am.user_agent);
			event_set(ev, EV_TLS_SNI, b->am.sni);
			event_set(ev, EV_SSH_SOFTWARE, b->am.ssh);
		}
	}
	if (g > 0) {
		snprintf(b->gaps, sizeof(b->gaps), "%d", g);
		event_set(ev, EV_PAYLOAD_GAPS, b->gaps);
	}
	if (f->proto == 1 || f->proto == 58) {
		snprintf(b->it, sizeof(b->it), "%u", f->icmp_type);
		snprintf(b->ic, sizeof(b->ic), "%u", f->icmp_code);
		event_set(ev, EV_ICMP_TYPE, b->it);
		event_set(ev, EV_ICMP_CODE, b->ic);
	}
	if (f->nvlan > 0) {
		snprintf(b->vl, sizeof(b->vl), "%u", f->vlan);
		event_set(ev, EV_VLAN, b->vl);
	}
}
