/* Print the title and meaning of each code on the command line, basic
 * (550) or enhanced (5.1.1, X.7.26), or say why it is not one. */
#include <stdio.h>
#include <string.h>

#include <smtpcode.h>

static int
lookup(const char *q)
{
	size_t len = strlen(q);
	const struct smtpcode_basic *b;
	const struct smtpcode_enhanced *e;
	struct smtpcode_enhanced_code c;
	unsigned code;
	int n;

	if (!strchr(q, '.')) {
		n = smtpcode_basic_parse(q, len, &code);
		b = n < 0 ? NULL : smtpcode_basic_lookup(code);
		if (!b)
			goto unknown;
		printf("%u %s: %s\n", code, smtpcode_text(b->title),
		       smtpcode_text(b->meaning));
		return 0;
	}
	if ((e = smtpcode_enhanced_lookup(q, len)) != NULL) {
		printf("%s %s: %s\n", q, smtpcode_text(e->title),
		       smtpcode_text(e->meaning));
		return 0;
	}
	n = smtpcode_enhanced_parse(q, len, &c);
unknown:
	fprintf(stderr, "%s: %s\n", q,
	        n < 0 ? smtpcode_strerror(n) : "not registered");
	return 1;
}

int
main(int argc, char **argv)
{
	int i, status = 0;

	for (i = 1; i < argc; i++)
		status |= lookup(argv[i]);
	return status;
}
