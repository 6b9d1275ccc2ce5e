/*
 * tests/unit/pcapgen.c - description -> tools/mkpcap -> pcap -> decoder
 * and flow table, for the capture's unit tests. Aborts on any setup
 * failure (a test that cannot make its capture fails).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "pcapgen.h"

void
gen_conf(struct flowconf *fc)
{
	memset(fc, 0, sizeof(*fc));
	fc->max_flows = 1000;
	fc->payload_bytes = 64;
	fc->timeout[FC_SYN] = 30 * 1000000LL;
	fc->timeout[FC_TCP] = 600 * 1000000LL;
	fc->timeout[FC_CLOSED] = 10 * 1000000LL;
	fc->timeout[FC_UDP] = 60 * 1000000LL;
	fc->timeout[FC_OTHER] = 30 * 1000000LL;
}

static int
gen_cb(void *arg, const struct flow *f, enum flow_end why)
{
	struct genrun	*run = arg;
	struct genflow	*g;

	if (run->nflow == GEN_MAX)
		abort();
	g = &run->flow[run->nflow++];
	g->f = *f;
	g->f.pay = NULL;
	g->why = why;
	g->plen = flow_payload(f, g->payload, sizeof(g->payload), &g->gaps);
	return 0;
}

void
gen_run(const char *desc, const struct flowconf *fc, int64_t expire_at,
    struct genrun *run)
{
	char			 dir[] = "/tmp/vigie-pcapgen.XXXXXX", in[64],
				 out[64], cmd[512], err[PCAP_ERRBUF_SIZE];
	const char		*mk = getenv("MKPCAP");
	struct pcap_pkthdr	*h;
	const u_char		*d;
	struct flowtab		*ft = NULL;
	FILE			*fp;
	pcap_t			*pc;

	memset(run, 0, sizeof(*run));
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(in, sizeof(in), "%s/in.txt", dir);
	snprintf(out, sizeof(out), "%s/out.pcap", dir);
	if ((fp = fopen(in, "w")) == NULL || fputs(desc, fp) == EOF ||
	    fclose(fp) != 0)
		abort();
	snprintf(cmd, sizeof(cmd), "%s %s %s", mk ? mk : "build/tools/mkpcap",
	    in, out);
	if (system(cmd) != 0) {
		fprintf(stderr, "pcapgen: %s failed\n", cmd);
		abort();
	}
	if ((pc = pcap_open_offline(out, err)) == NULL) {
		fprintf(stderr, "pcapgen: %s\n", err);
		abort();
	}
	run->dlt = pcap_datalink(pc);
	if (fc != NULL && (ft = flowtab_new(fc, gen_cb, run)) == NULL)
		abort();
	while (pcap_next_ex(pc, &h, &d) == 1 && run->npkt < GEN_MAX) {
		struct genpkt	*g = &run->pkt[run->npkt++];

		g->r = decode_packet(run->dlt, d, h->caplen, h->len, &g->p);
		if (g->r == DEC_OK && g->p.capcap <= sizeof(g->payload))
			memcpy(g->payload, g->p.payload, g->p.capcap);
		if (ft != NULL && g->r == DEC_OK && flowtab_packet(ft, &g->p,
		    (int64_t)h->ts.tv_sec * 1000000 + h->ts.tv_usec) == -1)
			abort();
		if (g->r == DEC_OK)
			g->p.payload = g->payload;
	}
	pcap_close(pc);
	if (ft != NULL) {
		if (expire_at != 0 && flowtab_expire(ft, expire_at) == -1)
			abort();
		run->evicted = flowtab_stats(ft)->evicted;
		if (flowtab_flush(ft) == -1)
			abort();
		flowtab_free(ft);
	}
	unlink(in);
	unlink(out);
	rmdir(dir);
}
