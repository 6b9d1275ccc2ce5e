/*
 * collector/decode.c - packet layers, checked against the captured
 * length at every step (reads are bounded by `cap`), lengths on the wire
 * checked against what the headers claim. Pure; owns nothing.
 */
#include <string.h>

#include "decode.h"

static const char *const dec_names[DEC_NRESULTS] = {
	"ok", "not_ip", "fragment", "linktype", "trunc_link", "trunc_ip",
	"bad_ip", "bad_iplen", "bad_ipopt", "bad_ip6ext", "ip6ext_limit",
	"trunc_l4", "bad_l4"
};

const char *
decode_result_name(enum dec_result r)
{
	return (unsigned)r < DEC_NRESULTS ? dec_names[r] : "?";
}

static inline uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* The bytes past an IP packet may only be a short frame's padding. */
#define FRAME_PAD_MAX	64

static int
ip_len_ok(uint32_t tot, uint32_t wire, uint32_t wirelen)
{
	return tot <= wire && (tot == wire || wirelen <= FRAME_PAD_MAX);
}

static enum dec_result
decode_l4(const uint8_t *d, uint32_t cap, uint32_t wire, struct pkt *p)
{
	uint32_t	 hl;

	switch (p->proto) {
	case 6:
		if (wire < 20)
			return DEC_BAD_L4;
		if (cap < 20)
			return DEC_TRUNC_L4;
		hl = (uint32_t)(d[12] >> 4) * 4;
		if (hl < 20 || hl > wire)
			return DEC_BAD_L4;
		if (hl > cap)
			return DEC_TRUNC_L4;
		p->sport = get16(d);
		p->dport = get16(d + 2);
		p->seq = get32(d + 4);
		p->ack = get32(d + 8);
		p->flags = d[13];
		break;
	case 17:
		if (wire < 8)
			return DEC_BAD_L4;
		if (cap < 8)
			return DEC_TRUNC_L4;
		hl = 8;
		/* A first fragment holds less than the datagram's length. */
		if (get16(d + 4) < 8 || (get16(d + 4) > wire && !p->frag))
			return DEC_BAD_L4;
		if (get16(d + 4) < wire)
			wire = get16(d + 4);
		p->sport = get16(d);
		p->dport = get16(d + 2);
		break;
	case 1:
	case 58:
		if (wire < 4)
			return DEC_BAD_L4;
		if (cap < 4)
			return DEC_TRUNC_L4;
		hl = wire < 8 ? 4 : 8;
		if (hl > cap)
			hl = 4;
		p->icmp_type = d[0];
		p->icmp_code = d[1];
		break;
	default:
		hl = 0;
		break;
	}
	p->paylen = wire - hl;
	p->capcap = cap > hl ? cap - hl : 0;
	if (p->capcap > p->paylen)
		p->capcap = p->paylen;
	p->payload = d + hl;
	return DEC_OK;
}

static enum dec_result
decode_ip4(const uint8_t *d, uint32_t cap, uint32_t wire, uint32_t wirelen,
    struct pkt *p)
{
	uint32_t	 hl, tot, sum = 0, i, off;

	if (cap < 20)
		return wire < 20 ? DEC_BAD_IPLEN : DEC_TRUNC_IP;
	hl = (uint32_t)(d[0] & 0x0f) * 4;
	if ((d[0] >> 4) != 4 || hl < 20)
		return DEC_BAD_IP;
	if (hl > cap)
		return DEC_TRUNC_IP;
	tot = get16(d + 2);
	if (tot < hl || !ip_len_ok(tot, wire, wirelen))
		return DEC_BAD_IPLEN;
	for (i = 0; i < hl; i += 2)
		sum += get16(d + i);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	if (sum != 0xffff)
		return DEC_BAD_IP;
	/* Options: each within the header. */
	for (i = 20; i < hl; ) {
		if (d[i] == 0)
			break;
		if (d[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= hl || d[i + 1] < 2 || i + d[i + 1] > hl)
			return DEC_BAD_IPOPT;
		i += d[i + 1];
	}
	p->v6 = 0;
	p->proto = d[9];
	memcpy(p->src, d + 12, 4);
	memcpy(p->dst, d + 16, 4);
	p->iplen = tot;
	off = get16(d + 6) & 0x1fff;
	if (off != 0)
		return DEC_FRAGMENT;
	p->frag = (get16(d + 6) & 0x2000) != 0;
	if (cap > tot)
		cap = tot;
	return decode_l4(d + hl, cap - hl, tot - hl, p);
}

static enum dec_result
decode_ip6(const uint8_t *d, uint32_t cap, uint32_t wire, uint32_t wirelen,
    struct pkt *p)
{
	uint32_t	 tot, off = 40, hl;
	uint8_t		 nh;
	int		 n;

