/* The reply grammar: single and multi-line replies, CRLF and LF, enhanced
 * codes, the consistency rules, and spans that stay inside the input. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MAP_NORESERVE */

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "smtpcode.h"

static int
parse(const char *s, struct smtpcode_reply *r)
{
	return smtpcode_parse_reply(s, strlen(s), r);
}

static void
assert_span_inside(struct smtpcode_span sp, const char *buf, size_t len)
{
	if (sp.len == 0)
		return;
	cr_assert(sp.ptr >= buf && sp.ptr + sp.len <= buf + len, "span outside the input");
}

Test(reply, single_line)
{
	struct smtpcode_reply r;
	const char *s = "550 5.1.1 <user@example.com>: Recipient address rejected";

	cr_assert_eq(parse(s, &r), (int)strlen(s));
	cr_assert_eq(r.code, 550);
	cr_assert_eq(r.enhanced.cls, 5);
	cr_assert_eq(r.enhanced.subject, 1);
	cr_assert_eq(r.enhanced.detail, 1);
	cr_assert_eq(r.lines, 1);
	cr_assert_eq(r.flags, 0);
	cr_assert_eq(r.code_span.ptr, s);
	cr_assert_eq(r.enhanced_span.ptr, s + 4);
	cr_assert_eq(r.enhanced_span.len, 5);
}

Test(reply, multi_line_crlf_and_text_spans)
{
	const char *s = "550-5.1.1 The email account that you tried to reach does not exist.\r\n"
	                "550-5.1.1 Please try double-checking the recipient's email\r\n"
	                "550 5.1.1 address for typos. x-gsmtp\r\n"
	                "250 next reply";
	struct smtpcode_reply r;
	struct smtpcode_span t;
	size_t pos = 0;
	int n = parse(s, &r);

	cr_assert_eq(n, (int)(strstr(s, "250 next") - s), "the reply ends after its last line");
	cr_assert_eq(r.lines, 3);
	cr_assert_eq(r.flags, SMTPCODE_REPLY_MULTILINE);
	cr_assert(smtpcode_reply_next_text(&r, &pos, &t));
	cr_assert_eq(t.len, strlen("The email account that you tried to reach does not exist."));
	cr_assert(strncmp(t.ptr, "The email", 9) == 0);
	cr_assert(smtpcode_reply_next_text(&r, &pos, &t));
	cr_assert(strncmp(t.ptr, "Please try", 10) == 0);
	cr_assert(smtpcode_reply_next_text(&r, &pos, &t));
	cr_assert_eq(t.len, strlen("address for typos. x-gsmtp"));
	cr_assert_not(smtpcode_reply_next_text(&r, &pos, &t));
}

Test(reply, lf_only_and_no_text)
{
	struct smtpcode_reply r;
	const char *ehlo = "250-mx.example.com\n250-SIZE 1000\n250 HELP\n";

	cr_assert_eq(parse(ehlo, &r), (int)strlen(ehlo));
	cr_assert_eq(r.lines, 3);
	cr_assert_eq(parse("221", &r), 3);
	cr_assert_eq(r.code, 221);
	cr_assert_eq(parse("354\r\n", &r), 5);
}

Test(reply, class_mismatch_basic_class_counts)
{
	struct smtpcode_reply r;

	parse("550 4.4.7 Message expired", &r);
	cr_assert_eq(r.code, 550);
	cr_assert_eq(r.enhanced.cls, 4);
	cr_assert(r.flags & SMTPCODE_REPLY_CLASS_MISMATCH);
}

Test(reply, mixed_codes_last_line_counts)
{
	struct smtpcode_reply r;

	parse("550-5.1.1 first\n451 4.3.0 last\n", &r);
	cr_assert_eq(r.code, 451);
	cr_assert_eq(r.enhanced.cls, 4);
	cr_assert(r.flags & SMTPCODE_REPLY_MIXED_CODES);
	cr_assert(r.flags & SMTPCODE_REPLY_MIXED_ENHANCED);
}

Test(reply, unterminated_continuation)
{
	struct smtpcode_reply r;
	const char *s = "550-5.1.1 first\n550-5.1.1 second\n";

	cr_assert_eq(parse(s, &r), (int)strlen(s));
	cr_assert(r.flags & SMTPCODE_REPLY_UNTERMINATED);
	parse("550-first\nnot a reply line\n", &r);
	cr_assert(r.flags & SMTPCODE_REPLY_UNTERMINATED);
	cr_assert_eq(r.lines, 1);
}

