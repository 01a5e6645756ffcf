/* Internal: finding the reply inside log lines and DSN fields. */
#ifndef SMTPCODE_CARRIER_H
#define SMTPCODE_CARRIER_H

#include "smtpcode.h"

struct smtpcode__carrier {
	enum smtpcode_carrier kind;
	enum smtpcode_stage stage;
	const char *reply_at;          /* where the carrier says the reply starts, or NULL */
	struct smtpcode_span host;     /* the remote host it names */
	struct smtpcode_span status;   /* a DSN "Status:" or Sendmail "dsn=" enhanced code */
	int exim;                      /* inside an Exim "SMTP error from remote mail server after" */
	unsigned dsn_class;            /* a DSN "Action:" field: 5 failed, 4 delayed, 2 delivered, else 0 */
};

void smtpcode__find_carrier(const char *buf, size_t len, struct smtpcode__carrier *c);
const char *smtpcode__find_code(const char *buf, size_t len, const char *from);

#endif
