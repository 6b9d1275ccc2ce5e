/*
 * collector/capture.c - libpcap inputs: capture files and a live
 * interface, into the flow table, flows into events. Owns the pcap_t,
 * the flow table and the live fd's event. Calls decode.c, flow.c,
 * flowev.c and emit.c.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "daytime.h"
#include "flowev.h"
#include "log.h"

#define LIVE_TIMEOUT_MS	100

/* One flow leaving the table: a `flow` event, unless already spooled. */
static int
flow_out(void *arg, const struct flow *f, enum flow_end why)
{
	struct capture	*cap = arg;
	struct event	 ev;
	struct flowev	 fb;

	(void)why;
	cap->nflows++;
	if (cap->nflows <= cap->skip_until)
		return 0;	/* in the spool before a restart */
	flowev_make(f, cap->pay, cap->paymax, &fb, &ev);
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
	flowev_conf(c, &fc);
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