	if (cap < 40)
		return wire < 40 ? DEC_BAD_IPLEN : DEC_TRUNC_IP;
	if ((d[0] >> 4) != 6)
		return DEC_BAD_IP;
	tot = 40 + (uint32_t)get16(d + 4);
	if (!ip_len_ok(tot, wire, wirelen))
		return DEC_BAD_IPLEN;
	p->v6 = 1;
	memcpy(p->src, d + 8, 16);
	memcpy(p->dst, d + 24, 16);
	p->iplen = tot;
	if (cap > tot)
		cap = tot;
	nh = d[6];
	for (n = 0; ; n++) {
		switch (nh) {
		case 0: case 43: case 60: case 135: case 139: case 140:
		case 44: case 51:
			break;
		default:
			p->proto = nh;
			return decode_l4(d + off, cap - off, tot - off, p);
		}
		if (n == DEC_IP6_EXT_MAX)
			return DEC_IP6EXT_LIMIT;
		if (off + 8 > tot)
			return DEC_BAD_IP6EXT;
		if (off + 8 > cap)
			return DEC_TRUNC_IP;
		if (nh == 44) {
			/* Fragment: a later one has no transport header. */
			if ((get16(d + off + 2) & 0xfff8) != 0)
				return DEC_FRAGMENT;
			p->frag = (d[off + 3] & 1) != 0;
			hl = 8;
		} else if (nh == 51)
			hl = ((uint32_t)d[off + 1] + 2) * 4;
		else
			hl = ((uint32_t)d[off + 1] + 1) * 8;
		if (off + hl > tot)
			return DEC_BAD_IP6EXT;
		nh = d[off];
		off += hl;
		if (off > cap)
			return DEC_TRUNC_IP;
	}
}

enum dec_result
decode_packet(int dlt, const uint8_t *d, uint32_t caplen, uint32_t wirelen,
    struct pkt *p)
{
	uint32_t	 off;
	uint16_t	 et;
	int		 n;

	memset(p, 0, sizeof(*p));
	if (wirelen < caplen)
		wirelen = caplen;
	switch (dlt) {
	case DEC_DLT_EN10MB:
		if (caplen < 14)
			return DEC_TRUNC_LINK;
		et = get16(d + 12);
		off = 14;
		break;
	case DEC_DLT_LINUX_SLL:
		if (caplen < 16)
			return DEC_TRUNC_LINK;
		et = get16(d + 14);
		off = 16;
		break;
	case DEC_DLT_LINUX_SLL2:
		if (caplen < 20)
			return DEC_TRUNC_LINK;
		et = get16(d);
		off = 20;
		break;
	case DEC_DLT_RAW:
	case DEC_DLT_RAW101:
	case DEC_DLT_IPV4:
	case DEC_DLT_IPV6:
		if (caplen < 1)
			return DEC_TRUNC_LINK;
		if ((d[0] >> 4) == 4 && dlt != DEC_DLT_IPV6)
			et = 0x0800;
		else if ((d[0] >> 4) == 6 && dlt != DEC_DLT_IPV4)
			et = 0x86dd;
		else
			return DEC_BAD_IP;
		off = 0;
		break;
	default:
		return DEC_LINKTYPE;
	}
	/* 802.1Q, 802.1ad and the older QinQ type: the innermost id wins. */
	for (n = 0; et == 0x8100 || et == 0x88a8 || et == 0x9100; n++) {
		if (n == DEC_VLAN_MAX)
			return DEC_NOT_IP;
		if (caplen - off < 4)
			return DEC_TRUNC_LINK;
		p->vlan = get16(d + off) & 0x0fff;
		p->nvlan++;
		et = get16(d + off + 2);
		off += 4;
	}
	if (et == 0x0800)
		return decode_ip4(d + off, caplen - off, wirelen - off, wirelen,
		    p);
	if (et == 0x86dd)
		return decode_ip6(d + off, caplen - off, wirelen - off, wirelen,
		    p);
	return DEC_NOT_IP;
}
