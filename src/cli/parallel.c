/* scan -j: tasks classified by threads, written in input order (parallel.h). */
#define _GNU_SOURCE

#include "parallel.h"

#include <pthread.h>
#include <sched.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exit_status.h"
#include "scan_internal.h"

enum task_kind { TASK_LINES, TASK_MESSAGES, TASK_NOTE };
enum task_state { TASK_READY, TASK_RUNNING, TASK_DONE };

struct note {
	size_t at;   /* where among the task's output bytes it goes */
	char *text;
};

struct task {
	enum task_kind kind;
	enum task_state state;
	char *name, *message_name;
	long long reference;
	unsigned long first_line;
	unsigned long next_line; /* the number the next packed line must have */
	enum scan_mode mode;
	char *data;             /* packed lines (scan_internal.h), or a whole input of messages */
	size_t len, cap;
	char *out;              /* the records, as scan_print() wrote them */
	size_t out_len;
	struct note *notes;
	size_t n_notes, notes_cap;
	long records;
	int failed;             /* out of memory while classifying */
};

struct worker {
	struct pool *pool;
	pthread_t tid;
	struct scan_state *state;
	struct task *task;      /* being classified */
	FILE *out;              /* its output */
};

struct pool {
	const struct scan_options *opt;
	struct scan_printer *printer; /* standard output's */
	int threads, started;
	struct worker *workers;
	struct worker solo;     /* classifies in this thread when no thread could start */
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	struct task *ring;
	unsigned long slots, head, tail, taken; /* written < head <= taken <= tail: submitted */
	int quit;
	struct task fill;       /* lines being packed */
	char *name;             /* of the input being packed */
	long long reference;
	long records;
	int failed;
};

int
parallel_cores(void)
{
	long n;
#if defined(__linux__)
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
#endif
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)(n > 256 ? 256 : n) : 1;
}

static void
task_clear(struct task *t)
{
	size_t i;

	free(t->name);
	free(t->message_name);
	free(t->data);
	free(t->out);
	for (i = 0; i < t->n_notes; i++)
		free(t->notes[i].text);
	free(t->notes);
	memset(t, 0, sizeof *t);
}

/* A warning of the task being classified: kept with where it goes. */
static void
worker_note(void *ctx, const char *text)
{
	struct worker *w = ctx;
	struct task *t = w->task;
	char *copy = strdup(text);

	if (fflush(w->out) != 0 || !copy) {
		free(copy);
		t->failed = 1;
		return;
	}
	if (t->n_notes == t->notes_cap) {
		size_t cap = t->notes_cap ? 2 * t->notes_cap : 4;
		struct note *more = realloc(t->notes, cap * sizeof *more);
		if (!more) {
			free(copy);
			t->failed = 1;
			return;
		}
		t->notes = more;
		t->notes_cap = cap;
	}
	t->notes[t->n_notes].at = t->out_len;
	t->notes[t->n_notes++].text = copy;
}

static void
classify(struct worker *w, struct task *t)
{
	struct scan_printer printer;

	w->task = t;
	w->out = open_memstream(&t->out, &t->out_len);
	if (!w->out) {
		t->failed = 1;
		return;
	}
	printer.opt = w->pool->opt;
	printer.out = w->out;
	printer.seen = NULL; /* the writer keeps the addresses seen, in input order */
	if (t->kind == TASK_LINES)
		t->records = scan_task_lines(w->state, scan_print, &printer, t->name, t->reference, t->first_line, t->data,
		                             t->len);
	else
		t->records = scan_task_messages(w->state, scan_print, &printer, t->name, t->message_name, t->mode,
		                                t->data, t->len);
	if (ferror(w->out))
		t->failed = 1;
	if (fclose(w->out) != 0)
		t->failed = 1;
	free(t->data);
	t->data = NULL;
}

static void *
work(void *arg)
{
	struct worker *w = arg;
	struct pool *p = w->pool;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct task *t;
		while (!p->quit && p->taken == p->tail)
			pthread_cond_wait(&p->work, &p->lock);
		if (p->taken == p->tail)
			break;
		t = &p->ring[p->taken++ % p->slots];
		if (t->state != TASK_READY)
			continue; /* a note: nothing to classify */
		t->state = TASK_RUNNING;
		pthread_mutex_unlock(&p->lock);
		classify(w, t);
		pthread_mutex_lock(&p->lock);
		t->state = TASK_DONE;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void
stop_threads(struct pool *p)
{
	int i;

	pthread_mutex_lock(&p->lock);
	p->quit = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->lock);
	for (i = 0; i < p->started; i++)
		pthread_join(p->workers[i].tid, NULL);
	p->started = 0;
}

