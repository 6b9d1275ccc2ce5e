/*
 * tools/mkpcap.c - write test captures with libpcap's own writer
 * (pcap_open_dead, pcap_dump): from a readable description, one packet
 * per line; random bytes behind valid record headers; or a synthetic
 * traffic mix for benchmarks.
 *
 *   mkpcap DESC OUT              description (see tests/fixtures/pcap/)
 *   mkpcap --random N SEED OUT   N records of random bytes (raw IP link)
 *   mkpcap --synth N SEED OUT    N packets: many short flows, some long
 *   mkpcap --short N SEED START OUT  N packets of short flows only (DNS,
 *                                HTTP of 10 packets), from epoch START
 *
 * Description lines: "link ether|raw|sll|sll2", or
 *   TIME PROTO SRC SPORT DST DPORT [key=value ...] [data=TEXT | hex=HEX]
 * PROTO tcp, udp, icmp (SPORT DPORT: type code), or a number; keys:
 * flags=SA (F S R P A U E C), seq=, ack=, vlan=ID[,ID], snap=N (bytes
 * captured), ipopt=N (IPv4 option bytes), ext=hop,dst,rt,frag (IPv6),
 * frag=OFF[+] (IPv4 fragment, + more follow), badsum, iplen=N, tcphl=N,
 * udplen=N,
 * raw=HEX (the bytes after the link header, nothing built). data= takes
 * the rest of the line with \r \n \t \\ \xHH escapes.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcap/pcap.h>

#define PKT_MAX	65600

static pcap_dumper_t	*dumper;
static int		 link_type = DLT_EN10MB;
static pcap_t		*dead;
static const char	*out_path;

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

static uint32_t
sum16(const uint8_t *p, size_t n, uint32_t s)
{
	size_t	 i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static unsigned
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

static void
open_out(void)
{
	if (dumper != NULL)
		return;
	if ((dead = pcap_open_dead_with_tstamp_precision(link_type, 262144,
	    PCAP_TSTAMP_PRECISION_MICRO)) == NULL)
		errx(1, "pcap_open_dead");
	if ((dumper = pcap_dump_open(dead, out_path)) == NULL)
		errx(1, "%s: %s", out_path, pcap_geterr(dead));
}

static void
write_pkt(double t, const uint8_t *d, uint32_t caplen, uint32_t len)
{
	struct pcap_pkthdr	 h;

	open_out();
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)t;
	h.ts.tv_usec = (suseconds_t)((t - (double)(time_t)t) * 1e6 + 0.5);
	if (h.ts.tv_usec >= 1000000) {
		h.ts.tv_sec++;
		h.ts.tv_usec -= 1000000;
	}
	h.caplen = caplen;
	h.len = len;
	pcap_dump((u_char *)dumper, &h, d);
}

static size_t
unescape(const char *s, uint8_t *out, size_t max)
{
	size_t	 n = 0;

	while (*s && n < max) {
		if (*s == '\\' && s[1]) {
			s++;
			switch (*s) {
			case 'r': out[n++] = '\r'; s++; break;
			case 'n': out[n++] = '\n'; s++; break;
			case 't': out[n++] = '\t'; s++; break;
			case 'x': {
				unsigned v;

				if (sscanf(s + 1, "%2x", &v) != 1)
					errx(1, "bad \\x escape");
				out[n++] = (uint8_t)v;
				s += 3;
				break;
			}
			default: out[n++] = (uint8_t)*s++; break;
			}
		} else
			out[n++] = (uint8_t)*s++;
	}
	return n;
}

static size_t
unhex(const char *s, uint8_t *out, size_t max)
{
	size_t		 n = 0;
	unsigned	 v;

	while (s[0] && s[1] && n < max && isxdigit((unsigned char)s[0])) {
		if (sscanf(s, "%2x", &v) != 1)
			errx(1, "bad hex");
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

struct desc {
	double		 t;
	int		 proto, v6;
	uint8_t		 src[16], dst[16];
	unsigned	 sport, dport;
	unsigned	 flags;
	uint32_t	 seq, ack;
	unsigned	 vlan[2];
	int		 nvlan;
	long		 snap, iplen, tcphl, udplen;
	int		 ipopt, badsum, frag_off, frag_mf, isfrag;
	char		 ext[64];
	uint8_t		 data[PKT_MAX];
	size_t		 dlen;
	uint8_t		 raw[PKT_MAX];
	size_t		 rawlen;
	int		 israw;
};

/* The transport header and data at p; returns its length. */
static size_t
build_l4(const struct desc *d, uint8_t *p, const uint8_t *ph, size_t phlen)
{
	size_t		 hl = 0;
	uint32_t	 s;

	switch (d->proto) {
	case 6:
		hl = d->tcphl >= 0 ? (size_t)d->tcphl * 4 : 20;
		memset(p, 0, hl < 20 ? 20 : hl);
		put16(p, d->sport);
		put16(p + 2, d->dport);
		put32(p + 4, d->seq);
		put32(p + 8, d->ack);
		p[12] = (uint8_t)((d->tcphl >= 0 ? d->tcphl : 5) << 4);
		p[13] = (uint8_t)d->flags;
		put16(p + 14, 65535);
		if (hl < 20)
			hl = 20;
		break;
	case 17:
		hl = 8;
		put16(p, d->sport);
		put16(p + 2, d->dport);
		put16(p + 4, (unsigned)(d->udplen >= 0 ? (size_t)d->udplen :
		    8 + d->dlen));
		put16(p + 6, 0);
		break;
	case 1:
	case 58:
		hl = 8;
		memset(p, 0, 8);
		p[0] = (uint8_t)d->sport;
		p[1] = (uint8_t)d->dport;
		put16(p + 4, 0x1234);
		put16(p + 6, 1);
		break;
	}
	memcpy(p + hl, d->data, d->dlen);
	if (d->proto == 6 || d->proto == 17 || d->proto == 58) {
		s = sum16(ph, phlen, 0);
		s = sum16(p, hl + d->dlen, s);
		put16(p + (d->proto == 6 ? 16 : d->proto == 17 ? 6 : 2),
		    fold(s));
	} else if (d->proto == 1)
		put16(p + 2, fold(sum16(p, hl + d->dlen, 0)));
	return hl + d->dlen;
}

