/*
 * tests/hostile/hostile_pcap.c - captures that lie, written with
 * libpcap's own writer, for tests/hostile/run.sh.
 *
 *   hostile_pcap malformed FILE	each lie of the list below, LIES_EACH
 *					times, a valid SYN after each
 *   hostile_pcap tiny FILE		one TCP flow: handshake, 65,535
 *					segments of one byte, FIN
 *
 * The lies, by the reason the decoder must give: an IPv4 total length
 * past the packet and one shorter than its header (bad_iplen), a header
 * length past the capture (trunc_ip), an option running past the header
 * (bad_ipopt), a TCP data offset past the segment and one under 20, a UDP
 * length past the datagram (bad_l4), IPv6 chains of 20 destination
 * options and of 9 hop-by-hop headers each naming the next (ip6ext_limit),
 * an extension header longer than the packet (bad_ip6ext), one cut by the
 * capture (trunc_ip).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#define LIES_EACH	3
#define TINY		65535

static pcap_dumper_t	*dump;
static long		 t0 = 1795440000;	/* 2026-11-22 */
static long		 nth;

static void
out(const uint8_t *pkt, uint32_t caplen, uint32_t wirelen)
{
	struct pcap_pkthdr	 h;

	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = t0 + nth / 1000;
	h.ts.tv_usec = (nth % 1000) * 1000;
	nth++;
	h.caplen = caplen;
	h.len = wirelen;
	pcap_dump((u_char *)dump, &h, pkt);
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/* Ethernet header for `type` at p; returns 14. */
static size_t
ether(uint8_t *p, unsigned type)
{
	memcpy(p, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12);
	put16(p + 12, type);
	return 14;
}

static void
ip4_sum(uint8_t *ip, size_t hl)
{
	uint32_t	 sum = 0;
	size_t		 i;

	put16(ip + 10, 0);
	for (i = 0; i < hl; i += 2)
		sum += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(ip + 10, ~sum & 0xffff);
}

/* An IPv4 header of hl bytes claiming `tot`, at p. */
static void
ip4(uint8_t *p, size_t hl, unsigned tot, int proto, uint32_t src,
    uint32_t dst)
{
	memset(p, 0, hl);
	p[0] = (uint8_t)(0x40 | (hl / 4));
	put16(p + 2, tot);
	p[8] = 64;
	p[9] = (uint8_t)proto;
	put32(p + 12, src);
	put32(p + 16, dst);
	ip4_sum(p, hl);
}

static void
tcp(uint8_t *p, unsigned sport, unsigned dport, uint32_t seq, uint32_t ack,
    int flags, int doff)
{
	memset(p, 0, 20);
	put16(p, sport);
	put16(p + 2, dport);
	put32(p + 4, seq);
	put32(p + 8, ack);
	p[12] = (uint8_t)(doff << 4);
	p[13] = (uint8_t)flags;
	put16(p + 14, 65535);
}

#define A(a, b, c, d)	((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))
#define ATTACKER	A(198, 51, 100, 66)
#define SERVER		A(10, 0, 0, 10)

static void
valid_syn(int i)
{
	uint8_t	 pkt[64];
	size_t	 o = ether(pkt, 0x0800);

	ip4(pkt + o, 20, 40, 6, ATTACKER, SERVER);
	tcp(pkt + o + 20, 40000 + (unsigned)i, 22, 1, 0, 0x02, 5);
	out(pkt, (uint32_t)(o + 40), (uint32_t)(o + 40));
}

/* An IPv6 header with `plen` bytes of payload, first next header nh. */
static size_t
ip6(uint8_t *p, unsigned plen, int nh)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, plen);
	p[6] = (uint8_t)nh;
	p[7] = 64;
	memcpy(p + 8, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x66", 16);
	memcpy(p + 24, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x10", 16);
	return 40;
}

static void
malformed(void)
{
	uint8_t	 pkt[2048];
	size_t	 o, k;
	int	 i, j;

	for (i = 0; i < LIES_EACH; i++) {
		/* bad_iplen: 1500 claimed, 40 sent. */
		o = ether(pkt, 0x0800);
		ip4(pkt + o, 20, 1500, 6, ATTACKER, SERVER);
		tcp(pkt + o + 20, 1, 22, 1, 0, 0x02, 5);
		out(pkt, (uint32_t)(o + 40), (uint32_t)(o + 40));
		valid_syn(i * 10 + 1);
		/* bad_iplen: 10, shorter than the header. */
		ip4(pkt + o, 20, 10, 6, ATTACKER, SERVER);
		out(pkt, (uint32_t)(o + 40), (uint32_t)(o + 40));
		valid_syn(i * 10 + 2);
		/* trunc_ip: a 60-byte header in 40 bytes. */
		ip4(pkt + o, 20, 40, 6, ATTACKER, SERVER);
		pkt[o] = 0x4f;
		ip4_sum(pkt + o, 20);
		out(pkt, (uint32_t)(o + 40), (uint32_t)(o + 40));
		valid_syn(i * 10 + 3);
		/* bad_ipopt: an option of 255 bytes in a 24-byte header. */
		memset(pkt + o, 0, 64);
		ip4(pkt + o, 24, 44, 6, ATTACKER, SERVER);
		pkt[o + 20] = 0x44;
		pkt[o + 21] = 0xff;
		ip4_sum(pkt + o, 24);
		tcp(pkt + o + 24, 1, 22, 1, 0, 0x02, 5);
		out(pkt, (uint32_t)(o + 44), (uint32_t)(o + 44));
		valid_syn(i * 10 + 4);
		/* bad_l4: TCP data offset 60 in a 20-byte segment, then 8. */
		ip4(pkt + o, 20, 40, 6, ATTACKER, SERVER);
		tcp(pkt + o + 20, 1, 22, 1, 0, 0x02, 15);
		out(pkt, (uint32_t)(o + 40), (uint32_t)(o + 40));
		tcp(pkt + o + 20, 1, 22, 1, 0, 0x02, 2);
		out(pkt, (uint32_t)(o + 40), (uint32_t)(o + 40));
		valid_syn(i * 10 + 5);
		/* bad_l4: a UDP length of 2000 in a 12-byte datagram. */
		ip4(pkt + o, 20, 32, 17, ATTACKER, SERVER);
		memset(pkt + o + 20, 0, 12);
		put16(pkt + o + 20, 5353);
		put16(pkt + o + 22, 53);
		put16(pkt + o + 24, 2000);
		out(pkt, (uint32_t)(o + 32), (uint32_t)(o + 32));
		valid_syn(i * 10 + 6);
		/* ip6ext_limit: 20 destination options, then TCP. */
		o = ether(pkt, 0x86dd);
		k = ip6(pkt + o, 20 * 8 + 20, 60);
		for (j = 0; j < 20; j++) {
			memset(pkt + o + k, 0, 8);
			pkt[o + k] = j == 19 ? 6 : 60;
			k += 8;
		}
		tcp(pkt + o + k, 1, 22, 1, 0, 0x02, 5);
		out(pkt, (uint32_t)(o + k + 20), (uint32_t)(o + k + 20));
		/* ip6ext_limit: hop-by-hop naming hop-by-hop, 9 times. */
		k = ip6(pkt + o, 9 * 8 + 20, 0);
		for (j = 0; j < 9; j++) {
			memset(pkt + o + k, 0, 8);
			k += 8;
		}
		tcp(pkt + o + k, 1, 22, 1, 0, 0x02, 5);
		out(pkt, (uint32_t)(o + k + 20), (uint32_t)(o + k + 20));
		valid_syn(i * 10 + 7);
		/* bad_ip6ext: a destination option of 2048 bytes in 28. */
		k = ip6(pkt + o, 28, 60);
		memset(pkt + o + k, 0, 28);
		pkt[o + k] = 6;
		pkt[o + k + 1] = 255;
		out(pkt, (uint32_t)(o + k + 28), (uint32_t)(o + k + 28));
		valid_syn(i * 10 + 8);
		/* trunc_ip: the extension header cut by the capture. */
		k = ip6(pkt + o, 8 + 20, 60);
		memset(pkt + o + k, 0, 28);
		pkt[o + k] = 6;
		out(pkt, (uint32_t)(o + k + 4), (uint32_t)(o + k + 28));
		valid_syn(i * 10 + 9);
	}
}

static void
tiny(void)
{
	uint8_t		 pkt[64];
	size_t		 o = ether(pkt, 0x0800);
	uint32_t	 i, cs = 1000, ss = 5000;

	ip4(pkt + o, 20, 40, 6, ATTACKER, SERVER);
	tcp(pkt + o + 20, 40000, 8080, cs, 0, 0x02, 5);
	out(pkt, (uint32_t)(o + 40), (uint32_t)(o + 40));
	ip4(pkt + o, 20, 40, 6, SERVER, ATTACKER);
	tcp(pkt + o + 20, 8080, 40000, ss, cs + 1, 0x12, 5);
	out(pkt, (uint32_t)(o + 40), (uint32_t)(o + 40));
	ip4(pkt + o, 20, 40, 6, ATTACKER, SERVER);
	tcp(pkt + o + 20, 40000, 8080, cs + 1, ss + 1, 0x10, 5);
	out(pkt, (uint32_t)(o + 40), (uint32_t)(o + 40));
	for (i = 0; i < TINY; i++) {
		ip4(pkt + o, 20, 41, 6, ATTACKER, SERVER);
		tcp(pkt + o + 20, 40000, 8080, cs + 1 + i, ss + 1, 0x18, 5);
		pkt[o + 40] = (uint8_t)('a' + i % 26);
		out(pkt, (uint32_t)(o + 41), (uint32_t)(o + 41));
	}
	ip4(pkt + o, 20, 40, 6, ATTACKER, SERVER);
	tcp(pkt + o + 20, 40000, 8080, cs + 1 + TINY, ss + 1, 0x11, 5);
	out(pkt, (uint32_t)(o + 40), (uint32_t)(o + 40));
	ip4(pkt + o, 20, 40, 6, SERVER, ATTACKER);
	tcp(pkt + o + 20, 8080, 40000, ss + 1, cs + 2 + TINY, 0x11, 5);
	out(pkt, (uint32_t)(o + 40), (uint32_t)(o + 40));
}

int
main(int argc, char **argv)
{
	pcap_t	*pc;

	if (argc != 3 || (strcmp(argv[1], "malformed") != 0 &&
	    strcmp(argv[1], "tiny") != 0)) {
		fprintf(stderr, "usage: hostile_pcap malformed|tiny FILE\n");
		return 2;
	}
	if ((pc = pcap_open_dead(DLT_EN10MB, 65535)) == NULL ||
	    (dump = pcap_dump_open(pc, argv[2])) == NULL) {
		fprintf(stderr, "hostile_pcap: %s: %s\n", argv[2],
		    pc != NULL ? pcap_geterr(pc) : "pcap_open_dead");
		return 1;
	}
	if (strcmp(argv[1], "malformed") == 0)
		malformed();
	else
		tiny();
	if (pcap_dump_flush(dump) == -1) {
		fprintf(stderr, "hostile_pcap: %s: cannot write\n", argv[2]);
		return 1;
	}
	pcap_dump_close(dump);
	pcap_close(pc);
	return 0;
}
