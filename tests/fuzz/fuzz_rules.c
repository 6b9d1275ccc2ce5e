/*
 * tests/fuzz/fuzz_rules.c - libFuzzer target for the rule compiler's
 * meta reader (correlator/scan.c): each input is rule source text,
 * compiled with the correlator's externals and its meta checked
 * (severity, threshold, window, group_by); errors go to stderr.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yara.h>

#include "../../correlator/scan.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int	 init;
	struct ruleset	 rs;
	char		*text;

	if (!init) {
		if (yr_initialize() != ERROR_SUCCESS)
			abort();
		init = 1;
	}
	if ((text = malloc(size + 1)) == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (ruleset_load_text(&rs, text) == 0) {
		size_t	 i;

		/* Every rule accepted has meta the correlator can use. */
		for (i = 0; i < rs.n; i++) {
			fuzz_assert(rs.meta[i].threshold >= 1 &&
			    rs.meta[i].threshold <= 1000000);
			fuzz_assert(rs.meta[i].window >= 1 &&
			    rs.meta[i].window <= 30 * 86400);
			fuzz_assert(!strcmp(rs.meta[i].severity, "low") ||
			    !strcmp(rs.meta[i].severity, "medium") ||
			    !strcmp(rs.meta[i].severity, "high") ||
			    !strcmp(rs.meta[i].severity, "critical"));
		}
		ruleset_free(&rs);
	}
	free(text);
	return 0;
}
