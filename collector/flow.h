/*
 * collector/flow.h - the flow table: packets into bidirectional flows
 * keyed by the 5-tuple, bounded, timed out per protocol and state, with
 * the client's first bytes reassembled by sequence number.
 */
#ifndef VIGIE_FLOW_H
#define VIGIE_FLOW_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* Timeout classes: each has its own idle list, oldest first. */
enum flow_class { FC_SYN, FC_TCP, FC_CLOSED, FC_UDP, FC_OTHER, FC_N };

enum flow_state { FS_NEW, FS_ESTABLISHED, FS_CLOSED, FS_REJECTED,
	FS_TIMEOUT };

/* Why a flow leaves the table. */
enum flow_end { FE_TIMEOUT, FE_EVICTED, FE_FLUSH, FE_REUSED };

struct flowconf {
	uint32_t	 max_flows;
	uint32_t	 payload_bytes;		/* 0: no payload kept */
	int64_t		 timeout[FC_N];		/* µs */
};

/* The client's bytes: data[cap], then a bitmap of the bytes filled. */
struct paybuf {
	uint32_t	 cap, hi;		/* hi: one past the last filled */
	uint8_t		 data[];
};

#define FB_SYN		0x01	/* the client's SYN seen */
#define FB_SYNACK	0x02	/* the server's SYN+ACK seen */
#define FB_FIN_C	0x04
#define FB_FIN_S	0x08
#define FB_BASE		0x10	/* base holds the client's first sequence */

struct flow {
	uint32_t	 hnext, prev, next;	/* index + 1, 0: none */
	uint32_t	 hash;
	uint8_t		 ca[16], sa[16];	/* client, server */
	uint16_t	 cport, sport;
	uint8_t		 proto, v6, cls, state;
	uint8_t		 flags[2];		/* TCP flags: client, server */
	uint8_t		 bits, icmp_type, icmp_code, nvlan;
	uint16_t	 vlan;
	uint32_t	 pkts[2];
	uint32_t	 base;			/* sequence of payload byte 0 */
	uint64_t	 bytes[2];
	int64_t		 start, end, seen;	/* µs; seen orders the lists */
	struct paybuf	*pay;
};

struct flowtab;
/*
 * Called for each flow leaving the table (already out of it: count
 * excludes it); `f` is freed when the callback returns. Returns 0, or -1
 * to stop (returned by the call that emitted).
 */
typedef int	(*flow_cb)(void *arg, const struct flow *f, enum flow_end);

struct flowstats {
	uint64_t	 flows, evicted, reused, payload_bytes;
	uint64_t	 nopay;			/* payload buffer not allocated */
};

struct flowtab	*flowtab_new(const struct flowconf *, flow_cb, void *arg);
void		 flowtab_free(struct flowtab *);
/* One decoded packet at ts (µs). Returns 0, or -1 from the callback. */
int		 flowtab_packet(struct flowtab *, const struct pkt *,
		    int64_t ts);
/* Ends the flows idle past their timeout at `now` (µs). 0 or -1. */
int		 flowtab_expire(struct flowtab *, int64_t now);
/* Ends every flow, oldest first, with its current state. 0 or -1. */
int		 flowtab_flush(struct flowtab *);
size_t		 flowtab_count(const struct flowtab *);
const struct flowstats *flowtab_stats(const struct flowtab *);

/* The state's name ("new", "established", ...). */
const char	*flow_state_name(int);
/*
 * The client payload in order, gaps left out, into out (at most `max`
 * bytes); *gaps: holes before the last byte filled. Returns the length.
 */
size_t		 flow_payload(const struct flow *, uint8_t *out, size_t max,
		    int *gaps);

#endif
