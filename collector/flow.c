/*
 * collector/flow.c - the flow table: an array of compact flows with an
 * open hash (chained by index) and one idle list per timeout class, oldest
 * first. Payload buffers are allocated at the client's first byte and
 * grow up to payload-bytes. Owns the flows and their buffers.
 */
#include <sys/random.h>

#include <stdlib.h>
#include <string.h>

#include "flow.h"

struct flowtab {
	struct flowconf	 conf;
	flow_cb		 cb;
	void		*arg;
	struct flow	*f;		/* max_flows, pages touched as used */
	uint32_t	*bucket;	/* index + 1 */
	uint32_t	 mask;
	uint32_t	 used, freelist, n;
	uint32_t	 head[FC_N], tail[FC_N];
	int64_t		 now, next_check;
	uint64_t	 seed;
	struct flowstats st;
};

#define EXPIRE_EVERY	1000000		/* µs of packet time between looks */
#define PAY_MIN		128

static const char *const state_names[] = {
	"new", "established", "closed", "rejected", "timeout"
};

const char *
flow_state_name(int s)
{
	return s >= 0 && s <= FS_TIMEOUT ? state_names[s] : "?";
}

struct flowtab *
flowtab_new(const struct flowconf *conf, flow_cb cb, void *arg)
{
	struct flowtab	*ft;
	uint64_t	 nb = 1024;

	if (conf->max_flows == 0 || (ft = calloc(1, sizeof(*ft))) == NULL)
		return NULL;
	ft->conf = *conf;
	ft->cb = cb;
	ft->arg = arg;
	while (nb < conf->max_flows)
		nb <<= 1;
	ft->mask = (uint32_t)(nb - 1);
	if ((ft->f = calloc(conf->max_flows, sizeof(*ft->f))) == NULL ||
	    (ft->bucket = calloc(nb, sizeof(*ft->bucket))) == NULL) {
		flowtab_free(ft);
		return NULL;
	}
	if (getrandom(&ft->seed, sizeof(ft->seed), GRND_NONBLOCK) !=
	    (ssize_t)sizeof(ft->seed))
		ft->seed = 0x9e3779b97f4a7c15ULL;
	return ft;
}

void
flowtab_free(struct flowtab *ft)
{
	uint32_t	 i;

	if (ft == NULL)
		return;
	if (ft->f != NULL)
		for (i = 0; i < ft->used; i++)
			free(ft->f[i].pay);
	free(ft->f);
	free(ft->bucket);
	free(ft);
}

size_t
flowtab_count(const struct flowtab *ft)
{
	return ft->n;
}

const struct flowstats *
flowtab_stats(const struct flowtab *ft)
{
	return &ft->st;
}

static inline uint64_t
mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* One end: the same whichever side it is, so both directions meet. */
static inline uint64_t
end_hash(const uint8_t *a, uint16_t port, uint64_t seed)
{
	uint64_t	 w0, w1;

	memcpy(&w0, a, 8);
	memcpy(&w1, a + 8, 8);
	return mix(w0 ^ seed) ^ mix(w1 + port + (seed << 1));
}

static inline uint32_t
pkt_hash(const struct flowtab *ft, const struct pkt *p)
{
	return (uint32_t)mix(end_hash(p->src, p->sport, ft->seed) +
	    end_hash(p->dst, p->dport, ft->seed) + p->proto);
}

/* The list of a class: append at the tail, unlink anywhere. */
static void
list_unlink(struct flowtab *ft, struct flow *f)
{
	if (f->prev)
		ft->f[f->prev - 1].next = f->next;
	else
		ft->head[f->cls] = f->next;
	if (f->next)
		ft->f[f->next - 1].prev = f->prev;
	else
		ft->tail[f->cls] = f->prev;
	f->prev = f->next = 0;
}

static void
list_append(struct flowtab *ft, struct flow *f, uint32_t idx1)
{
	f->prev = ft->tail[f->cls];
	f->next = 0;
	if (f->prev)
		ft->f[f->prev - 1].next = idx1;
	else
		ft->head[f->cls] = idx1;
	ft->tail[f->cls] = idx1;
}

