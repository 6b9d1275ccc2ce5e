/*
 * collector/capture.c - libpcap inputs: capture files and a live
 * interface, into the flow table, flows into events. Owns the pcap_t,
 * the flow table and the live fd's event. Calls decode.c, flow.c,
 * appmeta.c and emit.c.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appmeta.h"
#include "capture.h"
#include "daytime.h"
#include "log.h"

#define LIVE_TIMEOUT_MS	100

void
capture_flowconf(const struct conf *c, struct flowconf *fc)
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

/* One flow leaving the table: a `flow` event, unless already spooled. */
static int
flow_out(void *arg, const struct flow *f, enum flow_end why)
{
	struct capture	*cap = arg;
	struct event	 ev;
	struct appmeta	 am;
	char		 src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	char		 sp[8], dp[8], pr[8], n[6][24], fl[4], ts[24], te[24];
	char		 gaps[12], it[8], ic[8], vl[8];
	size_t		 plen;
	int		 g, af = f->v6 ? AF_INET6 : AF_INET;

	(void)why;
	cap->nflows++;
	if (cap->nflows <= cap->skip_until)
		return 0;	/* in the spool before a restart */
	event_clear(&ev);
	event_set(&ev, EV_KIND, "flow");
	inet_ntop(af, f->ca, src, sizeof(src));
	inet_ntop(af, f->sa, dst, sizeof(dst));
	event_set(&ev, EV_SRC_IP, src);
	event_set(&ev, EV_DEST_IP, dst);
	if (f->proto == 6 || f->proto == 17) {
		snprintf(sp, sizeof(sp), "%u", f->cport);
		snprintf(dp, sizeof(dp), "%u", f->sport);
		event_set(&ev, EV_SRC_PORT, sp);
		event_set(&ev, EV_DEST_PORT, dp);
	}
	event_set(&ev, EV_PROTO, proto_name(f->proto, pr, sizeof(pr)));
	snprintf(n[0], sizeof(n[0]), "%" PRIu32, f->pkts[0]);
	snprintf(n[1], sizeof(n[1]), "%" PRIu32, f->pkts[1]);
	snprintf(n[2], sizeof(n[2]), "%" PRIu64, f->bytes[0]);
	snprintf(n[3], sizeof(n[3]), "%" PRIu64, f->bytes[1]);
	event_set(&ev, EV_PKTS_TOSERVER, n[0]);
	event_set(&ev, EV_PKTS_TOCLIENT, n[1]);
	event_set(&ev, EV_BYTES_TOSERVER, n[2]);
	event_set(&ev, EV_BYTES_TOCLIENT, n[3]);
	if (f->proto == 6) {
		snprintf(fl, sizeof(fl), "%x", f->flags[0] | f->flags[1]);
		event_set(&ev, EV_TCP_FLAGS, fl);
	}
	event_set(&ev, EV_STATE, flow_state_name(f->state));
	snprintf(ts, sizeof(ts), "%" PRId64, f->start);
	snprintf(te, sizeof(te), "%" PRId64, f->end);
	event_set(&ev, EV_TS, ts);
	event_set(&ev, EV_START, ts);
	event_set(&ev, EV_END, te);
	plen = flow_payload(f, cap->pay, cap->paymax, &g);
	if (plen > 0) {
		ev.f[EV_PAYLOAD].v = (const char *)cap->pay;
		ev.f[EV_PAYLOAD].len = plen;
		appmeta_parse(cap->pay, plen, &am);
		if (am.app_proto != NULL) {
			event_set(&ev, EV_APP_PROTO, am.app_proto);
			event_set(&ev, EV_HTTP_METHOD, am.method);
			event_set(&ev, EV_URL, am.url);
			event_set(&ev, EV_HTTP_HOSTNAME, am.host);
			event_set(&ev, EV_USER_AGENT, am.user_agent);
			event_set(&ev, EV_TLS_SNI, am.sni);
			event_set(&ev, EV_SSH_SOFTWARE, am.ssh);
		}
	}
	if (g > 0) {
		snprintf(gaps, sizeof(gaps), "%d", g);
		event_set(&ev, EV_PAYLOAD_GAPS, gaps);
	}
	if (f->proto == 1 || f->proto == 58) {
		snprintf(it, sizeof(it), "%u", f->icmp_type);
		snprintf(ic, sizeof(ic), "%u", f->icmp_code);
		event_set(&ev, EV_ICMP_TYPE, it);
		event_set(&ev, EV_ICMP_CODE, ic);
	}
	if (f->nvlan > 0) {
		snprintf(vl, sizeof(vl), "%u", f->vlan);
		event_set(&ev, EV_VLAN, vl);
	}
	cap->flows_out++;
	if (cap->live)
		return emit_event(cap->e, &ev, NULL);
	cap->cp.off = cap->nflows;
	/* The last flow of a file read to its end says so. */
	cap->cp.skip = cap->flushing && flowtab_count(cap->ft) == 0;
	return emit_event(cap->e, &ev, &cap->cp);
}

