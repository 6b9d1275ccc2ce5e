/*
 * core/lz.h - a small LZ77 block codec for frames (the LZ4 block
 * layout): sequences of a token (literal count, match length - 4, four
 * bits each, 15 meaning "more bytes follow, 255 at a time"), the
 * literals, and a two-byte little-endian offset back (1 to 65535); the
 * last sequence has literals only. No state between blocks.
 */
#ifndef VIGIE_LZ_H
#define VIGIE_LZ_H

#include <stddef.h>

/* The most a block of n bytes can take compressed. */
#define LZ_BOUND(n)	((n) + (n) / 255 + 16)

/*
 * Compresses src (n bytes) into dst (cap bytes, at least LZ_BOUND(n)).
 * Returns the compressed length.
 */
size_t	lz_compress(const void *src, size_t n, void *dst, size_t cap);
/*
 * Decompresses a block that must give exactly dlen bytes into dst.
 * Returns 0, or -1 when the block is corrupt, short or too long. Reads
 * and writes only within src[0..n) and dst[0..dlen).
 */
int	lz_decompress(const void *src, size_t n, void *dst, size_t dlen);

#endif
