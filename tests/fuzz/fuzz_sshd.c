/*
 * tests/fuzz/fuzz_sshd.c - libFuzzer target for the syslog and sshd parsers.
 * Owns nothing: each input is one log line (no newline, no NUL terminator).
 * Calls syslog_parse() (parse_syslog.c), then sshd_parse() (parse_sshd.c),
 * and asserts what the rest of the pipeline relies on.
 */

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../collector/parse_syslog.h"
#include "../../collector/parse_sshd.h"
#include "fuzz.h"

#define REF	FUZZ_REF

static int
valid_port(const char *s)
{
	char	*end;
	long	 p;

	if (*s < '0' || *s > '9')
		return 0;
	p = strtol(s, &end, 10);
	return *end == '\0' && p >= 0 && p <= 65535;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logrec	 r;

	if (syslog_parse((const char *)data, size, REF, &r) == -1) {
		fuzz_assert(r.msg == NULL && r.host[0] == '\0');
		return 0;
	}
	fuzz_assert(r.msg >= (const char *)data &&
	    r.msg + r.msglen == (const char *)data + size);
	fuzz_assert(memchr(r.host, '\0', sizeof(r.host)) != NULL);
	fuzz_assert(memchr(r.program, '\0', sizeof(r.program)) != NULL);
	fuzz_assert(memchr(r.pid, '\0', sizeof(r.pid)) != NULL);
	if (sshd_parse(&r) == -1) {
		fuzz_assert(r.action[0] == '\0' && r.user[0] == '\0' &&
		    r.src_ip[0] == '\0' && r.src_port[0] == '\0');
		return 0;
	}
	fuzz_assert(r.action[0] != '\0');
	fuzz_assert(memchr(r.user, '\0', sizeof(r.user)) != NULL);
	fuzz_assert(memchr(r.src_ip, '\0', sizeof(r.src_ip)) != NULL);
	fuzz_assert(memchr(r.src_port, '\0', sizeof(r.src_port)) != NULL);
	fuzz_assert(r.src_ip[0] == '\0' || fuzz_canonical_ip(r.src_ip));
	fuzz_assert(r.src_port[0] == '\0' || valid_port(r.src_port));
	return 0;
}
