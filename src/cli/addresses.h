/* The distinct recipients of scan --format addresses: a set of addresses
 * told apart without regard to case, as mail systems do in practice, so
 * that Bob@Example.COM and bob@example.com are one; each is written as
 * first seen, with its domain in lower case (the part before the @ is kept
 * as it is: RFC 5321 lets a mail system tell its case apart). Memory grows
 * with the distinct recipients. */
#ifndef SMTPCODE_CLI_ADDRESSES_H
#define SMTPCODE_CLI_ADDRESSES_H

#include <stddef.h>

/* The longest address kept whole (RFC 5321 allows 256 bytes of path); a
 * longer one is cut there. */
#define ADDRESS_MAX 320

struct address_set;

struct address_set *address_set_new(void);
void address_set_free(struct address_set *s);
/* Adds addr[0..len) (at most ADDRESS_MAX bytes); returns 1 when no address
 * that differs only in case was there, 0 when one was, -1 when out of memory. */
int address_set_add(struct address_set *s, const char *addr, size_t len);

/* The address as the set keeps it, into buf (ADDRESS_MAX bytes): the domain
 * after the last @ in lower case, cut at ADDRESS_MAX. Returns its length. */
size_t address_normalise(char *buf, const char *addr, size_t len);

#endif
