/*
 * router.c -- from a chat message to a command, and its answer.
 *
 * A message is for the bot when it starts with the command prefix, when
 * it starts with the bot's nick ("techpay: ...", "techpay, ..." and, in a
 * private chat, "techpay ..."), or when it comes from a private chat.
 * Commands run from the table in commands.c; anything else addressed to
 * the bot is a natural question for question.c.  Long answers are cut to
 * one line here and the rest kept per conversation for "more".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "router.h"
#include "text.h"

struct more_slot {
	char	*where;
	char	*text;
	unsigned long used;	/* LRU stamp */
};

struct router {
	const struct kb		*kb;
	struct index		*ix;
	char			 prefix[ROUTER_PREFIX_MAX + 1];
	char			*nick;
	struct more_slot	 more[ROUTER_MORE_SLOTS];
	unsigned long		 clock;
	struct highlights	*hl;
};

struct router *
router_new(const struct kb *kb, struct index *ix,
    const struct router_opts *o)
{
	struct router *r = xcalloc(1, sizeof(*r));
	const char *prefix = o && o->prefix && *o->prefix ? o->prefix : "!";

	r->kb = kb;
	r->ix = ix;
	snprintf(r->prefix, sizeof(r->prefix), "%s", prefix);
	r->nick = xstrdup(o && o->nick && *o->nick ? o->nick : "techpay");
	return r;
}

static void
more_clear(struct router *r)
{
	int i;

	for (i = 0; i < ROUTER_MORE_SLOTS; i++) {
		free(r->more[i].where);
		free(r->more[i].text);
		r->more[i].where = r->more[i].text = NULL;
	}
}

void
router_free(struct router *r)
{
	if (r == NULL)
		return;
	more_clear(r);
	free(r->nick);
	free(r);
}

void
router_set_knowledge(struct router *r, const struct kb *kb, struct index *ix)
{
	r->kb = kb;
	r->ix = ix;
	more_clear(r);
}

static struct more_slot *
more_find(struct router *r, const char *where, int create)
{
	struct more_slot *s, *lru = &r->more[0];
	int i;

	for (i = 0; i < ROUTER_MORE_SLOTS; i++) {
		s = &r->more[i];
		if (s->where && strcmp(s->where, where) == 0)
			return s;
		if (s->where == NULL || s->used < lru->used)
			lru = s;
	}
	if (!create)
		return NULL;
	free(lru->where);
	free(lru->text);
	lru->where = xstrdup(where);
	lru->text = NULL;
	return lru;
}

/*
 * If text starts with the nick followed by ':' or ',' (or a space when
 * loose), returns the rest; NULL otherwise.
 */
static const char *
strip_nick(const char *text, const char *nick, int loose)
{
	size_t n = strlen(nick);
	const char *p;

	if (strncasecmp(text, nick, n) != 0)
		return NULL;
	p = text + n;
	if (*p == ':' || *p == ',')
		p++;
	else if (!(loose && (*p == ' ' || *p == '\0')))
		return NULL;
	while (*p == ' ')
		p++;
	return p;
}

void
router_set_highlights(struct router *r, struct highlights *hl)
{
	r->hl = hl;
}

int
router_handle(struct router *r, const struct message *m, time_t now,
    struct answer *a)
{
	const struct command *cmd = NULL;
	struct cmd_ctx ctx = {
		.kb = r->kb, .ix = r->ix, .prefix = r->prefix, .nick = r->nick,
		.now = now, .msg = m, .hl = r->hl
	};
	struct more_slot *slot;
	struct buf line = {0};
	const char *body, *p, *args;
	char *clean;
	size_t plen = strlen(r->prefix), n;
	int answered = 0;

	answer_reset(a);
	n = m->len > ROUTER_INPUT_MAX ? ROUTER_INPUT_MAX : m->len;
	n = utf8_cut(m->text, m->len, n);
	clean = text_clean(m->text, n);
	for (body = clean; *body == ' '; body++)
		;
	if ((p = strip_nick(body, r->nick, m->direct)) != NULL)
		body = p;
	else if (!m->direct && strncmp(body, r->prefix, plen) != 0)
		goto out;		/* channel chatter: not for us */

	if (strncmp(body, r->prefix, plen) == 0) {
		body += plen;
		n = strcspn(body, " ");
		if ((cmd = command_find(body, n)) == NULL ||
		    (cmd->flags & CMD_HIDDEN)) {
			/* an unknown !word may be another bot's: stay quiet
			 * in channels, explain in private */
			if (!m->direct)
				goto out;
			cmd = command_find("help", 4);
			args = body;
		} else
			args = body + n;
	} else {
		question_route(body, &line);
		body = buf_str(&line);
		n = strcspn(body, " ");
		cmd = command_find(body, n);
		args = body + n;
	}
	while (*args == ' ')
		args++;
	/* trailing spaces and question marks are not part of a name */
	{
		char *t = xstrdup(args);
		size_t tl = strlen(t);

		while (tl > 0 && (t[tl - 1] == ' ' || t[tl - 1] == '?'))
			t[--tl] = '\0';
		slot = m->where ? more_find(r, m->where, 0) : NULL;
		ctx.pending_more = slot ? slot->text : NULL;
		if ((cmd->flags & CMD_OWNER) && !m->owner)
			fmt_text(a, "Sorry, only the bot's owners can do that.");
		else
			cmd->handler(&ctx, t, a);
		free(t);
	}
	fmt_finish(a, m->max_bytes ? m->max_bytes : ANSWER_LINE_MAX);
	if (m->where) {
		slot = more_find(r, m->where, a->more.len > 0);
		if (slot) {
			free(slot->text);
			slot->text = a->more.len ? xstrdup(buf_str(&a->more)) :
			    NULL;
			slot->used = ++r->clock;
		}
	}
	answered = 1;
out:
	buf_free(&line);
	free(clean);
	return answered;
}
