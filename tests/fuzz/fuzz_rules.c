/*
 * tests/fuzz/fuzz_rules.c - libFuzzer target for the rule compiler's
 * meta reader (correlator/scan.c): each input is rule source text,
 * compiled with the correlator's externals and its meta checked
 * (severity, threshold, window, group_by); errors go to stderr.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yara.h>

#include "../../correlator/scan.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

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
	if (ruleset_load_text(&rs, text) == 0)
		ruleset_free(&rs);
	free(text);
	return 0;
}
