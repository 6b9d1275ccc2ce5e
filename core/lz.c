/*
 * core/lz.c - the frames' LZ77 block codec (see lz.h). Greedy matching
 * through a table of the last position of each 4-byte hash; the decoder
 * checks every length and offset against both buffers.
 */
#include <stdint.h>
#include <string.h>

#include "lz.h"

#define HASH_BITS	13
#define MIN_MATCH	4
#define MAX_OFFSET	65535

static uint32_t
read32(const unsigned char *p)
{
	uint32_t	 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static unsigned int
hash4(uint32_t v)
{
	return (v * 2654435761U) >> (32 - HASH_BITS);
}

/* A length's extension bytes after its 15 in the token. */
static unsigned char *
put_len(unsigned char *op, size_t len)
{
	while (len >= 255) {
		*op++ = 255;
		len -= 255;
	}
	*op++ = (unsigned char)len;
	return op;
}

/* One sequence: literals [lit, lit + nlit), then a match or the end. */
static unsigned char *
put_seq(unsigned char *op, const unsigned char *lit, size_t nlit,
    size_t off, size_t mlen)
{
	unsigned char	*token = op++;
	size_t		 m = mlen > 0 ? mlen - MIN_MATCH : 0;

	*token = (unsigned char)((nlit < 15 ? nlit : 15) << 4 |
	    (m < 15 ? m : 15));
	if (nlit >= 15)
		op = put_len(op, nlit - 15);
	memcpy(op, lit, nlit);
	op += nlit;
	if (mlen == 0)
		return op;
	*op++ = (unsigned char)off;
	*op++ = (unsigned char)(off >> 8);
	if (m >= 15)
		op = put_len(op, m - 15);
	return op;
}

size_t
lz_compress(const void *src, size_t n, void *dst, size_t cap)
{
	const unsigned char	*s = src, *anchor = s, *end = s + n;
	unsigned char		*op = dst;
	uint32_t		 table[1 << HASH_BITS];
	size_t			 i = 0;

	if (cap < LZ_BOUND(n))
		return 0;
	memset(table, 0xff, sizeof(table));
	while (n >= MIN_MATCH && i + MIN_MATCH <= n) {
		uint32_t	 v = read32(s + i);
		unsigned int	 h = hash4(v);
		uint32_t	 c = table[h];
		size_t		 mlen;

		table[h] = (uint32_t)i;
		if (c == UINT32_MAX || i - c > MAX_OFFSET || read32(s + c) != v) {
			i++;
			continue;
		}
		for (mlen = MIN_MATCH; i + mlen < n && s[c + mlen] == s[i + mlen];
		    mlen++)
			;
		op = put_seq(op, anchor, (size_t)(s + i - anchor), i - c, mlen);
		i += mlen;
		anchor = s + i;
	}
	op = put_seq(op, anchor, (size_t)(end - anchor), 0, 0);
	return (size_t)(op - (unsigned char *)dst);
}

/* A length's extension bytes; -1 when they run past the end. */
static int
get_len(const unsigned char **ip, const unsigned char *iend, size_t *len)
{
	unsigned char	 b;

	do {
		if (*ip == iend)
			return -1;
		b = *(*ip)++;
		if (*len > SIZE_MAX - 255)
			return -1;
		*len += b;
	} while (b == 255);
	return 0;
}

int
lz_decompress(const void *src, size_t n, void *dst, size_t dlen)
{
	const unsigned char	*ip = src, *iend = ip + n;
	unsigned char		*d = dst, *op = dst, *dend = d + dlen;

	for (;;) {
		size_t	 nlit, mlen, off;
		unsigned char token;

		if (ip == iend)
			return -1;
		token = *ip++;
		nlit = token >> 4;
		if (nlit == 15 && get_len(&ip, iend, &nlit) == -1)
			return -1;
		if (nlit > (size_t)(iend - ip) || nlit > (size_t)(dend - op))
			return -1;
		memcpy(op, ip, nlit);
		ip += nlit;
		op += nlit;
		if (ip == iend)		/* the last sequence */
			return op == dend && (token & 15) == 0 ? 0 : -1;
		if (iend - ip < 2)
			return -1;
		off = (size_t)ip[0] | (size_t)ip[1] << 8;
		ip += 2;
		mlen = token & 15;
		if (mlen == 15 && get_len(&ip, iend, &mlen) == -1)
			return -1;
		mlen += MIN_MATCH;
		if (off == 0 || off > (size_t)(op - d) ||
		    mlen > (size_t)(dend - op))
			return -1;
		/* Byte by byte: a match may overlap what it writes. */
		while (mlen-- > 0) {
			*op = op[-(ptrdiff_t)off];
			op++;
		}
	}
}
