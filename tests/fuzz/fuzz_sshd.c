/*
 * tests/fuzz/fuzz_sshd.c - libFuzzer target for the syslog and sshd parsers.
 * Owns nothing: each input is one log line (no newline, no NUL terminator).
 * Calls syslog_parse() (parse_syslog.c), then sshd_parse() (parse_sshd.c).
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../collector/parse_syslog.h"
#include "../../collector/parse_sshd.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* 2025-11-23 12:00:00 UTC: fixed, so runs reproduce. */
#define REF	((time_t)1763899200)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct logrec	 r;

	if (syslog_parse((const char *)data, size, REF, &r) == -1) {
		if (r.msg != NULL || r.host[0] != '\0')
			abort();
		return 0;
	}
	if (r.msg < (const char *)data ||
	    r.msg + r.msglen != (const char *)data + size ||
	    memchr(r.host, '\0', sizeof(r.host)) == NULL ||
	    memchr(r.program, '\0', sizeof(r.program)) == NULL ||
	    memchr(r.pid, '\0', sizeof(r.pid)) == NULL)
		abort();
	if (sshd_parse(&r) == -1) {
		if (r.action[0] != '\0' || r.user[0] != '\0' ||
		    r.src_ip[0] != '\0' || r.src_port[0] != '\0')
			abort();
		return 0;
	}
	if (r.action[0] == '\0' ||
	    memchr(r.user, '\0', sizeof(r.user)) == NULL ||
	    memchr(r.src_ip, '\0', sizeof(r.src_ip)) == NULL ||
	    memchr(r.src_port, '\0', sizeof(r.src_port)) == NULL)
		abort();
	return 0;
}
