/*
 * loop.c -- poll(2) event loop with timers that may repeat.
 *
 * Small by design: a fixed table of descriptors and a linked list of
 * timers (a bot has a handful of each).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include "buf.h"
#include "loop.h"

struct fd_ev {
	int		 fd;
	int		 events;
	loop_fd_cb	*cb;
	void		*ctx;
};

struct timer {
	long		 id;
	long long	 when;
	loop_timer_cb	*cb;
	void		*ctx;
	struct timer	*next;
};

struct loop {
	struct fd_ev	 fds[LOOP_FDS_MAX];
	int		 nfds;
	struct timer	*timers;	/* sorted by deadline */
	struct timer	*firing;	/* out of the list while it runs */
	int		 firing_deleted;	/* loop_del_timer while it ran */
	long		 next_id;
	int		 stop;
	volatile sig_atomic_t *flag;
	struct {
		loop_prepare_cb	*cb;
		void		*ctx;
	}		 prep[LOOP_PREPARE_MAX];
	int		 nprep;
};

int
loop_add_prepare(struct loop *l, loop_prepare_cb *cb, void *ctx)
{
	if (l->nprep == LOOP_PREPARE_MAX)
		return -1;
	l->prep[l->nprep].cb = cb;
	l->prep[l->nprep++].ctx = ctx;
	return 0;
}

void
loop_del_prepare(struct loop *l, loop_prepare_cb *cb, void *ctx)
{
	int i;

	for (i = 0; i < l->nprep; i++)
		if (l->prep[i].cb == cb && l->prep[i].ctx == ctx) {
			l->prep[i] = l->prep[--l->nprep];
			return;
		}
}

long long
loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct loop *
loop_new(void)
{
	return xcalloc(1, sizeof(struct loop));
}

void
loop_free(struct loop *l)
{
	struct timer *t, *n;

	if (l == NULL)
		return;
	for (t = l->timers; t; t = n) {
		n = t->next;
		free(t);
	}
	free(l);
}

int
loop_add_fd(struct loop *l, int fd, int events, loop_fd_cb *cb, void *ctx)
{
	int i;

	for (i = 0; i < l->nfds; i++)
		if (l->fds[i].fd == fd)
			break;
	if (i == l->nfds) {
		if (l->nfds == LOOP_FDS_MAX)
			return -1;
		l->nfds++;
	}
	l->fds[i] = (struct fd_ev){ fd, events, cb, ctx };
	return 0;
}

void
loop_del_fd(struct loop *l, int fd)
{
	int i;

	for (i = 0; i < l->nfds; i++)
		if (l->fds[i].fd == fd) {
			l->fds[i] = l->fds[--l->nfds];
			return;
		}
}

/* A delay as a deadline: a huge ms would overflow into the past. */
static long long
deadline(long ms)
{
	return loop_now_ms() + (ms < 0 ? 0 : ms > LOOP_TIMER_MAX_MS ?
	    LOOP_TIMER_MAX_MS : ms);
}

/* Into the list, after the timers due at the same time (first come,
 * first run). */
static void
insert(struct loop *l, struct timer *t)
{
	struct timer **pp;

	for (pp = &l->timers; *pp && (*pp)->when <= t->when; pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
}

long
loop_add_timer(struct loop *l, long ms, loop_timer_cb *cb, void *ctx)
{
	struct timer *t = xcalloc(1, sizeof(*t));

	t->id = ++l->next_id;
	t->when = deadline(ms);
	t->cb = cb;
	t->ctx = ctx;
	insert(l, t);
	return t->id;
}

void
loop_del_timer(struct loop *l, long id)
{
	struct timer **pp, *t;

	if (l->firing && l->firing->id == id) {
		l->firing_deleted = 1;	/* freed when its callback returns */
		return;
	}
	for (pp = &l->timers; (t = *pp) != NULL; pp = &t->next)
		if (t->id == id) {
			*pp = t->next;
			free(t);
			return;
		}
}

/*
 * Runs the timers that are due.  A callback's answer re-arms its timer;
 * a repeat waits at least 1 ms, so that a timer returning 0 cannot keep
 * the loop from its descriptors.
 */
static void
run_timers(struct loop *l)
{
	struct timer *t;
	long next;

	while (l->timers && l->timers->when <= loop_now_ms() && !l->stop) {
		t = l->timers;
		l->timers = t->next;
		l->firing = t;
		l->firing_deleted = 0;
		next = t->cb(l, t->ctx);
		l->firing = NULL;
		if (next == LOOP_NOMORE || l->firing_deleted) {
			free(t);
			continue;
		}
		t->when = deadline(next > 0 ? next : 1);
		insert(l, t);
	}
}

void
loop_watch_flag(struct loop *l, volatile sig_atomic_t *flag)
{
	l->flag = flag;
}

void
loop_stop(struct loop *l)
{
	l->stop = 1;
}

/*
 * A callback earlier in the same round may have removed this descriptor
 * and freed its context (a link closing both of its sockets): call only
 * what is still registered, with the same handler.
 */
static int
still_registered(const struct loop *l, const struct fd_ev *e)
{
	int i;

	for (i = 0; i < l->nfds; i++)
		if (l->fds[i].fd == e->fd)
			return l->fds[i].cb == e->cb && l->fds[i].ctx == e->ctx;
	return 0;
}

void
loop_run(struct loop *l)
{
	struct pollfd pfd[LOOP_FDS_MAX];
	struct fd_ev ready[LOOP_FDS_MAX];
	int i, n, timeout, nready;

	l->stop = 0;
	while (!l->stop && !(l->flag && *l->flag) &&
	    (l->nfds > 0 || l->timers)) {
		for (i = 0; i < l->nprep; i++)
			l->prep[i].cb(l, l->prep[i].ctx);
		timeout = -1;
		if (l->timers) {
			long long d = l->timers->when - loop_now_ms();

			timeout = d < 0 ? 0 : d > 60000 ? 60000 : (int)d;
		}
		for (i = 0; i < l->nfds; i++) {
			pfd[i].fd = l->fds[i].fd;
			pfd[i].events = (short)(
			    (l->fds[i].events & LOOP_READ ? POLLIN : 0) |
			    (l->fds[i].events & LOOP_WRITE ? POLLOUT : 0));
			pfd[i].revents = 0;
		}
		n = poll(pfd, (nfds_t)l->nfds, timeout);
		if (n == -1 && errno != EINTR)
			break;
		/* copy first: callbacks may add or remove descriptors */
		for (nready = 0, i = 0; n > 0 && i < l->nfds; i++) {
			if (pfd[i].revents == 0)
				continue;
			ready[nready] = l->fds[i];
			ready[nready].events =
			    (pfd[i].revents & (POLLIN | POLLHUP | POLLERR) ?
			    LOOP_READ : 0) |
			    (pfd[i].revents & POLLOUT ? LOOP_WRITE : 0);
			nready++;
		}
		for (i = 0; i < nready && !l->stop; i++)
			if (still_registered(l, &ready[i]))
				ready[i].cb(l, ready[i].fd, ready[i].events,
				    ready[i].ctx);
		run_timers(l);
	}
}
