/*
 * bench/capbench.c - the capture's costs apart from Redis and the spool.
 *   capbench FILE.pcap PAYLOAD_BYTES   packets per CPU-second of flow
 *       extraction: libpcap read, decode, flow table, each flow's
 *       payload read back and its application metadata parsed
 *   capbench --concurrent N PAYLOAD_BYTES   resident bytes per tracked
 *       flow with N flows open at once (each sent 100 client bytes when
 *       PAYLOAD_BYTES > 0)
 * Prints one line of figures; exit 1 on any error.
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#include "appmeta.h"
#include "decode.h"
#include "flow.h"

static uint64_t	 nflows, npay;
static uint8_t	 pay[1 << 20];

static int
flow_out(void *arg, const struct flow *f, enum flow_end why)
{
	struct appmeta	 m;
	size_t		 n;
	int		 gaps;

	(void)arg;
	(void)why;
	nflows++;
	if ((n = flow_payload(f, pay, sizeof(pay), &gaps)) > 0) {
		npay++;
		appmeta_parse(pay, n, &m);
	}
	return 0;
}

static void
conf(struct flowconf *fc, uint32_t max, uint32_t payload)
{
	memset(fc, 0, sizeof(*fc));
	fc->max_flows = max;
	fc->payload_bytes = payload;
	fc->timeout[FC_SYN] = 30000000;
	fc->timeout[FC_TCP] = 600000000;
	fc->timeout[FC_CLOSED] = 10000000;
	fc->timeout[FC_UDP] = 60000000;
	fc->timeout[FC_OTHER] = 30000000;
}

static double
cpu_s(void)
{
	struct rusage	 ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static long
rss_kb(void)
{
	char	 line[256];
	long	 kb = -1;
	FILE	*fp = fopen("/proc/self/status", "r");

	while (fp != NULL && fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	if (fp != NULL)
		fclose(fp);
	return kb;
}

static int
file(const char *path, uint32_t payload)
{
	char			 err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr	*h;
	const u_char		*d;
	struct flowconf		 fc;
	struct flowtab		*ft;
	struct pkt		 p;
	pcap_t			*pc;
	uint64_t		 n = 0, bad = 0;
	double			 t0 = cpu_s(), t;
	int			 dlt, rc;

	if ((pc = pcap_open_offline(path, err)) == NULL) {
		fprintf(stderr, "%s: %s\n", path, err);
		return 1;
	}
	dlt = pcap_datalink(pc);
	conf(&fc, 1000000, payload);
	if ((ft = flowtab_new(&fc, flow_out, NULL)) == NULL)
		return 1;
	while ((rc = pcap_next_ex(pc, &h, &d)) == 1) {
		n++;
		if (decode_packet(dlt, d, h->caplen, h->len, &p) != DEC_OK) {
			bad++;
			continue;
		}
		flowtab_packet(ft, &p, (int64_t)h->ts.tv_sec * 1000000 +
		    h->ts.tv_usec);
	}
	flowtab_flush(ft);
	t = cpu_s() - t0;
	printf("packets %llu flows %llu with_payload %llu not_decoded %llu "
	    "payload_bytes %u cpu_s %.2f packets_per_cpu_s %.0f max_rss_kb "
	    "%ld\n", (unsigned long long)n, (unsigned long long)nflows,
	    (unsigned long long)npay, (unsigned long long)bad, payload, t,
	    n / t, rss_kb());
	flowtab_free(ft);
	pcap_close(pc);
	return 0;
}

static int
concurrent(uint32_t n, uint32_t payload)
{
	struct flowconf	 fc;
	struct flowtab	*ft;
	struct pkt	 p;
	uint8_t		 data[100];
	uint32_t	 i;
	long		 before, after;

	memset(data, 'x', sizeof(data));
	conf(&fc, n, payload);
	before = rss_kb();
	if ((ft = flowtab_new(&fc, flow_out, NULL)) == NULL)
		return 1;
	memset(&p, 0, sizeof(p));
	p.proto = 6;
	p.iplen = 40;
	for (i = 0; i < n; i++) {
		p.src[0] = 10;
		p.src[1] = (uint8_t)(i >> 16);
		p.src[2] = (uint8_t)(i >> 8);
		p.src[3] = (uint8_t)i;
		p.dst[0] = 93;
		p.sport = (uint16_t)(1024 + i % 50000);
		p.dport = 443;
		p.flags = TH_SYN;
		p.seq = i;
		p.capcap = p.paylen = 0;
		flowtab_packet(ft, &p, 1000000 + i);
		if (payload > 0) {
			p.flags = TH_ACK | TH_PSH;
			p.seq = i + 1;
			p.payload = data;
			p.capcap = p.paylen = sizeof(data);
			flowtab_packet(ft, &p, 1000000 + i);
		}
	}
	after = rss_kb();
	printf("flows %zu payload_bytes %u rss_kb_before %ld rss_kb_after %ld "
	    "bytes_per_flow %.1f evicted %llu\n", flowtab_count(ft), payload,
	    before, after, (after - before) * 1024.0 / n,
	    (unsigned long long)flowtab_stats(ft)->evicted);
	flowtab_free(ft);
	return 0;
}

int
main(int argc, char *argv[])
{
	if (argc == 4 && !strcmp(argv[1], "--concurrent"))
		return concurrent((uint32_t)atol(argv[2]),
		    (uint32_t)atol(argv[3]));
	if (argc == 3)
		return file(argv[1], (uint32_t)atol(argv[2]));
	fprintf(stderr, "usage: capbench FILE PAYLOAD | --concurrent N "
	    "PAYLOAD\n");
	return 2;
}
