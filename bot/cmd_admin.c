/*
 * cmd_admin.c -- the handlers of the commands that change something: the
 * daily highlight's settings ("!highlight on|off|time"), and the owners'
 * reload, join, part and ignore.
 *
 * The daily highlight is reached through the handle the core gave the
 * router (c->daily, answer.h), never the scheduler itself: this file, and
 * every answer, links without highlight.c, its store, loop or clock.
 * Owner commands only answer and set a->action; the table has refused
 * everyone else (cmd.c), and the adapter or the core carries the action
 * out (it knows how to join a channel or a room).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "message.h"
#include "phrase.h"

/* Local calendar day number, the basis of the role of the day. */
static long
local_day(time_t now)
{
	struct tm tm;

	localtime_r(&now, &tm);
	return (long)(tm.tm_year + 1900) * 366 + tm.tm_yday;
}

static const char *
clock_text(int secs, char *buf, size_t n)
{
	if (secs % 60)
		snprintf(buf, n, "%02d:%02d:%02d", secs / 3600,
		    secs / 60 % 60, secs % 60);
	else
		snprintf(buf, n, "%02d:%02d", secs / 3600, secs / 60 % 60);
	return buf;
}

/* Today's role here: the scheduler's, or without one the day number's. */
static void
highlight_today(struct cmd_ctx *c, struct answer *a)
{
	const struct message *m = c->msg;
	const struct kb_role *r = NULL;

	if (c->daily)
		r = c->daily->ops->today(c->daily->ctx, m ? m->network : NULL,
		    m ? m->target : NULL, c->now);
	if (r == NULL)	/* no state store: the day number decides */
		r = &c->kb->roles[(size_t)local_day(c->now) %
		    (size_t)c->kb->nroles];
	hl_format(c->kb, r, a);
}

/* This channel's settings after a change, and when it posts next. */
static void
highlight_status(struct cmd_ctx *c, struct answer *a)
{
	const struct message *m = c->msg;
	struct daily_status st;
	char hhmm[16];

	memset(&st, 0, sizeof(st));
	c->daily->ops->status(c->daily->ctx, m->network, m->target, c->now,
	    &st);
	if (!st.on) {
		fmt_text(a, "Daily highlight here: off.");
		return;
	}
	fmt_printf(a, "Daily highlight here: on, at %s %s.",
	    clock_text(st.secs, hhmm, sizeof(hhmm)), st.zone);
	if (!st.has_next)
		return;
	if (st.due)
		fmt_text(a, " The first post goes out now.");
	else if (st.next_today)
		fmt_printf(a, " Next post: today at %s.",
		    clock_text(st.next.secs, hhmm, sizeof(hhmm)));
	else
		fmt_printf(a, " Next post: %04d-%02d-%02d at %s.",
		    st.next.year, st.next.month, st.next.day,
		    clock_text(st.next.secs, hhmm, sizeof(hhmm)));
}

/*
 * "highlight": today's role here.  "highlight on|off", "highlight time
 * HH:MM [Zone]": owners and channel operators change this channel's daily
 * post; everyone else is told who can.
 */
void
cmd_highlight(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	const struct message *m = c->msg;
	char word[16], hhmm[16], tzarg[TZ_NAME_MAX + 1];
	int n, rc;

	word[0] = '\0';
	if (sscanf(arg, "%15s", word) != 1 || (strcasecmp(word, "on") &&
	    strcasecmp(word, "off") && strcasecmp(word, "time"))) {
		highlight_today(c, a);
		return;
	}
	if (c->daily == NULL || m == NULL || m->network == NULL ||
	    m->target == NULL) {
		fmt_text(a, "Daily highlights are set per channel: say this "
		    "in the channel or room that should get them.");
		return;
	}
	if (!m->privileged) {
		fmt_text(a, "Sorry, only channel operators and the bot's "
		    "owners can change the daily highlight here.");
		return;
	}
	if (strcasecmp(word, "time") == 0) {
		if ((n = sscanf(arg, "%*s %15s %64s", hhmm, tzarg)) < 1)
			rc = DAILY_BAD_TIME;
		else
			rc = c->daily->ops->set_time(c->daily->ctx, m->network,
			    m->target, hhmm, n == 2 ? tzarg : NULL);
	} else
		rc = c->daily->ops->turn(c->daily->ctx, m->network, m->target,
		    strcasecmp(word, "on") == 0);
	if (rc == DAILY_BAD_TIME)
		command_usage(c, a);
	else if (rc == DAILY_BAD_ZONE) {
		fmt_text(a, "I don't know the time zone ");
		fmt_echo(a, tzarg);
		fmt_text(a, "; use an IANA name such as Europe/Berlin.");
	} else if (rc != 0)
		fmt_text(a, "Sorry, I can't keep any more highlight settings.");
	else
		highlight_status(c, a);
}

static void
set_action(struct answer *a, enum action what, const char *arg)
{
	a->action = what;
	snprintf(a->action_arg, sizeof(a->action_arg), "%s", arg);
}

void
cmd_reload(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	(void)c;
	(void)arg;
	set_action(a, ACT_RELOAD, "");
	fmt_text(a, "Reloading the config and the knowledge.");
}

/*
 * One channel or room, or 0 after saying why not: IRC takes a list
 * ("#a,#b"), and "0" in it leaves every channel, so an owner's
 * "!join #x,0" (or a command slipped in as an owner's) must not reach a
 * JOIN.  No channel or room name holds a comma.
 */
static int
one_place(struct answer *a, const char *where)
{
	if (strchr(where, ',') == NULL && strcmp(where, "0") != 0)
		return 1;
	fmt_text(a, "Not that: one channel or room at a time, by its name.");
	return 0;
}

void
cmd_join(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	char where[200];

	if (sscanf(arg, "%199s", where) != 1) {
		command_usage(c, a);
		return;
	}
	if (!one_place(a, where))
		return;
	set_action(a, ACT_JOIN, where);
	fmt_text(a, "Joining ");
	fmt_echo(a, where);
	fmt_text(a, ".");
}

/* The channel or room named, else the one it was said in. */
void
cmd_part(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	char where[200];
	const char *t = c->msg ? c->msg->target : NULL;

	if (sscanf(arg, "%199s", where) != 1) {
		if (t == NULL) {
			command_usage(c, a);
			return;
		}
		snprintf(where, sizeof(where), "%s", t);
	}
	if (!one_place(a, where))
		return;
	set_action(a, ACT_PART, where);
	fmt_text(a, "Leaving ");
	fmt_echo(a, where);
	fmt_text(a, ".");
}

void
cmd_ignore(struct cmd_ctx *c, const char *arg, struct answer *a)
{
	char who[200];

	if (sscanf(arg, "%199s", who) != 1) {
		command_usage(c, a);
		return;
	}
	set_action(a, ACT_IGNORE, who);
	fmt_text(a, "Ignoring ");
	fmt_echo(a, who);
	fmt_text(a, " until the next restart.");
}
