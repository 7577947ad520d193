/*
 * outq.h -- the IRC send queue: urgent lines first, then the fair lanes
 * (sendq.h), all released by a token bucket so that no burst of answers
 * gets the bot kicked for flooding.
 *
 * The bucket holds up to burst tokens and gains one every interval_ms;
 * a line costs one.  Urgent lines (PONG, QUIT, CAP, registration) are
 * few and must not wait behind answers: each brings its own token, so
 * it leaves at once and the debt is paid by the lines after it.  An
 * interval of 0 or less turns the bucket off.  The queue knows nothing
 * of sockets or clocks: the caller says what time it is (ms) and writes
 * what it pops.
 */
#ifndef TECHPAY_OUTQ_H
#define TECHPAY_OUTQ_H

#define OUTQ_LANE_MAX	32	/* lines one person may have waiting */
#define OUTQ_MAX	4096	/* lines waiting for the bucket, in all */

struct outq;

struct outq	*outq_new(int burst, int interval_ms, long long now_ms);
void		 outq_free(struct outq *);
/*
 * Queues line (taken over: the queue frees it).  urgent: ahead of all
 * the rest, never dropped.  Otherwise in who's lane (NULL or "": the
 * bot's own), is_free as in sendq_push.  0, or 1 when a line was
 * dropped to keep the bounds (sendq_push).
 */
int		 outq_push(struct outq *, char *line, int urgent,
		    const char *who, int is_free);
/* The next line the bucket lets go at now_ms (the caller frees it), or
 * NULL: none waits, or no token yet (outq_wait_ms says how long). */
char		*outq_pop(struct outq *, long long now_ms);
/* After a NULL pop with lines waiting: ms until a token is there. */
long		 outq_wait_ms(const struct outq *);
/* Lines waiting, in all and in who's lane. */
int		 outq_len(const struct outq *);
int		 outq_lane_len(const struct outq *, const char *who);
/* At most how many lines leave before one queued now for who: every
 * waiting lane gets a turn per line of who's own, urgent lines first. */
int		 outq_turns(const struct outq *, const char *who);

#endif
