/*
 * tests/fuzz/fuzz_conf.c - libFuzzer target for the configuration loader
 * (core/conf.c): each input is a whole vigie.conf, read from a memfd by
 * its /proc path as conf_load() reads any file, then validated. Errors
 * go to stderr; nothing may crash or leak.
 */
#include <sys/mman.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../../core/conf.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf	 c;
	char		 path[64];
	int		 fd;

	if ((fd = memfd_create("vigie-conf", 0)) == -1)
		abort();
	if (size > 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (conf_init(&c) == -1)
		abort();
	if (conf_load(&c, path) == 0) {
		size_t i;

		/* Whole: every key kept has its line, and no error counted. */
		fuzz_assert(c.load_errors == 0);
		for (i = 0; i < c.nentries; i++)
			fuzz_assert(c.entries[i].where != NULL &&
			    c.entries[i].value != NULL);
		(void)conf_validate(&c);
	} else
		fuzz_assert(c.load_errors > 0);	/* a refusal says why */
	conf_free(&c);
	close(fd);
	return 0;
}
