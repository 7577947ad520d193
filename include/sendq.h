/*
 * sendq.h -- the fair part of the IRC send queue (under outq.c's token
 * bucket): one lane per person, served one line per lane in turn.
 *
 * A lane is made when a person first has a line waiting and goes when
 * its last line leaves, so there is no fixed number of people (the old
 * queue had 63 lanes, and from the 64th person on everyone shared the
 * bot's own, uncapped lane).  Every person's lane is capped; the bot's
 * own lane ("", for JOIN, NickServ, highlights) is not, but all lanes
 * together are: when the queue is full, a new line costs the largest
 * lane its newest line (or is itself dropped when its own lane is the
 * largest), so a flood never pushes out a quiet person's line.  The
 * lane served least so far goes next (ties in turn), so a newcomer's
 * line leaves ahead of the flooders' next ones; but a lane whose next
 * line is a free answer's (help, "more", a greeting: policy.h's own
 * budget) goes only when no lane's next line is a counted one's, so a
 * crowd's free lines never hold up a question.
 */
#ifndef TECHPAY_SENDQ_H
#define TECHPAY_SENDQ_H

struct sendq;

struct sendq	*sendq_new(int lane_max, int total_max);
void		 sendq_free(struct sendq *);
/*
 * Queues line (taken over: the queue frees it) in who's lane (NULL or
 * "": the bot's own); is_free marks a free answer's line, served after
 * other lanes' counted ones.  0 when it was queued and nothing else was
 * lost; 1 when a line was dropped to keep the bounds, the new one (its
 * lane full, or the largest) or the newest of the largest lane.
 */
int		 sendq_push(struct sendq *, const char *who, char *line,
		    int is_free);
/* The next line (the caller frees it), or NULL: from a lane whose next
 * line is counted if any, the one with the fewest lines sent since it
 * was made, ties in turn. */
char		*sendq_pop(struct sendq *);
/* Lines waiting, and lanes that have any. */
int		 sendq_len(const struct sendq *);
int		 sendq_lanes(const struct sendq *);
/* Lines waiting in who's lane. */
int		 sendq_lane_len(const struct sendq *, const char *who);

#endif
