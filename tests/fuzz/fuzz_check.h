/* What the harnesses check with: a span lies inside its buffer, and a hash
 * (FNV-1a) of what a run handed on, to compare two runs. */
#ifndef SMTPCODE_FUZZ_CHECK_H
#define SMTPCODE_FUZZ_CHECK_H

#include <stdint.h>
#include <stdlib.h>

#include "smtpcode.h"

#define FUZZ_HASH_START 0xcbf29ce484222325u

static inline void
inside(struct smtpcode_span sp, const char *buf, size_t len)
{
	if (sp.len && (sp.ptr < buf || sp.ptr + sp.len > buf + len))
		abort();
}

static inline uint64_t
mix(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3u;
	return h;
}

#endif
