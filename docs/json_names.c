/* Prints the names the library gives the values of its own enums, as they
 * appear in smtpcode's JSON, as one JSON object: generator/gen_json_schema.py
 * takes the stages, signals, carriers, log statuses, DSN actions, reports and
 * reply flags of the JSON Schemas from here, so that they come from the
 * library itself. A value that JSON writes as null (no stage, no log status,
 * no DSN action) is left out. */
#include <stdio.h>

#include <smtpcode.h>

static void
list(const char *key, const char *const *names, int n, int last)
{
	int i;

	printf("  \"%s\": [", key);
	for (i = 0; i < n; i++)
		printf("%s\"%s\"", i ? ", " : "", names[i]);
	printf("]%s\n", last ? "" : ",");
}

int
main(void)
{
	const char *names[64];
	int i, n;

	printf("{\n");
	for (n = 0, i = SMTPCODE_STAGE_UNKNOWN + 1; i < SMTPCODE_STAGE_COUNT; i++)
		names[n++] = smtpcode_stage_name((enum smtpcode_stage)i);
	list("stage", names, n, 0);
	for (n = 0, i = 0; i < SMTPCODE_SIGNAL_COUNT; i++)
		names[n++] = smtpcode_signal_name((enum smtpcode_signal)i);
	list("signal", names, n, 0);
	for (n = 0, i = 0; i < SMTPCODE_CARRIER_COUNT; i++)
		names[n++] = smtpcode_carrier_name((enum smtpcode_carrier)i);
	list("carrier", names, n, 0);
	for (n = 0, i = SMTPCODE_LOG_NONE + 1; i < SMTPCODE_LOG_COUNT; i++)
		names[n++] = smtpcode_log_status_name((enum smtpcode_log_status)i);
	list("log_status", names, n, 0);
	for (n = 0, i = SMTPCODE_DSN_NONE + 1; i < SMTPCODE_DSN_COUNT; i++)
		names[n++] = smtpcode_dsn_action_name((enum smtpcode_dsn_action)i);
	list("dsn_action", names, n, 0);
	for (n = 0, i = 0; i < SMTPCODE_REPORT_COUNT; i++)
		names[n++] = smtpcode_report_name((enum smtpcode_report)i);
	list("report", names, n, 0);
	for (n = 0, i = 0; i < 32 && smtpcode_reply_flag_name((enum smtpcode_reply_flag)(1u << i)); i++)
		names[n++] = smtpcode_reply_flag_name((enum smtpcode_reply_flag)(1u << i));
	list("reply_flag", names, n, 1);
	printf("}\n");
	return ferror(stdout) ? 1 : 0;
}
