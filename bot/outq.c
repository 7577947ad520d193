/*
 * outq.c -- the IRC send queue and its token bucket; see outq.h.
 *
 * Urgent lines wait in a list of their own; the rest in sendq's lanes.
 * The bucket is refilled from the time the caller passes in, so the
 * tests drive it with made-up clocks.
 */
#include <stdlib.h>

#include "buf.h"
#include "outq.h"
#include "sendq.h"

struct qline {
	char		*s;
	struct qline	*next;
};

struct outq {
	struct qline	*uhead, *utail;		/* urgent */
	int		 nurgent;
	struct sendq	*fair;			/* the rest, lane by lane */
	int		 burst;
	int		 interval_ms;
	double		 tokens;
	long long	 refill_at;	/* ms of the last refill */
};

struct outq *
outq_new(int burst, int interval_ms, long long now_ms)
{
	struct outq *q = xcalloc(1, sizeof(*q));

	q->burst = burst;
	q->interval_ms = interval_ms;
	q->tokens = burst;
	q->refill_at = now_ms;
	q->fair = sendq_new(OUTQ_LANE_MAX, OUTQ_MAX);
	return q;
}

void
outq_free(struct outq *q)
{
	struct qline *l, *next;

	if (q == NULL)
		return;
	for (l = q->uhead; l; l = next) {
		next = l->next;
		free(l->s);
		free(l);
	}
	sendq_free(q->fair);
	free(q);
}

static void
refill(struct outq *q, long long now)
{
	if (q->interval_ms <= 0) {
		q->tokens = q->burst;
		q->refill_at = now;
		return;
	}
	if (now <= q->refill_at)
		return;		/* a clock going back earns nothing */
	q->tokens += (double)(now - q->refill_at) / q->interval_ms;
	if (q->tokens > q->burst)
		q->tokens = q->burst;
	q->refill_at = now;
}

int
outq_push(struct outq *q, char *line, int urgent, const char *who,
    int is_free)
{
	struct qline *l;

	if (!urgent)
		return sendq_push(q->fair, who, line, is_free) != 0;
	l = xcalloc(1, sizeof(*l));
	l->s = line;
	if (q->utail)
		q->utail->next = l;
	else
		q->uhead = l;
	q->utail = l;
	q->nurgent++;
	/* urgent lines are few (PONG, QUIT, CAP): one token's debt */
	q->tokens += 1.0;
	return 0;
}

char *
outq_pop(struct outq *q, long long now_ms)
{
	struct qline *l;
	char *s;

	refill(q, now_ms);
	if (outq_len(q) == 0 || (q->tokens < 1.0 && q->interval_ms > 0))
		return NULL;
	q->tokens -= 1.0;
	if ((l = q->uhead) != NULL) {
		if ((q->uhead = l->next) == NULL)
			q->utail = NULL;
		q->nurgent--;
		s = l->s;
		free(l);
		return s;
	}
	return sendq_pop(q->fair);
}

long
outq_wait_ms(const struct outq *q)
{
	if (outq_len(q) == 0 || q->interval_ms <= 0 || q->tokens >= 1.0)
		return 0;
	return (long)((1.0 - q->tokens) * q->interval_ms) + 1;
}

int
outq_len(const struct outq *q)
{
	return q->nurgent + sendq_len(q->fair);
}

int
outq_lane_len(const struct outq *q, const char *who)
{
	return sendq_lane_len(q->fair, who);
}

int
outq_turns(const struct outq *q, const char *who)
{
	return q->nurgent + (sendq_lane_len(q->fair, who) + 1) *
	    (sendq_lanes(q->fair) + 1);
}
