/* Every function of the public API as a table of pointers, so that one test
 * can call two copies side by side: the library's and the single header's
 * (compiled with SMTPCODE_STATIC in its own unit). Include it after
 * smtpcode.h, either one. tests/test_single_header.py checks that the list
 * names every function the header declares. */
#ifndef SMTPCODE_TEST_API_H
#define SMTPCODE_TEST_API_H

#define SMTPCODE_TEST_API(X)                                                                         \
	X(const char *, strerror, (int))                                                             \
	X(const char *, reason_name, (enum smtpcode_reason))                                         \
	X(const char *, action_name, (enum smtpcode_action))                                         \
	X(const char *, bounce_name, (enum smtpcode_bounce))                                         \
	X(const char *, verdict_name, (enum smtpcode_verdict))                                       \
	X(const char *, vendor_name, (enum smtpcode_vendor))                                         \
	X(int, reason_from_name, (const char *, size_t))                                             \
	X(int, action_from_name, (const char *, size_t))                                             \
	X(int, bounce_from_name, (const char *, size_t))                                             \
	X(int, verdict_from_name, (const char *, size_t))                                            \
	X(int, vendor_from_name, (const char *, size_t))                                             \
	X(const char *, reason_title, (enum smtpcode_reason))                                        \
	X(const char *, action_title, (enum smtpcode_action))                                        \
	X(const char *, bounce_title, (enum smtpcode_bounce))                                        \
	X(const char *, verdict_title, (enum smtpcode_verdict))                                      \
	X(const char *, vendor_title, (enum smtpcode_vendor))                                        \
	X(enum smtpcode_action, reason_action, (enum smtpcode_reason))                               \
	X(enum smtpcode_bounce, reason_bounce, (enum smtpcode_reason))                               \
	X(const char *, reason_description, (enum smtpcode_reason))                                  \
	X(const char *, action_description, (enum smtpcode_action))                                  \
	X(const char *, bounce_description, (enum smtpcode_bounce))                                  \
	X(const char *, verdict_description, (enum smtpcode_verdict))                                \
	X(const char *, text, (smtpcode_text_t))                                                     \
	X(const char *, list_at, (struct smtpcode_list, size_t))                                     \
	X(const struct smtpcode_basic *, basic_lookup, (unsigned))                                   \
	X(int, basic_parse, (const char *, size_t, unsigned *))                                      \
	X(size_t, basic_count, (void))                                                               \
	X(const struct smtpcode_basic *, basic_at, (size_t))                                         \
	X(const char *, basic_class_title, (unsigned))                                               \
	X(const char *, basic_class_meaning, (unsigned))                                             \
	X(const char *, basic_category_title, (unsigned))                                            \
	X(const char *, basic_category_meaning, (unsigned))                                          \
	X(int, enhanced_parse, (const char *, size_t, struct smtpcode_enhanced_code *))              \
	X(const struct smtpcode_enhanced *, enhanced_lookup, (const char *, size_t))                 \
	X(const struct smtpcode_enhanced *, enhanced_detail, (unsigned, unsigned))                   \
	X(const struct smtpcode_enhanced *, enhanced_subject, (unsigned))                            \
	X(const struct smtpcode_enhanced *, enhanced_class, (unsigned))                              \
	X(size_t, enhanced_count, (void))                                                            \
	X(const struct smtpcode_enhanced *, enhanced_at, (size_t))                                   \
	X(enum smtpcode_bounce, enhanced_bounce, (const struct smtpcode_enhanced *, unsigned))       \
	X(size_t, vendor_code_count, (void))                                                         \
	X(const struct smtpcode_vendor_code *, vendor_code_at, (size_t))                             \
	X(const struct smtpcode_vendor_code *, vendor_code_find,                                     \
	  (enum smtpcode_vendor, const struct smtpcode_enhanced_code *))                             \
	X(enum smtpcode_verdict, verdict_for, (enum smtpcode_bounce))                                \
	X(int, parse_reply, (const char *, size_t, struct smtpcode_reply *))                         \
	X(int, reply_next_text, (const struct smtpcode_reply *, size_t *, struct smtpcode_span *))   \
	X(const char *, reply_flag_name, (enum smtpcode_reply_flag))                                 \
	X(const char *, reply_flag_description, (enum smtpcode_reply_flag))                          \
	X(int, classify,                                                                             \
	  (const char *, size_t, enum smtpcode_stage, const char *, size_t, struct smtpcode_result *)) \
	X(const char *, stage_name, (enum smtpcode_stage))                                           \
	X(int, stage_from_name, (const char *, size_t))                                              \
	X(const char *, signal_name, (enum smtpcode_signal))                                         \
	X(const char *, log_status_name, (enum smtpcode_log_status))                                 \
	X(const char *, carrier_name, (enum smtpcode_carrier))                                       \
	X(int, message_init, (struct smtpcode_message *, enum smtpcode_stage, smtpcode_recipient_fn, void *)) \
	X(int, message_feed, (struct smtpcode_message *, const char *, size_t))                      \
	X(long, message_end, (struct smtpcode_message *))                                            \
	X(unsigned, message_problems, (const struct smtpcode_message *))                             \
	X(const char *, message_problem_text, (enum smtpcode_message_problem))                       \
	X(const char *, dsn_action_name, (enum smtpcode_dsn_action))                                 \
	X(const char *, report_name, (enum smtpcode_report))                                         \
	X(enum smtpcode_input, input_kind, (const char *, size_t))                                   \
	X(int, mbox_from_line, (const char *, size_t))                                               \
	X(const char *, version, (void))                                                             \
	X(const char *, data_version, (void))                                                        \
	X(const char *, registry_date, (void))

#define SMTPCODE_TEST_MEMBER(ret, name, args) ret(*name) args;
#define SMTPCODE_TEST_INIT(ret, name, args) smtpcode_##name,

struct smtpcode_test_api {
	SMTPCODE_TEST_API(SMTPCODE_TEST_MEMBER)
};

/* The single header's copy (single_static.c). */
extern const struct smtpcode_test_api smtpcode_test_single;

#endif
