/* Inputs that make a parser of the classifier work: a carrier marker, whose
 * field parser runs where the marker is found (some read back for a host,
 * some read forward for an address), codes, continuation lines, blanks.
 * Each input is `prefix` once, then `unit` over and over. The hostile suite
 * (tests/hostile.c) fails when the CPU time a byte grows with the size on any
 * of them; bench_linear (tests/bench/) prints the figures. The first three
 * are issue 14's: each was quadratic. */
#ifndef SMTPCODE_LINEAR_SHAPES_H
#define SMTPCODE_LINEAR_SHAPES_H

#include <string.h>
#include <time.h> /* clock_gettime: the includer defines _POSIX_C_SOURCE */

struct linear_shape {
	const char *name, *prefix, *unit;
};

static const struct linear_shape linear_shapes[] = {
	{"`] said:`", "", "] said:"},
	{"`<`, then `spam` (a phrase, in one long word with no `@`)", "<", "spam"},
	{"`spam@a ` (a phrase in an address, over and over)", "", "spam@a "},
	{"`[`, then `x] refused to talk to me:`", "[", "x] refused to talk to me:"},
	{"`SMTP error from remote mail server after RCPT TO:<`", "",
	 "SMTP error from remote mail server after RCPT TO:<"},
	{"`SMTP error from remote mailer after MAIL FROM:<`", "", "SMTP error from remote mailer after MAIL FROM:<"},
	{"`SMTP error from remote mail server after pipelined RCPT TO:`", "",
	 "SMTP error from remote mail server after pipelined RCPT TO:"},
	{"`SMTP error from remote mail server after EHLO a`", "", "SMTP error from remote mail server after EHLO a"},
	{"`SMTP error from remote mail server after RCPT TO:<a@b>: `", "",
	 "SMTP error from remote mail server after RCPT TO:<a@b>: "},
	{"`host a[`, then `] said:`", "host a[", "] said:"},
	{"`host a said: 550 `", "", "host a said: 550 "},
	{"`x]`, blanks, `said:`", "", "x] \t  said:"},
	{"`Diagnostic-Code: smtp; `", "", "Diagnostic-Code: smtp; "},
	{"`Diagnostic-Code:x`", "", "Diagnostic-Code:x"},
	{"`Remote-MTA: dns; `", "", "Remote-MTA: dns; "},
	{"`Remote-MTA:dns;a`", "", "Remote-MTA:dns;a"},
	{"`Status: `", "", "Status: "},
	{"`Action: failed `", "", "Action: failed "},
	{"`(in reply to RCPT TO command) `", "", "(in reply to RCPT TO command) "},
	{"`dsn=5.1.1, stat=`", "", "dsn=5.1.1, stat="},
	{"`relay=a h=a `", "", "relay=a h=a "},
	{"`Remote Server returned '`", "", "Remote Server returned '"},
	{"`550-5.1.1 x` and LF: continuation lines", "", "550-5.1.1 x\n"},
	{"`550-x` and CR: one line", "", "550-x\r"},
	{"`550 5.1.1 `: codes", "", "550 5.1.1 "},
	{"`[TSS04] `: a vendor token", "", "[TSS04] "},
	{"`4F2A: to=<a@b>, status=bounced `: log fields", "", "4F2A: to=<a@b>, status=bounced "},
	{"`1abcDE-000123-AB ** a@b `: Exim's log fields", "", "1abcDE-000123-AB ** a@b "},
	{"`(#5.1.1) `: qmail's codes", "", "(#5.1.1) "},
	{"`>>> RCPT To:<a@b> `: a session transcript's commands", "", ">>> RCPT To:<a@b> "},
	{"`while talking to a`", "", "while talking to a"},
	{"`host a.b [`: host names with an address literal", "", "host a.b ["},
	{"`>>> DATA`, then `<<< 550 x`: replies after DATA counted", ">>> DATA\n", "<<< 550 x\n"},
	{"`<<< 554 a`, `>>> QUIT`: greetings and other commands", "", "<<< 554 a\n>>> QUIT\n"},
	{"`-------SMTP command`, then LF: a command field", "", "-------SMTP command\n"},
	{"`550 a`, `While talking to a:`: sessions after a reply", "", "550 a\nWhile talking to a:\n"},
	{"`1abcDE-000123-AB **`, then blanks: a marker that ends in a blank", "1abcDE-000123-AB **", " "},
	{"`while talking to`, then blanks", "while talking to", " "},
	{"`550-5.7.1 a `, then `550 5.7.1 b `: a reply's lines joined on one", "550-5.7.1 a ", "550 5.7.1 b "},
	{"`[#4.1.9] `: codes in brackets", "", "[#4.1.9] "},
	{"`пользователь `: a phrase's shape, checked", "",
	 "\xd0\xbf\xd0\xbe\xd0\xbb\xd1\x8c\xd0\xb7\xd0\xbe\xd0\xb2\xd0\xb0\xd1\x82\xd0\xb5\xd0\xbb\xd1\x8c "},
	{"`不存在 `: a CJK phrase's shape, checked", "", "\xe4\xb8\x8d\xe5\xad\x98\xe5\x9c\xa8 "},
	{"spaces", "", " "},
	{"LF: empty lines", "", "\n"},
};

/* Fills buf[0..len) with the shape: its prefix, then its unit repeated. */
static void
linear_fill(char *buf, size_t len, const struct linear_shape *s)
{
	size_t o = 0, unit = strlen(s->unit), n = strlen(s->prefix);

	memcpy(buf, s->prefix, n < len ? n : len);
	for (o = n < len ? n : len; o < len; o += n) {
		n = len - o < unit ? len - o : unit;
		memcpy(buf + o, s->unit, n);
	}
}

/* CPU time of this thread, in seconds: other work on the machine moves it little. */
static double
linear_cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif
