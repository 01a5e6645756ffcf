/* SIGINT, SIGTERM and SIGHUP end the reading of scan and stats, not the
 * program at once: every line read so far is classified and its record
 * written, then the signal is raised again, so that the shell sees how the
 * program ended. A second signal of the same kind ends it at once. */
#ifndef SMTPCODE_CLI_INTERRUPT_H
#define SMTPCODE_CLI_INTERRUPT_H

/* Catches the three signals. Writes to standard output are restarted, so
 * only a wait for input notices a signal: through interrupt_fd(). */
void interrupt_install(void);
/* The signal that came, or 0. */
int interrupt_signal(void);
/* A descriptor that becomes readable when a signal comes (for poll()), or
 * -1 before interrupt_install(). */
int interrupt_fd(void);
/* After the output is flushed: raises the signal that came again with its
 * default action (the program ends there); nothing when none came. */
void interrupt_finish(void);

#endif