static void
touch(struct flowtab *ft, struct flow *f, int cls)
{
	uint32_t	 idx1 = (uint32_t)(f - ft->f) + 1;

	if (ft->tail[f->cls] == idx1 && f->cls == cls) {
		f->seen = ft->now;
		return;
	}
	list_unlink(ft, f);
	f->cls = (uint8_t)cls;
	f->seen = ft->now;
	list_append(ft, f, idx1);
}

/* Out of the table, through the callback, then freed. */
static int
flow_end(struct flowtab *ft, struct flow *f, enum flow_end why)
{
	uint32_t	 idx1 = (uint32_t)(f - ft->f) + 1, *pp;
	int		 rc;

	list_unlink(ft, f);
	for (pp = &ft->bucket[f->hash & ft->mask]; *pp != idx1;
	    pp = &ft->f[*pp - 1].hnext)
		;
	*pp = f->hnext;
	ft->n--;
	if (why == FE_TIMEOUT) {
		if (f->cls == FC_SYN)
			f->state = (f->bits & FB_SYNACK) ? FS_TIMEOUT :
			    FS_REJECTED;
		else if (f->cls != FC_CLOSED)
			f->state = FS_TIMEOUT;
	}
	if (why == FE_EVICTED)
		ft->st.evicted++;
	rc = ft->cb(ft->arg, f, why);
	free(f->pay);
	memset(f, 0, sizeof(*f));
	f->hnext = ft->freelist;
	ft->freelist = idx1;
	return rc;
}

int
flowtab_expire(struct flowtab *ft, int64_t now)
{
	int	 c;

	for (c = 0; c < FC_N; c++)
		while (ft->head[c] != 0) {
			struct flow	*f = &ft->f[ft->head[c] - 1];

			if (f->seen + ft->conf.timeout[c] > now)
				break;
			if (flow_end(ft, f, FE_TIMEOUT) == -1)
				return -1;
		}
	return 0;
}

/* The flow idle the longest, whatever its class. */
static struct flow *
oldest(struct flowtab *ft)
{
	struct flow	*best = NULL, *f;
	int		 c;

	for (c = 0; c < FC_N; c++) {
		if (ft->head[c] == 0)
			continue;
		f = &ft->f[ft->head[c] - 1];
		if (best == NULL || f->seen < best->seen)
			best = f;
	}
	return best;
}

int
flowtab_flush(struct flowtab *ft)
{
	struct flow	*f;

	while ((f = oldest(ft)) != NULL)
		if (flow_end(ft, f, FE_FLUSH) == -1)
			return -1;
	return 0;
}

static struct flow *
lookup(struct flowtab *ft, const struct pkt *p, uint32_t h, int *dir)
{
	uint32_t	 i = ft->bucket[h & ft->mask];
	struct flow	*f;

	for (; i != 0; i = f->hnext) {
		f = &ft->f[i - 1];
		if (f->hash != h || f->proto != p->proto || f->v6 != p->v6)
			continue;
		if (f->cport == p->sport && f->sport == p->dport &&
		    memcmp(f->ca, p->src, 16) == 0 &&
		    memcmp(f->sa, p->dst, 16) == 0) {
			*dir = 0;
			return f;
		}
		if (f->cport == p->dport && f->sport == p->sport &&
		    memcmp(f->ca, p->dst, 16) == 0 &&
		    memcmp(f->sa, p->src, 16) == 0) {
			*dir = 1;
			return f;
		}
	}
	return NULL;
}

