/*
 * tests/fuzz/fuzz_backup.c - libFuzzer target for the backup reader
 * (core/backup.c): each input is a whole backup file, read to its end
 * or its first fault. A file read as whole must have its count and
 * checksum right, so re-writing its keys must give the same bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/backup.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct backup_r	 r;
	struct backup_w	 w;
	FILE		*in, *out;
	char		*buf = NULL;
	size_t		 len = 0;
	int		 rc;

	if (size == 0 || (in = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	if ((out = open_memstream(&buf, &len)) == NULL)
		abort();
	rc = backup_r_open(&r, in, "fuzz.vbk");
	if (rc == 0 && backup_w_open(&w, out, r.header) == -1)
		abort();
	if (rc == -1)
		fuzz_assert(strstr(r.why, "fuzz.vbk: byte ") == r.why);
	while (rc == 0 && (rc = backup_r_next(&r)) == 1)
		if (backup_w_key(&w, r.name, r.namelen, r.expire_ms,
		    r.payload, r.len) == -1)
			abort();
	if (rc == -1)
		fuzz_assert(strstr(r.why, "fuzz.vbk: byte ") == r.why);
	if (rc == 0) {
		/* Whole: the same keys write the same file. */
		if (backup_w_close(&w) == -1 || fflush(out) != 0)
			abort();
		fuzz_assert(len == size && memcmp(buf, data, size) == 0);
	}
	backup_r_free(&r);
	fclose(out);
	free(buf);
	fclose(in);
	return 0;
}
