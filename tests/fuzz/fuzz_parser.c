/*
 * tests/fuzz/fuzz_parser.c - libFuzzer target for the registry parser named
 * at build time (-DFUZZ_PARSER); an input is one line ("nginx-format": a
 * log_format, newline, a line). Asserts what the pipeline relies on.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../collector/parse.h"
#include "fuzz.h"

#ifndef FUZZ_PARSER
#define FUZZ_PARSER	"syslog"
#endif

#define REF	FUZZ_REF

/* One parse_buf for the run: the carry table lives across inputs. */
static struct parse_buf	 pb;

/* A present src_ip is canonical text, never IPv4-mapped IPv6. */
static int
canonical_ip(const struct evval *v)
{
	char	 s[64];

	if (v->len == 0 || v->len >= sizeof(s))
		return 0;
	memcpy(s, v->v, v->len);
	s[v->len] = '\0';
	return fuzz_canonical_ip(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct parser	*p = parser_find(FUZZ_PARSER);
	const char		*line = (const char *)data;
	struct event		 ev;
	enum parse_result	 res;
	size_t			 i;
	volatile char		 sink = 0;

	if (strcmp(FUZZ_PARSER, "nginx-format") == 0) {
		const char	*nl = memchr(data, '\n', size);
		char		 fmt[1024], err[128];
		size_t		 n;

		if (nl == NULL || (n = (size_t)(nl - line)) >= sizeof(fmt) ||
		    memchr(line, '\0', n) != NULL)
			return 0;
		memcpy(fmt, line, n);
		fmt[n] = '\0';
		if (parse_nginx_format(fmt, err, sizeof(err)) == -1)
			return 0;
		size -= n + 1;
		line += n + 1;
		p = parser_find("nginx");
	}
	fuzz_assert(p != NULL);
	res = p->parse(line, size, REF, &pb, &ev);
	fuzz_assert(res == PARSE_RECOGNISED || res == PARSE_PLAIN ||
	    res == PARSE_NO_HEADER);
	fuzz_assert(ev.f[EV_KIND].len == 3);
	fuzz_assert(ev.f[EV_TS].len > 0);
	if (res == PARSE_RECOGNISED)
		fuzz_assert(ev.f[EV_ACTION].len > 0 ||
		    !strcmp(FUZZ_PARSER, "generic"));
	fuzz_assert(ev.f[EV_SRC_IP].len == 0 || canonical_ip(&ev.f[EV_SRC_IP]));
	fuzz_assert(ev.f[EV_SRC_ZONE].len == 0 || ev.f[EV_SRC_IP].len > 0);
	fuzz_assert(pb.rec.repeat <= LOGREC_REPEAT_MAX);
	/* Every value is readable in full (ASan checks the bytes). */
	for (i = 0; i < EV_NFIELDS; i++) {
		size_t k;

		fuzz_assert(ev.f[i].len == 0 || ev.f[i].v != NULL);
		fuzz_assert(ev.f[i].len <= size + 64);
		for (k = 0; k < ev.f[i].len; k++)
			sink ^= ev.f[i].v[k];
	}
	(void)sink;
	return 0;
}
