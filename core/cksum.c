/*
 * core/cksum.c - the records' checksum (cksum.h). Owns nothing.
 * Used by collector/spool.c and core/backup.c.
 */
#include <string.h>

#include "cksum.h"

#define SUM_K	0x9e3779b97f4a7c15ULL

uint64_t
cksum_update(uint64_t h, const void *buf, size_t len)
{
	const unsigned char	*p = buf;
	uint64_t		 w;

	while (len >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * SUM_K;
		h ^= h >> 31;
		p += 8;
		len -= 8;
	}
	w = 0;
	memcpy(&w, p, len);
	h = (h ^ w ^ ((uint64_t)len << 56)) * SUM_K;
	return h ^ (h >> 29);
}