/* Starts the threads, with the signals of interrupt.h blocked in them: the
 * reading thread is the one that waits for input. */
static int
start_threads(struct pool *p)
{
	sigset_t block, old;
	int i;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (i = 0; i < p->threads; i++) {
		struct worker *w = &p->workers[i];
		w->pool = p;
		w->state = scan_state_new(p->opt, worker_note, w);
		if (!w->state || pthread_create(&w->tid, NULL, work, w) != 0) {
			scan_state_free(w->state);
			w->state = NULL;
			break;
		}
		p->started++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return p->started > 0 ? 0 : -1;
}

static void
write_range(struct pool *p, const char *s, size_t len)
{
	if (p->opt->format == SCAN_ADDRESSES) {
		if (scan_print_addresses(stdout, p->printer->seen, s, len) != 0) {
			fflush(stdout);
			fprintf(stderr, "smtpcode: out of memory for the addresses seen\n");
			stop_threads(p);
			exit(EXIT_IO);
		}
	} else if (len) {
		fwrite(s, 1, len, stdout);
	}
}

/* The task's records and warnings, as -j 1 writes them. */
static void
write_task(struct pool *p, struct task *t)
{
	size_t at = 0, i;

	for (i = 0; i < t->n_notes; i++) {
		write_range(p, t->out + at, t->notes[i].at - at);
		at = t->notes[i].at;
		fflush(stdout);
		fputs(t->notes[i].text, stderr);
	}
	if (t->out)
		write_range(p, t->out + at, t->out_len - at);
	p->records += t->records;
	if (t->failed) {
		fflush(stdout);
		fprintf(stderr, "smtpcode: out of memory: the records of part of '%s' are missing\n", t->name);
		p->failed = 1;
	}
	if (p->opt->line_buffered)
		fflush(stdout);
	if (ferror(stdout)) {
		stop_threads(p);
		exit_if_unwritable();
	}
	task_clear(t);
}

/* Writes the tasks done at the head, in order; waits for more while the
 * ring is full (room) or, with all, until every task is written. */
static void
advance(struct pool *p, int room, int all)
{
	pthread_mutex_lock(&p->lock);
	while (p->head != p->tail) {
		struct task *t = &p->ring[p->head % p->slots];
		if (t->state != TASK_DONE) {
			if (!(all || (room && p->tail - p->head >= p->slots)))
				break;
			pthread_cond_wait(&p->done, &p->lock);
			continue;
		}
		pthread_mutex_unlock(&p->lock);
		write_task(p, t);
		pthread_mutex_lock(&p->lock);
		p->head++;
		if (p->taken < p->head) /* a note written before a thread passed it */
			p->taken = p->head;
	}
	pthread_mutex_unlock(&p->lock);
}

static int
submit(struct pool *p, struct task *t)
{
	int here = 0;

	if (t->kind != TASK_NOTE && !p->started && (p->solo.state || start_threads(p) != 0)) {
		/* No thread: classified here, in order all the same. */
		if (!p->solo.state && !(p->solo.state = scan_state_new(p->opt, worker_note, &p->solo))) {
			task_clear(t);
			return -1;
		}
		p->solo.pool = p;
		classify(&p->solo, t);
		here = 1;
	}
	advance(p, 1, 0);
	pthread_mutex_lock(&p->lock);
	p->ring[p->tail % p->slots] = *t;
	p->ring[p->tail % p->slots].state = t->kind == TASK_NOTE || here ? TASK_DONE : TASK_READY;
	p->tail++;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->lock);
	memset(t, 0, sizeof *t);
	advance(p, 0, 0);
	return 0;
}

static int
submit_fill(struct pool *p)
{
	if (!p->fill.len)
		return 0;
	return submit(p, &p->fill);
}

int
pool_input(struct pool *p, const char *name, long long reference)
{
	if (submit_fill(p) != 0)
		return -1;
	free(p->name);
	p->name = strdup(name);
	p->reference = reference;
	return p->name ? 0 : -1;
}

