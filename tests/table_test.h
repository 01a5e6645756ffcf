/* A table of cases, each row with a `name`, checked by a function
 * `run(const ROW *, char *why, size_t why_size)` that returns NULL when the
 * row holds and else what was wrong: TABLE_TEST makes one Criterion test a
 * row, TABLE_TAP prints one TAP line a row (for the memcheck runs, which
 * have no Criterion) and adds the failures to `failed`. */
#ifndef SMTPCODE_TABLE_TEST_H
#define SMTPCODE_TABLE_TEST_H

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

#define TABLE_TEST(suite, test, cases, run)                                                                  \
	static size_t test##_rows[COUNT_OF(cases)];                                                          \
	ParameterizedTestParameters(suite, test)                                                             \
	{                                                                                                    \
		size_t i;                                                                                    \
		for (i = 0; i < COUNT_OF(test##_rows); i++)                                                  \
			test##_rows[i] = i;                                                                  \
		return cr_make_param_array(size_t, test##_rows, COUNT_OF(test##_rows));                      \
	}                                                                                                    \
	ParameterizedTest(size_t *index, suite, test)                                                        \
	{                                                                                                    \
		char why[256];                                                                               \
		const char *msg = run(&(cases)[*index], why, sizeof why);                                    \
		cr_assert_null(msg, "%s: %s", (cases)[*index].name, msg ? msg : "");                         \
	}

#define TABLE_TAP(cases, run, n, failed)                                                                     \
	do {                                                                                                 \
		size_t row_;                                                                                 \
		char why_[256];                                                                              \
		for (row_ = 0; row_ < COUNT_OF(cases); row_++) {                                             \
			const char *msg_ = run(&(cases)[row_], why_, sizeof why_);                           \
			printf("%s %zu - %s%s%s\n", msg_ ? "not ok" : "ok", ++(n), (cases)[row_].name,       \
			       msg_ ? ": " : "", msg_ ? msg_ : "");                                          \
			(failed) += msg_ != NULL;                                                            \
		}                                                                                            \
	} while (0)

#endif
