/* smtpcode probe: how main.c finds the command and hands over to it. */
#ifndef SMTPCODE_CLI_PROBE_CMD_H
#define SMTPCODE_CLI_PROBE_CMD_H

struct style;

/* Is the command word of argv "probe"? Options may come before it, with
 * their values. */
int probe_requested(int argc, char **argv);

/* Runs smtpcode probe (argv as main's); help is its --help text in blocks
 * (NULL-terminated), st has the width set (the colour is decided here).
 * Returns the exit status. Only in builds with c-ares and OpenSSL
 * (SMTPCODE_HAVE_PROBE). */
int probe_main(int argc, char **argv, const char *const *help, struct style *st);

/* main.c's: the commands an option applies to, in words, written to names;
 * ~0u (everyone's) for an option that names none or no option at all. */
unsigned option_commands_text(const char *flag, size_t flag_len, char *names, size_t cap);

/* main.c's: a whole decimal number in [min, max], or -1. */
long number_arg(const char *s, long min, long max);

#endif