int
pool_line(struct pool *p, const char *line, size_t len, unsigned long number, int truncated)
{
	struct task *t = &p->fill;
	uint32_t head = (uint32_t)len | (truncated ? PACKED_TRUNCATED : 0);

	/* A task's lines are numbered one after another: a reply of several
	 * lines, packed as one, starts the next task after it. */
	if (t->len && number != t->next_line && submit_fill(p) != 0)
		return -1;
	if (t->len + sizeof head + len > t->cap) {
		size_t cap = t->cap ? t->cap : POOL_TASK_BYTES + 2 * 65536;
		char *more;
		while (cap < t->len + sizeof head + len)
			cap *= 2;
		more = realloc(t->data, cap);
		if (!more)
			return -1;
		t->data = more;
		t->cap = cap;
	}
	if (!t->len) {
		t->kind = TASK_LINES;
		t->first_line = number;
		t->reference = p->reference;
		if (!(t->name = strdup(p->name)))
			return -1;
	}
	memcpy(t->data + t->len, &head, sizeof head);
	memcpy(t->data + t->len + sizeof head, line, len);
	t->len += sizeof head + len;
	t->next_line = number + 1;
	return t->len >= POOL_TASK_BYTES ? submit_fill(p) : 0;
}

int
pool_input_end(struct pool *p)
{
	return submit_fill(p);
}

int
pool_messages(struct pool *p, const char *name, const char *message_name, enum scan_mode mode, char *data, size_t len)
{
	struct task t;

	memset(&t, 0, sizeof t);
	t.kind = TASK_MESSAGES;
	t.mode = mode;
	t.data = data;
	t.len = len;
	t.name = strdup(name);
	t.message_name = message_name ? strdup(message_name) : NULL;
	if (submit_fill(p) != 0 || !t.name || (message_name && !t.message_name)) {
		task_clear(&t);
		return -1;
	}
	return submit(p, &t);
}

int
pool_note(struct pool *p, const char *text)
{
	struct task t;

	memset(&t, 0, sizeof t);
	t.kind = TASK_NOTE;
	if (submit_fill(p) != 0 || !(t.notes = malloc(sizeof *t.notes)) || !(t.name = strdup(""))) {
		task_clear(&t);
		fflush(stdout);
		fputs(text, stderr);
		return -1;
	}
	t.n_notes = t.notes_cap = 1;
	t.notes[0].at = 0;
	if (!(t.notes[0].text = strdup(text))) {
		t.n_notes = 0;
		task_clear(&t);
		fflush(stdout);
		fputs(text, stderr);
		return -1;
	}
	return submit(p, &t);
}

int
pool_drain(struct pool *p)
{
	int rc = submit_fill(p);

	advance(p, 0, 1);
	return rc;
}

int
scan_parallel(char **paths, int n, const struct scan_options *opt, struct scan_printer *printer, long *records)
{
	struct pool p;
	long mine = 0;
	int failed;

#if defined(__GLIBC__)
	/* Each task's lines (~300 KiB) and records (~1 MiB) are allocated and
	 * freed in turn; above glibc's mmap threshold each one was a fresh
	 * mapping, its pages faulted in again: 100000 page faults and a third
	 * more CPU on 100 MB. Kept on the heap, the same memory is used again. */
	mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
#endif
	memset(&p, 0, sizeof p);
	p.opt = opt;
	p.printer = printer;
	p.threads = opt->jobs;
	p.slots = (unsigned long)opt->jobs + 2;
	p.ring = calloc(p.slots, sizeof *p.ring);
	p.workers = calloc((size_t)p.threads, sizeof *p.workers);
	if (!p.ring || !p.workers || pthread_mutex_init(&p.lock, NULL) != 0) {
		free(p.ring);
		free(p.workers);
		return scan_inputs(paths, n, opt, scan_print, printer, records);
	}
	pthread_cond_init(&p.work, NULL);
	pthread_cond_init(&p.done, NULL);
	failed = scan_run(paths, n, opt, scan_print, printer, &p, &mine);
	if (pool_drain(&p) != 0)
		failed = 1;
	stop_threads(&p);
	for (n = 0; n < p.threads; n++)
		scan_state_free(p.workers[n].state);
	scan_state_free(p.solo.state);
	task_clear(&p.fill);
	free(p.name);
	free(p.ring);
	free(p.workers);
	pthread_cond_destroy(&p.work);
	pthread_cond_destroy(&p.done);
	pthread_mutex_destroy(&p.lock);
	*records = mine + p.records;
	return failed || p.failed;
}