static size_t
build_ip(const struct desc *d, uint8_t *p)
{
	uint8_t		 ph[40];
	size_t		 hl, l4, off;
	char		 ext[64], *e, *save = NULL;
	int		 nh_at;

	if (d->israw) {
		memcpy(p, d->raw, d->rawlen);
		return d->rawlen;
	}
	if (!d->v6) {
		hl = 20 + (size_t)d->ipopt;
		memset(p, 0, hl);
		p[0] = (uint8_t)(0x40 | hl / 4);
		put16(p + 4, 0x1000);
		put16(p + 6, (unsigned)((d->frag_off / 8) | (d->frag_mf ?
		    0x2000 : 0)));
		p[8] = 64;
		p[9] = (uint8_t)d->proto;
		memcpy(p + 12, d->src, 4);
		memcpy(p + 16, d->dst, 4);
		memset(p + 20, 1, (size_t)d->ipopt);	/* NOPs */
		memcpy(ph, d->src, 4);
		memcpy(ph + 4, d->dst, 4);
		ph[8] = 0;
		ph[9] = (uint8_t)d->proto;
		if (d->isfrag && d->frag_off > 0) {
			memcpy(p + hl, d->data, d->dlen);
			l4 = d->dlen;
		} else {
			put16(ph + 10, 0);
			/* length known after: build twice */
			l4 = build_l4(d, p + hl, ph, 12);
			put16(ph + 10, (unsigned)l4);
			l4 = build_l4(d, p + hl, ph, 12);
		}
		put16(p + 2, (unsigned)(d->iplen >= 0 ? (size_t)d->iplen :
		    hl + l4));
		put16(p + 10, d->badsum ? 0xdead : fold(sum16(p, hl, 0)));
		return hl + l4;
	}
	memset(p, 0, 40);
	p[0] = 0x60;
	p[7] = 64;
	memcpy(p + 8, d->src, 16);
	memcpy(p + 24, d->dst, 16);
	off = 40;
	nh_at = 6;
	snprintf(ext, sizeof(ext), "%s", d->ext);
	for (e = strtok_r(ext, ",", &save); e; e = strtok_r(NULL, ",", &save)) {
		int	 t = !strcmp(e, "hop") ? 0 : !strcmp(e, "dst") ? 60 :
		    !strcmp(e, "rt") ? 43 : !strcmp(e, "frag") ? 44 : -1;

		if (t < 0)
			errx(1, "ext %s: hop, dst, rt or frag", e);
		p[nh_at] = (uint8_t)t;
		memset(p + off, 0, 8);
		if (t == 44)
			p[off + 3] = 1;		/* first fragment, more follow */
		else if (t != 43)
			p[off + 2] = 1, p[off + 3] = 4;	/* PadN */
		nh_at = (int)off;
		off += 8;
	}
	p[nh_at] = (uint8_t)d->proto;
	memcpy(ph, d->src, 16);
	memcpy(ph + 16, d->dst, 16);
	memset(ph + 32, 0, 8);
	ph[39] = (uint8_t)d->proto;
	l4 = build_l4(d, p + off, ph, 40);
	put32(ph + 32, (uint32_t)l4);
	l4 = build_l4(d, p + off, ph, 40);
	put16(p + 4, (unsigned)(d->iplen >= 0 ? (size_t)d->iplen :
	    off - 40 + l4));
	return off + l4;
}