/* Postfix quotes a multi-line reply on one line, its lines joined by spaces. */
Test(reply, lines_joined_into_one)
{
	struct smtpcode_reply r;

	parse("550-5.7.1 listed 550-5.7.1 on a block 550 5.7.1 list", &r);
	cr_assert_not(r.flags & SMTPCODE_REPLY_UNTERMINATED);
	cr_assert_eq(r.lines, 1, "one line, as smtpcode_reply_next_text() gives it");
	/* The joined last line ends the reply: the line after it is not its. */
	parse("550-5.7.1 a 550 5.7.1 b\n550 5.7.1 c\n", &r);
	cr_assert_eq(r.lines, 1);
	cr_assert_eq(r.raw.len, strlen("550-5.7.1 a 550 5.7.1 b\n"));
	parse("550-5.7.1 listed 550-5.7.1 on a block", &r);
	cr_assert(r.flags & SMTPCODE_REPLY_UNTERMINATED, "no last line among them");
	parse("550-5.7.1 sent 451 messages", &r);
	cr_assert(r.flags & SMTPCODE_REPLY_UNTERMINATED, "another code is a number");
}

Test(reply, not_a_reply)
{
	struct smtpcode_reply r;
	static const char *const bad[] = {"hello", "55", "5501 x", "650 x", "550x", "55 0", "-550"};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_eq(parse(bad[i], &r), SMTPCODE_ENOREPLY, "%s", bad[i]);
	cr_assert_eq(smtpcode_parse_reply("", 0, &r), SMTPCODE_EEMPTY);
	cr_assert_eq(smtpcode_parse_reply("550", 3, NULL), SMTPCODE_EINVAL);
}

/* (NULL, 0) is empty input, never NULL + 0 (undefined in C, an abort under
 * -fsanitize=pointer-overflow); NULL with a length is an invalid argument,
 * never a read through NULL. The single-header test runs the same calls
 * under clang's sanitizers, which catch NULL + 0. */
Test(reply, null_inputs)
{
	struct smtpcode_reply r;
	struct smtpcode_enhanced_code c;
	unsigned code;

	cr_assert_eq(smtpcode_parse_reply(NULL, 0, &r), SMTPCODE_EEMPTY);
	cr_assert_eq(smtpcode_parse_reply(NULL, 5, &r), SMTPCODE_EINVAL);
	cr_assert_eq(smtpcode_enhanced_parse(NULL, 0, &c), SMTPCODE_EEMPTY);
	cr_assert_eq(smtpcode_enhanced_parse(NULL, 5, &c), SMTPCODE_EINVAL);
	cr_assert_eq(smtpcode_enhanced_parse("5.1.1", 5, NULL), SMTPCODE_EINVAL);
	cr_assert_eq(smtpcode_basic_parse(NULL, 0, &code), SMTPCODE_EEMPTY);
	cr_assert_eq(smtpcode_basic_parse(NULL, 3, &code), SMTPCODE_EINVAL);
	cr_assert_eq(smtpcode_basic_parse("550", 3, NULL), SMTPCODE_EINVAL);
	cr_assert_null(smtpcode_enhanced_lookup(NULL, 0));
	cr_assert_null(smtpcode_enhanced_lookup(NULL, 5));
}

/* A reply longer than an int can count: an error, not a negative length
 * that looks like another error (-2147483548 for 2 GiB + 100 bytes). The
 * buffer is untouched anonymous memory past its first page: every page
 * but that one is the kernel's shared zero page, NUL bytes that do not end
 * the line, so the test costs no memory. */
Test(reply, longer_than_int_max)
{
	struct smtpcode_reply r;
	size_t len = (size_t)INT_MAX + 101;
	char *p;

	if (SIZE_MAX / 2 < (size_t)INT_MAX + 101)
		cr_skip_test("size_t cannot hold the length");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		cr_skip_test("cannot map %zu bytes", len);
	memcpy(p, "550 5.1.1 ", 10);
	cr_assert_eq(smtpcode_parse_reply(p, len, &r), SMTPCODE_ETOOBIG);
	cr_assert_eq(r.raw.len, len, "the reply is still described");
	cr_assert_eq(r.code, 550);
	cr_assert_eq(smtpcode_parse_reply(p, (size_t)SMTPCODE_REPLY_MAX, &r), SMTPCODE_REPLY_MAX);
	munmap(p, len);
}

