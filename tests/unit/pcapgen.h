/*
 * tests/unit/pcapgen.h - unit tests' captures: a description (as
 * tests/fixtures/pcap/ holds) through tools/mkpcap into a real pcap
 * file, read back with libpcap through the decoder and the flow table.
 */
#ifndef VIGIE_PCAPGEN_H
#define VIGIE_PCAPGEN_H

#include "decode.h"
#include "flow.h"

#define GEN_MAX		64

struct genpkt {
	enum dec_result	 r;
	struct pkt	 p;
	uint8_t		 payload[2048];
};

struct genflow {
	struct flow	 f;		/* pay NULL: see payload */
	enum flow_end	 why;
	uint8_t		 payload[4096];
	size_t		 plen;
	int		 gaps;
};

struct genrun {
	struct genpkt	 pkt[GEN_MAX];
	int		 npkt;
	struct genflow	 flow[GEN_MAX];
	int		 nflow;
	uint64_t	 evicted;
	int		 dlt;
};

/* A flow config for tests: 1000 flows, 64 payload bytes, short timeouts. */
void	gen_conf(struct flowconf *);
/*
 * Writes desc to a file, makes the pcap with $MKPCAP (default
 * build/tools/mkpcap), decodes every packet into run->pkt and, with
 * fc not NULL, feeds the flow table and flushes it into run->flow.
 * `expire_at` (µs, 0: none) is a flowtab_expire() before the flush.
 */
void	gen_run(const char *desc, const struct flowconf *fc, int64_t expire_at,
	    struct genrun *run);

#endif