static void
build(const struct desc *d)
{
	static uint8_t	 pkt[PKT_MAX + 64];
	size_t		 off = 0, n, et_at = 0;
	unsigned	 et = d->v6 ? 0x86dd : 0x0800;
	int		 i;

	if (d->israw && d->rawlen > 0)
		et = (d->raw[0] >> 4) == 6 ? 0x86dd : 0x0800;
	switch (link_type) {
	case DLT_EN10MB:
		memcpy(pkt, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01",
		    12);
		et_at = 12;
		off = 14;
		break;
	case DLT_LINUX_SLL:
		memset(pkt, 0, 16);
		put16(pkt + 2, 1);
		put16(pkt + 4, 6);
		et_at = 14;
		off = 16;
		break;
	case DLT_LINUX_SLL2:
		memset(pkt, 0, 20);
		put32(pkt + 4, 1);
		put16(pkt + 8, 1);
		pkt[11] = 6;
		et_at = 0;
		off = 20;
		break;
	default:
		off = 0;
		break;
	}
	if (link_type != DLT_RAW) {
		for (i = 0; i < d->nvlan; i++) {
			put16(pkt + et_at, i == 0 && d->nvlan > 1 ? 0x88a8 :
			    0x8100);
			if (i == 0 && link_type != DLT_EN10MB)
				et_at = off;	/* tags follow the cooked header */
			else if (i == 0)
				et_at = off;
			put16(pkt + off, d->vlan[i]);
			et_at = off + 2;
			off += 4;
		}
		put16(pkt + et_at, et);
	}
	n = off + build_ip(d, pkt + off);
	write_pkt(d->t, pkt, d->snap >= 0 && (size_t)d->snap < n ?
	    (uint32_t)d->snap : (uint32_t)n, (uint32_t)n);
}

static void
parse_addr(const char *s, uint8_t *a, int *v6, const char *where)
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a) == 1)
		*v6 = 0;
	else if (inet_pton(AF_INET6, s, a) == 1)
		*v6 = 1;
	else
		errx(1, "%s: bad address %s", where, s);
}

static unsigned
parse_flags(const char *s)
{
	unsigned	 f = 0;

	for (; *s; s++)
		switch (*s) {
		case 'F': f |= 0x01; break;
		case 'S': f |= 0x02; break;
		case 'R': f |= 0x04; break;
		case 'P': f |= 0x08; break;
		case 'A': f |= 0x10; break;
		case 'U': f |= 0x20; break;
		case 'E': f |= 0x40; break;
		case 'C': f |= 0x80; break;
		case '.': break;
		default: errx(1, "flag %c: F S R P A U E C", *s);
		}
	return f;
}

