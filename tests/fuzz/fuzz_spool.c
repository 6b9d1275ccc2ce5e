/*
 * tests/fuzz/fuzz_spool.c - libFuzzer target for the spool reader
 * (collector/spool.c): the input is cut into records (u8 type, u16
 * length, body), written as one segment with headers whose checksums
 * are right, so that the fuzzer reaches the bodies' parsing; then
 * spool_open() reads the segment, and a clean close follows.
 * Owns a scratch directory per process under /tmp, removed at exit.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/cksum.h"
#include "../../collector/spool.h"

#include "fuzz.h"

static char	 dir[64];

static void
le32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static uint32_t
fold(uint64_t h)
{
	return (uint32_t)(h ^ (h >> 32));
}

/* Where a frame record's head ends (its frame follows), or len. */
static size_t
frame_head(const uint8_t *b, size_t len)
{
	size_t	 o = 16 + 4, n, i, pl, cl;

	if (o + 2 > len)
		return len;
	n = (size_t)b[o] | (size_t)b[o + 1] << 8;
	o += 2;
	for (i = 0; i < n; i++) {
		if (o + 27 > len)
			return len;
		pl = (size_t)b[o + 25] | (size_t)b[o + 26] << 8;
		if (o + 27 + pl > len)
			return len;
		if (b[o + 24] & 2) {
			o += 27 + pl;
			if (o + 12 > len)
				return len;
			cl = (size_t)b[o + 10] | (size_t)b[o + 11] << 8;
			o += 12 + cl;
		} else
			o += 27 + pl;
		if (o > len)
			return len;
	}
	return o + 4 <= len ? o + 4 : len;
}

static void
clean(void)
{
	DIR		*d;
	struct dirent	*de;
	char		 p[128];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.') {
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			unlink(p);
		}
	closedir(d);
}

static void
done(void)
{
	clean();
	rmdir(dir);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spool	 sp;
	unsigned char	 hdr[16];
	char		 seg[128];
	size_t		 off = 0, len, h;
	uint64_t	 sum;
	FILE		*fp;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/vigie-fuzz-spool.%d",
		    (int)getpid());
		if (mkdir(dir, 0700) == -1 || atexit(done) != 0)
			abort();
	}
	clean();
	snprintf(seg, sizeof(seg), "%s/0000000000000001.spool", dir);
	if ((fp = fopen(seg, "w")) == NULL)
		abort();
	while (off + 3 <= size) {
		uint32_t type = data[off] & 1 ? 1 : 2;

		len = (size_t)data[off + 1] | (size_t)data[off + 2] << 8;
		off += 3;
		if (len > size - off)
			len = size - off;
		if (type == 1) {
			h = frame_head(data + off, len);
			sum = cksum_update(0, data + off, h);
			sum = cksum_update(sum, data + off + h, len - h);
		} else
			sum = cksum_update(0, data + off, len);
		le32(hdr, 0x31505356u);
		le32(hdr + 4, type);
		le32(hdr + 8, (uint32_t)len);
		le32(hdr + 12, fold(sum));
		if (fwrite(hdr, 1, 16, fp) != 16 ||
		    fwrite(data + off, 1, len, fp) != len)
			abort();
		off += len;
	}
	if (fclose(fp) != 0)
		abort();
	if (spool_open(&sp, dir, 1 << 30, 60) == 0) {
		size_t	 i;

		/* What was read is an index the publisher can walk. */
		fuzz_assert(sp.confirmed <= sp.sent && sp.sent <= sp.nframes);
		for (i = 0; i < sp.nframes; i++)
			fuzz_assert(sp.frames[i].seg < sp.nsegs);
		for (i = 1; i < sp.nframes; i++)
			fuzz_assert(streamid_cmp(sp.frames[i - 1].id,
			    sp.frames[i].id) < 0);
		spool_close(&sp);
	}
	return 0;
}
