/*
 * loop.h -- the bot's one event loop: file descriptors and timers.
 *
 * A poll(2) loop in the manner of Redis' ae.c: callbacks with a void *
 * context, no threads.  Every adapter (terminal, IRC, Matrix) registers
 * its descriptors and timers here.  Signal handlers only set a flag that
 * the loop reads between polls (loop_watch_flag).
 */
#ifndef TECHPAY_LOOP_H
#define TECHPAY_LOOP_H

#include <signal.h>

#define LOOP_READ	1
#define LOOP_WRITE	2
#define LOOP_FDS_MAX	64

struct loop;

typedef void loop_fd_cb(struct loop *, int fd, int events, void *ctx);
/*
 * A timer's callback returns when it wants to run again, as Redis' ae
 * does: a delay in ms (0 to LOOP_TIMER_MAX_MS; the timer keeps its id),
 * or LOOP_NOMORE, after which the loop frees the timer.  A periodic job
 * is one timer that returns its period; a callback that deletes its own
 * timer (loop_del_timer, directly or by freeing its owner) is not run
 * again, whatever it returns.
 */
#define LOOP_NOMORE	(-1L)
typedef long loop_timer_cb(struct loop *, void *ctx);

struct loop	*loop_new(void);
void		 loop_free(struct loop *);
/* 0, or -1 when the table is full. Re-adding an fd updates it. */
int		 loop_add_fd(struct loop *l, int fd, int events, loop_fd_cb *cb,
		    void *ctx);
void		 loop_del_fd(struct loop *, int fd);
/* A longer delay is cut to this: deadlines are now + ms, and a huge ms
 * would overflow into the past and fire at once, in a loop. */
#define LOOP_TIMER_MAX_MS	(86400L * 1000)
/* A timer first run after ms milliseconds (0 to LOOP_TIMER_MAX_MS), then
 * as its callback says; returns its id (> 0, never reused). */
long		 loop_add_timer(struct loop *l, long ms, loop_timer_cb *cb,
		    void *ctx);
/* Deletes a timer; an id that has ended (LOOP_NOMORE) is ignored. */
void		 loop_del_timer(struct loop *, long id);
/* The loop stops when *flag becomes non-zero (set by a signal handler). */
void		 loop_watch_flag(struct loop *, volatile sig_atomic_t *flag);
/* Runs until loop_stop(), the flag, or nothing left to wait for. */
void		 loop_run(struct loop *);
void		 loop_stop(struct loop *);
/* Called before every poll (libircclient's descriptors change as it
 * goes).  At most LOOP_PREPARE_MAX hooks. */
#define LOOP_PREPARE_MAX 8
typedef void loop_prepare_cb(struct loop *, void *ctx);
int		 loop_add_prepare(struct loop *l, loop_prepare_cb *cb, void *ctx);
void		 loop_del_prepare(struct loop *l, loop_prepare_cb *cb, void *ctx);
/* Monotonic milliseconds. */
long long	 loop_now_ms(void);

#endif
