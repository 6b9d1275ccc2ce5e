/*
 * tests/unit/webinfo_test.c - what the web view learns from the
 * correlator: a rule's text cut from its file, and the process's
 * counters in Prometheus text format.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <event2/buffer.h>
#include <jansson.h>

#include "webinfo.h"

static const char FILE_TEXT[] =
    "/* rule decoy { not this one } */\n"
    "// rule decoy2 {\n"
    "rule first_rule {\n"
    "  meta:\n"
    "    description = \"a } in a string, and a \\\" too\"\n"
    "  strings:\n"
    "    $h = { 4D 5A }   // a } in a comment\n"
    "  condition:\n"
    "    $h /* { */\n"
    "}\n"
    "\n"
    "private rule second : tag {\n"
    "  condition: true\n"
    "}\n"
    "rule first_rule_longer { condition: false }\n"
    "rule open_rule {\n"
    "  condition: true\n";

static void
test_rule_text(void **state)
{
	json_t	*t;
	const char *s;

	(void)state;
	t = webinfo_rule_text(FILE_TEXT, "first_rule");
	assert_non_null(t);
	s = json_string_value(t);
	assert_true(strncmp(s, "rule first_rule {", 17) == 0);
	assert_true(s[strlen(s) - 1] == '}');
	assert_non_null(strstr(s, "$h /* { */"));
	assert_null(strstr(s, "private"));
	json_decref(t);

	t = webinfo_rule_text(FILE_TEXT, "second");
	assert_non_null(t);
	assert_string_equal(json_string_value(t),
	    "private rule second : tag {\n  condition: true\n}");
	json_decref(t);

	t = webinfo_rule_text(FILE_TEXT, "first_rule_longer");
	assert_non_null(t);
	assert_string_equal(json_string_value(t),
	    "rule first_rule_longer { condition: false }");
	json_decref(t);

	assert_null(webinfo_rule_text(FILE_TEXT, "open_rule"));
	assert_null(webinfo_rule_text(FILE_TEXT, "absent"));
	assert_null(webinfo_rule_text("", "first_rule"));
	assert_null(webinfo_rule_text("rule", "x"));
	assert_null(webinfo_rule_text("rule x { \"unclosed", "x"));
}

/* What /metrics shows now, as a string to free. */
static char *
metrics_text(void)
{
	struct evbuffer	*b;
	char		*text;
	size_t		 len;

	assert_non_null(b = evbuffer_new());
	webinfo_metrics(b, NULL);
	len = evbuffer_get_length(b);
	assert_non_null(text = calloc(1, len + 1));
	evbuffer_copyout(b, text, len);
	evbuffer_free(b);
	return text;
}

static void
test_metrics(void **state)
{
	char		*text;

	(void)state;
	/* Nothing counted yet: the series' heads, and no sensor. */
	text = metrics_text();
	assert_non_null(strstr(text, "# TYPE vigie_events_processed_total "
	    "counter\n"));
	assert_null(strstr(text, "{sensor="));
	free(text);

	webinfo_count("vigie:ev:{web1}", 50, 2, 1, 7);
	webinfo_count("vigie:ev:{web1}", 10, 0, 0, 1);
	webinfo_count("vigie:ev:{we\"ird}", 1, 0, 0, 0);
	webinfo_judge_us(1500000);
	text = metrics_text();
	assert_non_null(strstr(text, "# TYPE vigie_events_processed_total "
	    "counter\n"));
	assert_non_null(strstr(text,
	    "vigie_events_processed_total{sensor=\"web1\"} 60\n"));
	assert_non_null(strstr(text,
	    "vigie_events_processed_total{sensor=\"we\\\"ird\"} 1\n"));
	assert_non_null(strstr(text,
	    "vigie_frames_rejected_total{sensor=\"web1\"} 1\n"));
	assert_non_null(strstr(text,
	    "vigie_events_skipped_total{sensor=\"web1\"} 2\n"));
	assert_non_null(strstr(text, "vigie_detections_processed_total 8\n"));
	assert_non_null(strstr(text,
	    "vigie_yara_scan_seconds_total 1.500000\n"));
	/* No slot: no rules known. */
	assert_null(webinfo_rules(NULL));
	free(text);
}

/* A large site: every sensor apart, each once, a long stream name too. */
static void
test_metrics_many(void **state)
{
	char		*text, stream[256], want[256], *p;
	int		 i, n;
	static const char long_prefix[] = "a-prefix-of-a-very-long-name-that-"
	    "an-operator-might-well-choose-for-this-site-and-this-appliance:";
	static const char long_sensor[] = "ssssssssssssssssssssssssssssssss"
	    "ssssssssssssssssssssssssssssssss";

	(void)state;
	for (i = 0; i < 300; i++) {
		snprintf(stream, sizeof(stream), "vigie:ev:{rack%03d}", i);
		webinfo_count(stream, (uint64_t)i + 1, 0, 0, 0);
	}
	snprintf(stream, sizeof(stream), "%sev:{%s}", long_prefix,
	    long_sensor);
	webinfo_count(stream, 5, 0, 0, 0);
	webinfo_count(stream, 6, 0, 0, 0);
	text = metrics_text();
	for (i = 0; i < 300; i++) {
		snprintf(want, sizeof(want), "vigie_events_processed_total"
		    "{sensor=\"rack%03d\"} %d\n", i, i + 1);
		assert_non_null(strstr(text, want));
	}
	snprintf(want, sizeof(want), "vigie_events_processed_total"
	    "{sensor=\"%s\"} 11\n", long_sensor);
	assert_non_null(strstr(text, want));
	/* web1, we"ird, 300 racks and the long one: nothing lumped. */
	for (n = 0, p = text; (p = strstr(p,
	    "vigie_events_processed_total{")) != NULL; p++)
		n++;
	assert_int_equal(n, 303);
	assert_null(strstr(text, "{sensor=\"\"}"));
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_text),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_metrics_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
