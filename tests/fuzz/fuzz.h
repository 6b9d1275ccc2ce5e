/*
 * tests/fuzz/fuzz.h - what every libFuzzer target shares: the entry
 * point's prototype and an assertion that stays in release builds.
 */
#ifndef VIGIE_FUZZ_H
#define VIGIE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define fuzz_assert(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz_assert failed: %s (%s:%d)\n",	\
		    #cond, __FILE__, __LINE__);				\
		abort();						\
	}								\
} while (0)

#endif