static void
from_desc(const char *in)
{
	FILE		*fp;
	char		 line[8192], where[600], *tok[8], *p, *save, *data;
	struct desc	*d;
	int		 ln = 0, v6b, nt;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		err(1, NULL);
	if ((fp = fopen(in, "r")) == NULL)
		err(1, "%s", in);
	while (fgets(line, sizeof(line), fp) != NULL) {
		ln++;
		snprintf(where, sizeof(where), "%s:%d", in, ln);
		line[strcspn(line, "\n")] = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '#' || *p == '\0')
			continue;
		if (!strncmp(p, "link ", 5)) {
			if (dumper != NULL)
				errx(1, "%s: link after the first packet", where);
			p += 5;
			link_type = !strcmp(p, "ether") ? DLT_EN10MB :
			    !strcmp(p, "raw") ? DLT_RAW :
			    !strcmp(p, "sll") ? DLT_LINUX_SLL :
			    !strcmp(p, "sll2") ? DLT_LINUX_SLL2 : -1;
			if (link_type == -1)
				errx(1, "%s: link ether, raw, sll or sll2", where);
			continue;
		}
		memset(d, 0, sizeof(*d));
		d->snap = d->iplen = d->tcphl = d->udplen = -1;
		data = strstr(p, " data=");
		if (data != NULL) {
			*data = '\0';
			d->dlen = unescape(data + 6, d->data, sizeof(d->data));
		}
		save = NULL;
		for (nt = 0; nt < 7 && (tok[nt] = strtok_r(nt ? NULL : p,
		    " \t", &save)) != NULL; nt++)
			;
		if (nt < 6)
			errx(1, "%s: TIME PROTO SRC SPORT DST DPORT [key=value]",
			    where);
		d->t = strtod(tok[0], NULL);
		d->proto = !strcmp(tok[1], "tcp") ? 6 : !strcmp(tok[1], "udp") ?
		    17 : !strcmp(tok[1], "icmp") ? 1 : atoi(tok[1]);
		parse_addr(tok[2], d->src, &d->v6, where);
		parse_addr(tok[4], d->dst, &v6b, where);
		if (v6b != d->v6)
			errx(1, "%s: mixed address families", where);
		if (d->proto == 1 && d->v6)
			d->proto = 58;
		d->sport = (unsigned)atoi(tok[3]);
		d->dport = (unsigned)atoi(tok[5]);
		for (p = nt == 7 ? tok[6] : NULL; p != NULL;
		    p = strtok_r(NULL, " \t", &save)) {
			if (!strncmp(p, "flags=", 6))
				d->flags = parse_flags(p + 6);
			else if (!strncmp(p, "seq=", 4))
				d->seq = (uint32_t)strtoul(p + 4, NULL, 0);
			else if (!strncmp(p, "ack=", 4))
				d->ack = (uint32_t)strtoul(p + 4, NULL, 0);
			else if (!strncmp(p, "vlan=", 5))
				d->nvlan = sscanf(p + 5, "%u,%u", &d->vlan[0],
				    &d->vlan[1]);
			else if (!strncmp(p, "snap=", 5))
				d->snap = atol(p + 5);
			else if (!strncmp(p, "iplen=", 6))
				d->iplen = atol(p + 6);
			else if (!strncmp(p, "udplen=", 7))
				d->udplen = atol(p + 7);
			else if (!strncmp(p, "tcphl=", 6))
				d->tcphl = atol(p + 6);
			else if (!strncmp(p, "ipopt=", 6))
				d->ipopt = atoi(p + 6);
			else if (!strncmp(p, "ext=", 4))
				snprintf(d->ext, sizeof(d->ext), "%s", p + 4);
			else if (!strncmp(p, "frag=", 5)) {
				d->isfrag = 1;
				d->frag_off = atoi(p + 5);
				d->frag_mf = strchr(p, '+') != NULL;
			} else if (!strcmp(p, "badsum"))
				d->badsum = 1;
			else if (!strncmp(p, "hex=", 4))
				d->dlen = unhex(p + 4, d->data, sizeof(d->data));
			else if (!strncmp(p, "raw=", 4)) {
				d->rawlen = unhex(p + 4, d->raw, sizeof(d->raw));
				d->israw = 1;
			} else
				errx(1, "%s: unknown key %s", where, p);
		}
		if (d->ipopt % 4 || d->ipopt > 40)
			errx(1, "%s: ipopt: a multiple of 4, at most 40", where);
		build(d);
	}
	fclose(fp);
	free(d);
}

static uint64_t rng;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static void
random_records(long n, unsigned long seed)
{
	uint8_t		 b[256];
	long		 i;
	uint32_t	 len, j;

	rng = seed * 2654435761u + 1;
	link_type = DLT_RAW;
	for (i = 0; i < n; i++) {
		len = 1 + rnd() % sizeof(b);
		for (j = 0; j < len; j++)
			b[j] = (uint8_t)rnd();
		write_pkt(1700000000.0 + (double)i / 1000, b, len, len);
	}
}

/*
 * A traffic mix: 98 short flows in 100 (30 DNS queries and answers,
 * 68 HTTP exchanges of 10 packets) and 2 long ones (transfers of 200 to
 * 2000 packets, 1448-byte segments and their ACKs), 1024 at a time,
 * interleaved.
 */
struct synflow {
	struct desc	 d;
	uint32_t	 cseq, sseq;
	int		 step, len;
	int		 udp;
};

static void
synth_pkt(struct synflow *f, double t, int toserver, unsigned flags,
    size_t dlen)
{
	struct desc	*d = &f->d;
	uint8_t		 a[16];
	unsigned	 p;

	d->t = t;
	d->flags = flags;
	d->dlen = dlen;
	if (!toserver) {
		memcpy(a, d->src, 16);
		memcpy(d->src, d->dst, 16);
		memcpy(d->dst, a, 16);
		p = d->sport; d->sport = d->dport; d->dport = p;
	}
	d->seq = toserver ? f->cseq : f->sseq;
	d->ack = toserver ? f->sseq : f->cseq;
	build(d);
	if (!toserver) {
		memcpy(a, d->src, 16);
		memcpy(d->src, d->dst, 16);
		memcpy(d->dst, a, 16);
		p = d->sport; d->sport = d->dport; d->dport = p;
	}
	if (toserver)
		f->cseq += (uint32_t)dlen + ((flags & 0x03) ? 1 : 0);
	else
		f->sseq += (uint32_t)dlen + ((flags & 0x03) ? 1 : 0);
}