static int
capture_common(struct capture *cap, const char *name, const struct conf *c,
    struct emitter *e)
{
	struct flowconf	 fc;

	memset(cap, 0, sizeof(*cap));
	capture_flowconf(c, &fc);
	cap->e = e;
	cap->paymax = fc.payload_bytes;
	if ((cap->name = strdup(name)) == NULL ||
	    (cap->pay = malloc(fc.payload_bytes + 1)) == NULL ||
	    (cap->ft = flowtab_new(&fc, flow_out, cap)) == NULL) {
		log_warnx("%s: out of memory", name);
		return -1;
	}
	cap->cp.path = cap->name;
	return 0;
}

int
capture_open_file(struct capture *cap, const char *path,
    const struct conf *c, struct emitter *e, const struct spool *sp)
{
	char			 err[PCAP_ERRBUF_SIZE];
	const struct spool_cp	*saved;
	struct stat		 st;

	if (capture_common(cap, path, c, e) == -1)
		return -1;
	if ((cap->pc = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_MICRO, err)) == NULL) {
		log_warnx("%s", err);	/* names the file */
		return -1;
	}
	if (fstat(fileno(pcap_file(cap->pc)), &st) == -1) {
		log_warn("%s", path);
		return -1;
	}
	cap->dlt = pcap_datalink(cap->pc);
	cap->cp.dev = (uint64_t)st.st_dev;
	cap->cp.ino = (uint64_t)st.st_ino;
	if ((saved = spool_checkpoint(sp, path)) != NULL &&
	    saved->dev == cap->cp.dev && saved->ino == cap->cp.ino) {
		if (saved->skip) {
			log_info("%s: read to its end before (%" PRIu64
			    " flows); not read again", path, saved->off);
			cap->eof = 1;
			flowtab_free(cap->ft);
			cap->ft = NULL;
			return 0;
		}
		cap->skip_until = saved->off;
		log_info("%s: %" PRIu64 " flows of it are already in the "
		    "spool; reading it again from the start without them",
		    path, saved->off);
	}
	return 0;
}

int
capture_open_live(struct capture *cap, const struct conf *c,
    struct emitter *e)
{
	char			 err[PCAP_ERRBUF_SIZE];
	struct bpf_program	 prog;
	const char		*ifn = c->interface;
	int			 rc;

	if (capture_common(cap, ifn, c, e) == -1)
		return -1;
	cap->live = 1;
	if ((cap->pc = pcap_create(ifn, err)) == NULL) {
		log_warnx("interface %s: %s", ifn, err);
		return -1;
	}
	if (pcap_set_snaplen(cap->pc, c->snaplen) != 0 ||
	    pcap_set_promisc(cap->pc, c->promiscuous) != 0 ||
	    pcap_set_timeout(cap->pc, LIVE_TIMEOUT_MS) != 0 ||
	    pcap_set_buffer_size(cap->pc, (int)c->buffer_size) != 0 ||
	    pcap_set_tstamp_precision(cap->pc,
	    PCAP_TSTAMP_PRECISION_MICRO) != 0) {
		log_warnx("interface %s: cannot set capture options", ifn);
		return -1;
	}
	if ((rc = pcap_activate(cap->pc)) < 0) {
		log_warnx("interface %s: %s", ifn, *pcap_geterr(cap->pc) ?
		    pcap_geterr(cap->pc) : pcap_statustostr(rc));
		return -1;
	}
	if (rc > 0)
		log_warnx("interface %s: %s", ifn, pcap_statustostr(rc));
	cap->dlt = pcap_datalink(cap->pc);
	if (c->capture_filter != NULL) {
		if (pcap_compile(cap->pc, &prog, c->capture_filter, 1,
		    PCAP_NETMASK_UNKNOWN) == -1) {
			log_warnx("filter \"%s\": %s", c->capture_filter,
			    pcap_geterr(cap->pc));
			return -1;
		}
		rc = pcap_setfilter(cap->pc, &prog);
		pcap_freecode(&prog);
		if (rc == -1) {
			log_warnx("filter \"%s\": %s", c->capture_filter,
			    pcap_geterr(cap->pc));
			return -1;
		}
	}
	if (pcap_setnonblock(cap->pc, 1, err) == -1) {
		log_warnx("interface %s: %s", ifn, err);
		return -1;
	}
	log_info("capturing on %s (link type %s, snaplen %d)", ifn,
	    pcap_datalink_val_to_name(cap->dlt) ? pcap_datalink_val_to_name(
	    cap->dlt) : "?", pcap_snapshot(cap->pc));
	return 0;
}

