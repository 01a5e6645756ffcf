/* The signals that end a scan's reading (interrupt.h), with the self-pipe
 * that lets a poll() for input wake up when one comes. */
#define _POSIX_C_SOURCE 200809L

#include "interrupt.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t caught;
static int pipe_fd[2] = {-1, -1};

static void
on_signal(int sig)
{
	int saved = errno;
	char c = 1;

	caught = sig;
	if (pipe_fd[1] >= 0 && write(pipe_fd[1], &c, 1) < 0) {
		/* the pipe is full: a byte is there already */
	}
	errno = saved;
}

void
interrupt_install(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;
	size_t i;

	if (pipe_fd[0] >= 0 || pipe(pipe_fd) != 0)
		return;
	for (i = 0; i < 2; i++) {
		fcntl(pipe_fd[i], F_SETFL, fcntl(pipe_fd[i], F_GETFL) | O_NONBLOCK);
		fcntl(pipe_fd[i], F_SETFD, FD_CLOEXEC);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* SA_RESTART: a write to standard output is not cut by the signal;
	 * SA_RESETHAND: a second one ends the program at once. */
	sa.sa_flags = SA_RESTART | SA_RESETHAND;
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction old;
		/* A signal ignored by whoever started us (nohup) stays ignored. */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

int
interrupt_signal(void)
{
	return caught;
}

int
interrupt_fd(void)
{
	return pipe_fd[0];
}

void
interrupt_finish(void)
{
	struct sigaction sa;
	sigset_t set;
	int sig = caught;

	if (!sig)
		return;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
}
