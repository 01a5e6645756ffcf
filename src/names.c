/* Name -> enum value, through gperf perfect hashes generated from data/.
 * Declaring each lookup static before its generated definition keeps it
 * (and its tables) private to this file. */
#include <string.h>

#include "smtpcode.h"

struct smtpcode__name {
	int name; /* offset into the gperf string pool (%pic) */
	int value;
};

#define DECLARE(kind)                                                              \
	static const struct smtpcode__name *smtpcode__##kind##_lookup(const char *str, \
	                                                              size_t len)
DECLARE(reason);
DECLARE(action);
DECLARE(bounce);
DECLARE(verdict);
DECLARE(vendor);

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#if !defined(__cplusplus) /* a C-only warning: g++ rejects the pragma */
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#endif
#endif
#include "smtpcode_reason_names.h"
#include "smtpcode_action_names.h"
#include "smtpcode_bounce_names.h"
#include "smtpcode_verdict_names.h"
#include "smtpcode_vendor_names.h"
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#define FROM_NAME(kind)                                                       \
	int smtpcode_##kind##_from_name(const char *s, size_t len)            \
	{                                                                     \
		const struct smtpcode__name *n;                               \
		if (!s)                                                       \
			return -1;                                            \
		n = smtpcode__##kind##_lookup(s, len);                        \
		return n ? n->value : -1;                                     \
	}

FROM_NAME(reason)
FROM_NAME(action)
FROM_NAME(bounce)
FROM_NAME(verdict)
FROM_NAME(vendor)