static struct flow *
create(struct flowtab *ft, const struct pkt *p, uint32_t h, int64_t ts,
    int *dir)
{
	struct flow	*f;
	uint32_t	 idx1;
	int		 swap;

	if (ft->n >= ft->conf.max_flows) {
		if ((f = oldest(ft)) == NULL || flow_end(ft, f, FE_EVICTED) == -1)
			return NULL;
	}
	if (ft->freelist) {
		idx1 = ft->freelist;
		ft->freelist = ft->f[idx1 - 1].hnext;
	} else
		idx1 = ++ft->used;
	f = &ft->f[idx1 - 1];
	memset(f, 0, sizeof(*f));
	/*
	 * The client sends the SYN: a SYN+ACK seen first comes from the
	 * server. Without a SYN, a packet from a well-known port to an
	 * ephemeral one is taken as the server's.
	 */
	if (p->proto == 6 && (p->flags & TH_SYN))
		swap = (p->flags & TH_ACK) != 0;
	else
		swap = (p->proto == 6 || p->proto == 17) && p->sport < 1024 &&
		    p->dport >= 1024;
	memcpy(f->ca, swap ? p->dst : p->src, 16);
	memcpy(f->sa, swap ? p->src : p->dst, 16);
	f->cport = swap ? p->dport : p->sport;
	f->sport = swap ? p->sport : p->dport;
	f->proto = p->proto;
	f->v6 = p->v6;
	f->hash = h;
	f->state = FS_NEW;
	f->start = f->end = ts;
	f->icmp_type = p->icmp_type;
	f->icmp_code = p->icmp_code;
	f->vlan = p->vlan;
	f->nvlan = p->nvlan;
	f->hnext = ft->bucket[h & ft->mask];
	ft->bucket[h & ft->mask] = idx1;
	if (p->proto == 6)
		f->cls = (p->flags & (TH_SYN | TH_ACK)) == TH_SYN ? FC_SYN :
		    FC_TCP;
	else
		f->cls = p->proto == 17 ? FC_UDP : FC_OTHER;
	if (f->cls == FC_TCP && !(p->flags & TH_SYN))
		f->state = FS_ESTABLISHED;	/* picked up in mid-stream */
	f->seen = ft->now;
	list_append(ft, f, idx1);
	ft->n++;
	ft->st.flows++;
	*dir = swap;
	return f;
}

/* Bytes [off, off + len) of the client's payload, first copy wins. */
static void
pay_put(struct flowtab *ft, struct flow *f, uint32_t off, const uint8_t *d,
    uint32_t len)
{
	struct paybuf	*pb = f->pay;
	uint32_t	 lim = ft->conf.payload_bytes, end, i, cap;
	uint8_t		*map;

	if (off >= lim || len == 0)
		return;
	if (len > lim - off)
		len = lim - off;
	end = off + len;
	if (pb == NULL || end > pb->cap) {
		cap = pb ? pb->cap * 2 : PAY_MIN;
		if (cap < end)
			cap = end;
		if (cap > lim)
			cap = lim;
		if ((pb = malloc(sizeof(*pb) + cap + (cap + 7) / 8)) == NULL) {
			ft->st.nopay++;
			return;
		}
		memset(pb->data + cap, 0, (cap + 7) / 8);
		pb->cap = cap;
		pb->hi = 0;
		if (f->pay != NULL) {
			memcpy(pb->data, f->pay->data, f->pay->cap);
			memcpy(pb->data + cap, f->pay->data + f->pay->cap,
			    (f->pay->cap + 7) / 8);
			pb->hi = f->pay->hi;
			free(f->pay);
		}
		f->pay = pb;
	}
	map = pb->data + pb->cap;
	for (i = off; i < end; i++)
		if (!(map[i >> 3] & (1u << (i & 7)))) {
			map[i >> 3] |= (uint8_t)(1u << (i & 7));
			pb->data[i] = d[i - off];
			ft->st.payload_bytes++;
		}
	if (end > pb->hi)
		pb->hi = end;
}

size_t
flow_payload(const struct flow *f, uint8_t *out, size_t max, int *gaps)
{
	const struct paybuf	*pb = f->pay;
	const uint8_t		*map;
	size_t			 n = 0;
	uint32_t		 i;
	int			 in_gap = 0;

	*gaps = 0;
	if (pb == NULL)
		return 0;
	map = pb->data + pb->cap;
	for (i = 0; i < pb->hi; i++) {
		if (map[i >> 3] & (1u << (i & 7))) {
			in_gap = 0;
			if (n < max)
				out[n++] = pb->data[i];
		} else if (!in_gap) {
			in_gap = 1;
			(*gaps)++;
		}
	}
	return n;
}

