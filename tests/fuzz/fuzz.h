/*
 * tests/fuzz/fuzz.h - what every libFuzzer target shares: the entry
 * point's prototype and an assertion that stays in release builds.
 */
#ifndef VIGIE_FUZZ_H
#define VIGIE_FUZZ_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define fuzz_assert(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_assert failed: %s (%s:%d)\n",	\
		    #cond, __FILE__, __LINE__);				\
		abort();						\
	}								\
} while (0)

/* 2025-11-23 12:00:00 UTC: the parsers' "now", fixed so runs reproduce. */
#define FUZZ_REF	((time_t)1763899200)

/* A source address as the pipeline wants it: canonical text, never an
 * IPv4-mapped IPv6 address. */
static inline int
fuzz_canonical_ip(const char *s)
{
	unsigned char	 a[16];
	char		 back[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET, s, a) == 1)
		return inet_ntop(AF_INET, a, back, sizeof(back)) != NULL &&
		    strcmp(back, s) == 0;
	if (inet_pton(AF_INET6, s, a) != 1 ||
	    memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
		return 0;
	return inet_ntop(AF_INET6, a, back, sizeof(back)) != NULL &&
	    strcmp(back, s) == 0;
}

#endif