static void
packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
	struct capture	*cap = (struct capture *)arg;
	struct pkt	 p;
	enum dec_result	 r;

	if (cap->failed)
		return;
	cap->packets++;
	cap->bytes += h->len;
	r = decode_packet(cap->dlt, data, h->caplen, h->len, &p);
	cap->res[r]++;
	if (DEC_MALFORMED(r))
		cap->malformed++;
	if (r != DEC_OK)
		return;
	if (flowtab_packet(cap->ft, &p, (int64_t)h->ts.tv_sec * 1000000 +
	    h->ts.tv_usec) == -1)
		cap->failed = 1;
}

int
capture_flush(struct capture *cap)
{
	int	 rc;

	if (cap->ft == NULL)
		return 0;
	cap->flushing = 1;
	rc = flowtab_flush(cap->ft);
	cap->flushing = 0;
	return rc;
}

int
capture_expire(struct capture *cap, int64_t now_us)
{
	return cap->ft != NULL ? flowtab_expire(cap->ft, now_us) : 0;
}

static void
live_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	capture_read(arg, 4096);
}

int
capture_start(struct capture *cap, struct event_base *base)
{
	int	 fd;

	if (!cap->live || cap->ev != NULL)
		return 0;
	if ((fd = pcap_get_selectable_fd(cap->pc)) == -1) {
		log_warnx("%s: no selectable descriptor", cap->name);
		return -1;
	}
	if ((cap->ev = event_new(base, fd, EV_READ | EV_PERSIST, live_cb,
	    cap)) == NULL || event_add(cap->ev, NULL) == -1) {
		log_warnx("%s: cannot watch the capture", cap->name);
		return -1;
	}
	return 0;
}

long
capture_read(struct capture *cap, int budget)
{
	int	 n;

	if (cap->eof || cap->pc == NULL)
		return 0;
	n = pcap_dispatch(cap->pc, budget, packet, (u_char *)cap);
	if (cap->failed)
		return -1;
	if (cap->live) {
		/* Said once per error spell, not at every turn. */
		if (n == PCAP_ERROR && !cap->erring)
			log_warnx("%s: %s", cap->name, pcap_geterr(cap->pc));
		cap->erring = n == PCAP_ERROR;
		return n > 0 ? n : 0;
	}
	if (n > 0)
		return n;
	if (n == PCAP_ERROR)
		log_warnx("%s: %s; the rest of the file is not read",
		    cap->name, pcap_geterr(cap->pc));
	if (capture_flush(cap) == -1)
		return -1;
	cap->eof = 1;
	/* Done with the file: its table's memory goes back. */
	cap->evicted = flowtab_stats(cap->ft)->evicted;
	flowtab_free(cap->ft);
	cap->ft = NULL;
	log_info("%s: %" PRIu64 " packets, %" PRIu64 " malformed; %"
	    PRIu64 " flows, %" PRIu64 " new in the spool", cap->name,
	    cap->packets, cap->malformed, cap->nflows, cap->flows_out);
	return 0;
}

void
capture_stats(struct capture *cap)
{
	struct pcap_stat	 ps;

	if (cap->live && cap->pc != NULL && pcap_stats(cap->pc, &ps) == 0) {
		cap->pcap_drop = ps.ps_drop;
		cap->pcap_ifdrop = ps.ps_ifdrop;
	}
}

void
capture_free(struct capture *cap)
{
	if (cap->ev != NULL)
		event_free(cap->ev);
	if (cap->pc != NULL)
		pcap_close(cap->pc);
	flowtab_free(cap->ft);
	free(cap->pay);
	free(cap->name);
	memset(cap, 0, sizeof(*cap));
}