Test(reply, enhanced_code_needs_its_boundary)
{
	struct smtpcode_reply r;

	parse("550 5.1.1a text", &r);
	cr_assert_eq(r.enhanced.cls, 0, "5.1.1a is text, not an enhanced code");
	parse("550 5.01.1 text", &r);
	cr_assert_eq(r.enhanced.cls, 0, "a leading zero is not RFC 3463 syntax");
	parse("550 5.1.1", &r);
	cr_assert_eq(r.enhanced.detail, 1);
	/* With a '#' before it, as some mail systems write it; the span is the code alone. */
	parse("550 #5.1.0 Address rejected.", &r);
	cr_assert_eq(r.enhanced.cls, 5);
	cr_assert_eq(r.enhanced.subject, 1);
	cr_assert(r.enhanced_span.len == 5 && memcmp(r.enhanced_span.ptr, "5.1.0", 5) == 0);
	parse("550 ##5.1.0 x", &r);
	cr_assert_eq(r.enhanced.cls, 0, "one '#' only");
	/* In parentheses, as Stalwart quotes a reply: the span is the code alone. */
	parse("550 (5.7.27) 'Sender domain publishes a null MX'", &r);
	cr_assert_eq(r.enhanced.subject, 7);
	cr_assert_eq(r.enhanced.detail, 27);
	cr_assert(r.enhanced_span.len == 6 && memcmp(r.enhanced_span.ptr, "5.7.27", 6) == 0);
	parse("550 (5.7.27", &r);
	cr_assert_eq(r.enhanced.cls, 0, "an unclosed parenthesis holds no code");
}

Test(reply, never_reads_past_len)
{
	/* The reply is cut inside its code: only the first len bytes count. */
	struct smtpcode_reply r;
	char buf[] = "550 5.1.1 user unknown";

	cr_assert_eq(smtpcode_parse_reply(buf, 2, &r), SMTPCODE_ENOREPLY);
	cr_assert_eq(smtpcode_parse_reply(buf, 3, &r), 3);
	cr_assert_eq(smtpcode_parse_reply(buf, 7, &r), 7);
	cr_assert_eq(r.enhanced.cls, 0, "5.1 cut short is no enhanced code");
}

Test(reply, ten_thousand_continuation_lines)
{
	static char buf[10000 * 16 + 32];
	struct smtpcode_reply r;
	size_t o = 0;
	int i;

	for (i = 0; i < 10000; i++)
		o += (size_t)sprintf(buf + o, "550-5.7.1 line\r\n");
	o += (size_t)sprintf(buf + o, "550 5.7.1 end\r\n");
	cr_assert_eq(smtpcode_parse_reply(buf, o, &r), (int)o);
	cr_assert_eq(r.lines, 10001);
	assert_span_inside(r.enhanced_span, buf, o);
	assert_span_inside(r.raw, buf, o);
}

Test(reply, flag_names_are_the_json_names)
{
	static const struct {
		enum smtpcode_reply_flag flag;
		const char *name;
	} names[] = {
		{SMTPCODE_REPLY_MULTILINE, "multiline"},
		{SMTPCODE_REPLY_MIXED_CODES, "mixed-codes"},
		{SMTPCODE_REPLY_MIXED_ENHANCED, "mixed-enhanced"},
		{SMTPCODE_REPLY_CLASS_MISMATCH, "class-mismatch"},
		{SMTPCODE_REPLY_UNTERMINATED, "unterminated"},
	};
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		cr_assert_str_eq(smtpcode_reply_flag_name(names[i].flag), names[i].name);
	/* Bit 5 and up, no bit, two bits: not a single flag. */
	cr_assert_null(smtpcode_reply_flag_name((enum smtpcode_reply_flag)(1u << 5)));
	cr_assert_null(smtpcode_reply_flag_name((enum smtpcode_reply_flag)0));
	cr_assert_null(smtpcode_reply_flag_name(
		(enum smtpcode_reply_flag)(SMTPCODE_REPLY_MULTILINE | SMTPCODE_REPLY_MIXED_CODES)));
}

Test(reply, every_flag_has_plain_words)
{
	unsigned i;

	/* A sentence for people beside each name for programs, never the name. */
	for (i = 0; smtpcode_reply_flag_name((enum smtpcode_reply_flag)(1u << i)); i++) {
		const char *d = smtpcode_reply_flag_description((enum smtpcode_reply_flag)(1u << i));
		cr_assert_not_null(d);
		cr_assert(d[0] >= 'A' && d[0] <= 'Z' && d[strlen(d) - 1] == '.', "%s", d);
		cr_assert_null(strstr(d, smtpcode_reply_flag_name((enum smtpcode_reply_flag)(1u << i))), "%s", d);
	}
	cr_assert_eq(i, 5);
	cr_assert_null(smtpcode_reply_flag_description((enum smtpcode_reply_flag)(1u << 5)));
	cr_assert_null(smtpcode_reply_flag_description((enum smtpcode_reply_flag)0));
	cr_assert(strstr(smtpcode_reply_flag_description(SMTPCODE_REPLY_UNTERMINATED), "cut off"));
}
