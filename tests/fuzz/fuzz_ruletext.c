/*
 * tests/fuzz/fuzz_ruletext.c - libFuzzer target for the rule text the web
 * view shows (webinfo_rule_text(), correlator/webinfo.c). Owns nothing:
 * an input is a rule name, a newline, then a rule file's bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../../core/text.h"
#include "../../correlator/webinfo.h"

#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*buf, *nl;
	json_t		*t;
	const char	*s;

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	if ((nl = strchr(buf, '\n')) == NULL || nl == buf) {
		free(buf);
		return 0;
	}
	*nl = '\0';
	t = webinfo_rule_text(nl + 1, buf);
	if (t != NULL) {
		s = json_string_value(t);
		fuzz_assert(s != NULL);
		/* A piece of the file (when it is UTF-8), ending its body. */
		fuzz_assert(strlen(s) == json_string_length(t));
		fuzz_assert(!text_utf8_valid(nl + 1, strlen(nl + 1)) ||
		    (strstr(nl + 1, s) != NULL && strstr(s, buf) != NULL));
		fuzz_assert(s[strlen(s) - 1] == '}');
		json_decref(t);
	}
	free(buf);
	return 0;
}