/* The next packet of f; returns 0 when the flow is over. */
static int
synth_step(struct synflow *f, double t)
{
	static const char req[] = "GET /index.html HTTP/1.1\r\nHost: "
	    "www.example.org\r\nUser-Agent: synth/1.0\r\nAccept: */*\r\n\r\n";
	int	 s = f->step++;

	if (f->udp) {
		if (s == 0) {
			memcpy(f->d.data, "\x12\x34\x01\x00\x00\x01\x00\x00\x00"
			    "\x00\x00\x00\x03www\x07example\x03org\x00\x00\x01"
			    "\x00\x01", 33);
			synth_pkt(f, t, 1, 0, 33);
		} else
			synth_pkt(f, t, 0, 0, 49);
		return s < 1;
	}
	if (s == 0)
		synth_pkt(f, t, 1, 0x02, 0);
	else if (s == 1)
		synth_pkt(f, t, 0, 0x12, 0);
	else if (s == 2)
		synth_pkt(f, t, 1, 0x10, 0);
	else if (s == 3) {
		memcpy(f->d.data, req, sizeof(req) - 1);
		synth_pkt(f, t, 1, 0x18, sizeof(req) - 1);
	} else if (s < f->len - 4)
		synth_pkt(f, t, (s & 1) == 0, 0x10, (s & 1) ? 1448 : 0);
	else if (s == f->len - 4)
		synth_pkt(f, t, 1, 0x11, 0);
	else if (s == f->len - 3)
		synth_pkt(f, t, 0, 0x11, 0);
	else
		synth_pkt(f, t, 1, 0x10, 0);
	return f->step < f->len - 1;
}

static void
synth(long n, unsigned long seed, double t, int longflows)
{
	struct synflow	*act;
	long		 i, k = 0;
	int		 nact = 1024;
	uint32_t	 host = 0;

	rng = seed * 2654435761u + 1;
	link_type = DLT_EN10MB;
	if ((act = calloc((size_t)nact, sizeof(*act))) == NULL)
		err(1, NULL);
	for (i = 0; i < n; i++) {
		struct synflow	*f = &act[rnd() % (uint32_t)nact];

		if (f->step == 0 && f->d.proto == 0) {
			uint32_t	 r = rnd() % 100, c = 0x0a000000 | (host++ &
			    0xffffff);

			memset(f, 0, sizeof(*f));
			f->d.snap = f->d.iplen = f->d.tcphl = f->d.udplen = -1;
			f->udp = r < 30;
			f->d.proto = f->udp ? 17 : 6;
			put32(f->d.src, c);
			put32(f->d.dst, 0x5d000000 | (rnd() & 0xffffff));
			f->d.sport = 1024 + rnd() % 60000;
			f->d.dport = f->udp ? 53 : r < 98 ? 80 : 443;
			f->cseq = rnd();
			f->sseq = rnd();
			f->len = r < 98 || !longflows ? 10 :
			    200 + (int)(rnd() % 1800);
			k++;
		}
		t += 0.000002;
		if (!synth_step(f, t))
			f->d.proto = 0, f->step = 0;
	}
	free(act);
	fprintf(stderr, "mkpcap: %ld packets, %ld flows\n", n, k);
}

int
main(int argc, char *argv[])
{
	if (argc == 5 && !strcmp(argv[1], "--random")) {
		out_path = argv[4];
		random_records(atol(argv[2]), strtoul(argv[3], NULL, 10));
	} else if (argc == 5 && !strcmp(argv[1], "--synth")) {
		out_path = argv[4];
		synth(atol(argv[2]), strtoul(argv[3], NULL, 10), 1700000000.0,
		    1);
	} else if (argc == 6 && !strcmp(argv[1], "--short")) {
		out_path = argv[5];
		synth(atol(argv[2]), strtoul(argv[3], NULL, 10),
		    (double)atol(argv[4]), 0);
	} else if (argc == 3) {
		out_path = argv[2];
		from_desc(argv[1]);
	} else {
		fprintf(stderr, "usage: mkpcap DESC OUT | --random N SEED OUT | "
		    "--synth N SEED OUT | --short N SEED START OUT\n");
		return 2;
	}
	open_out();
	pcap_dump_close(dumper);
	pcap_close(dead);
	return 0;
}
