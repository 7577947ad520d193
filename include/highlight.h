/*
 * highlight.h -- the daily "role of the day" post, per channel or room.
 *
 * Each target (an IRC channel or a Matrix room) has a local time and an
 * IANA zone.  Once per local date the bot posts one role there: at the
 * time, or late after an outage within the catch-up window, and never
 * after local midnight.  What was posted where, on which local date, the
 * day's role and the rest of the rotation cycle are kept in the state
 * store, so no restart or clock change posts twice.  Roles rotate through
 * a shuffled cycle: every role once before any repeats, never the same
 * role two days running, and roles added to the knowledge join the next
 * cycle.
 *
 * The clock is a parameter: hl_tick() takes "now" and returns when it
 * wants to run again, so the tests drive days, DST changes and outages in
 * milliseconds.  hl_start() puts it on the loop with the real clock.
 */
#ifndef TECHPAY_HIGHLIGHT_H
#define TECHPAY_HIGHLIGHT_H

#include <time.h>

#include "fmt.h"
#include "kb.h"
#include "loop.h"
#include "state.h"
#include "tz.h"

#define HL_TARGETS_MAX		64
#define HL_KEY_MAX		256	/* "irc:libera:#techpay" */
#define HL_RETRY_S		5	/* not connected: look again */
#define HL_IDLE_S		60	/* look at least this often */

enum hl_action { HL_WAIT, HL_POST, HL_MISSED };

/*
 * The decision for one target at now, given the local date (YYYYMMDD) of
 * its last post (0: none): HL_POST for the local date *ymd, HL_MISSED
 * when that date's window has passed unposted, else HL_WAIT until *next.
 * -1 for an unknown zone.
 */
int	hl_decide(const char *zone, int secs, int catchup_s, int posted_ymd,
	    time_t now, time_t *next, int *ymd);

/* Sends a post; 0 when it went out (or was queued), -1 when the network
 * cannot take it now (not connected): the scheduler tries again.  id
 * ("KEY|YYYYMMDD") is the same for a retry of the same day's post. */
typedef int hl_post_fn(void *ctx, const char *network, const char *target,
    const char *id, const struct answer *);

/* The longest line a post to target can be (0: no limit). */
typedef size_t hl_line_max_fn(void *ctx, const char *network,
    const char *target);

struct highlights;

/* defaults: "HH:MM[:SS]" as seconds, a zone, the catch-up window */
struct highlights *hl_new(struct state *, const struct kb *, int secs,
		    const char *zone, int catchup_s);
void		 hl_free(struct highlights *);
void		 hl_set_knowledge(struct highlights *, const struct kb *);
/* Who posts, and how long a line the target takes (line_max may be
 * NULL: no limit); both get ctx. */
void		 hl_set_poster(struct highlights *h, hl_post_fn *post,
		    hl_line_max_fn *line_max, void *ctx);

/*
 * Adds a target from the config (network is "irc:NAME" or "matrix:NAME").
 * secs < 0 or zone NULL take the defaults.  A run-time change stored in
 * the state store wins over the config.  0, or -1 when full.
 */
int		 hl_add(struct highlights *, const char *network,
		    const char *target, int on, int secs, const char *zone);
/* A config section's highlight targets, all on (config.h's list). */
struct config_highlight;
void		 hl_add_all(struct highlights *, const char *network,
		    const struct config_highlight *, int n);
/* Loads the run-time changes kept in the state store (targets that were
 * switched on in a channel the config does not list). */
void		 hl_load(struct highlights *);

/* Run-time changes (persisted): on/off; a new time and zone. */
int		 hl_switch(struct highlights *, const char *network,
		    const char *target, int on);
int		 hl_set_time(struct highlights *, const char *network,
		    const char *target, int secs, const char *zone);
/* The target's settings; 0 if known, -1 if not (defaults filled). */
int		 hl_settings(struct highlights *, const char *network,
		    const char *target, int *on, int *secs, char *zone,
		    size_t zonelen);

/* When target's next post is due (now when it is due now); 0, or -1
 * when it is off or unknown. */
int		 hl_next(struct highlights *, const char *network,
		    const char *target, time_t now, time_t *when);

/* The role of target's local date at now (chosen and kept if new); the
 * default target when network is NULL. */
const struct kb_role *hl_today(struct highlights *, const char *network,
		    const char *target, time_t now);

/* Runs every due target at now; returns the instant to run again. */
time_t		 hl_tick(struct highlights *, time_t now);

/* On the loop with the real clock; hl_kick() runs it at once (a network
 * just connected). */
void		 hl_start(struct highlights *, struct loop *);
void		 hl_stop(struct highlights *);
void		 hl_kick(struct highlights *);

/* The scheduler as "!highlight" reaches it (answer.h's struct daily):
 * the core hands the router { &hl_daily_ops, h }. */
struct daily_ops;
extern const struct daily_ops hl_daily_ops;


#endif