static void
tcp_update(struct flowtab *ft, struct flow *f, const struct pkt *p, int dir)
{
	uint8_t		 fl = p->flags;
	uint32_t	 seq = p->seq;
	int		 cls = f->cls;

	if (dir == 0 && (fl & (TH_SYN | TH_ACK)) == TH_SYN) {
		f->bits |= FB_SYN;
		f->base = seq + 1;
		f->bits |= FB_BASE;
	}
	if (dir == 1 && (fl & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
		f->bits |= FB_SYNACK;
	if (fl & TH_RST) {
		if (f->state == FS_NEW && dir == 1 && !(f->bits & FB_SYNACK))
			f->state = FS_REJECTED;
		else if (f->state != FS_REJECTED)
			f->state = FS_CLOSED;
		cls = FC_CLOSED;
	} else if (fl & TH_FIN) {
		f->bits |= dir ? FB_FIN_S : FB_FIN_C;
		if ((f->bits & (FB_FIN_C | FB_FIN_S)) ==
		    (FB_FIN_C | FB_FIN_S)) {
			f->state = FS_CLOSED;
			cls = FC_CLOSED;
		} else if (f->state == FS_NEW) {
			f->state = FS_ESTABLISHED;
			cls = FC_TCP;
		}
	} else if (f->state == FS_NEW && (fl & TH_ACK) &&
	    (dir == 1 ? !(fl & TH_SYN) : (f->bits & FB_SYNACK) != 0)) {
		f->state = FS_ESTABLISHED;
		cls = FC_TCP;
	} else if (f->state == FS_NEW && (f->bits & FB_SYNACK))
		cls = FC_TCP;
	if (dir == 0 && p->capcap > 0 && ft->conf.payload_bytes > 0) {
		if (fl & TH_SYN)
			seq++;
		if (!(f->bits & FB_BASE)) {
			f->base = seq;
			f->bits |= FB_BASE;
		}
		pay_put(ft, f, seq - f->base, p->payload, p->capcap);
	}
	touch(ft, f, cls);
}

int
flowtab_packet(struct flowtab *ft, const struct pkt *p, int64_t ts)
{
	struct flow	*f;
	uint32_t	 h;
	int		 dir;

	if (ts > ft->now)
		ft->now = ts;
	if (ft->now >= ft->next_check) {
		if (ft->next_check != 0 && flowtab_expire(ft, ft->now) == -1)
			return -1;
		ft->next_check = ft->now + EXPIRE_EVERY;
	}
	h = pkt_hash(ft, p);
	if ((f = lookup(ft, p, h, &dir)) != NULL && dir == 0 &&
	    p->proto == 6 && (p->flags & (TH_SYN | TH_ACK)) == TH_SYN &&
	    (f->state == FS_CLOSED || f->state == FS_REJECTED) &&
	    (f->bits & FB_SYN) && p->seq + 1 != f->base) {
		/* A new connection on the ports of a finished one. */
		ft->st.reused++;
		if (flow_end(ft, f, FE_REUSED) == -1)
			return -1;
		f = NULL;
	}
	if (f == NULL && (f = create(ft, p, h, ts, &dir)) == NULL)
		return -1;
	if (ts < f->start)
		f->start = ts;
	if (ts > f->end)
		f->end = ts;
	f->pkts[dir]++;
	f->bytes[dir] += p->iplen;
	f->flags[dir] |= p->flags;
	if (p->proto == 6)
		tcp_update(ft, f, p, dir);
	else {
		if (dir == 0 && p->capcap > 0 && p->proto == 17 &&
		    ft->conf.payload_bytes > 0)
			pay_put(ft, f, f->pay ? f->pay->hi : 0, p->payload,
			    p->capcap);
		if (dir == 1 && f->state == FS_NEW)
			f->state = FS_ESTABLISHED;
		touch(ft, f, f->cls);
	}
	return 0;
}
