/*
 * router.c -- from a chat message to an answer, and each conversation.
 *
 * A message is for the bot when it starts with the command prefix, when
 * it calls the bot by name ("techpay: ...", "techpay, ...", "techpay
 * ...", "hey techpay ...", "... techpay?", or "@techpay" anywhere; a
 * name only mentioned in passing does not count), or when it comes from
 * a private chat; the name is removed.  A prefixed line runs a command
 * from the table (owner commands only this way, and only for owners);
 * anything else is a natural question, parsed (question.h), completed
 * from the conversation ("and devops?", "how much do they make",
 * "source?") and answered (command.h).  Long answers are cut to one line
 * here and the rest kept for "more".
 *
 * A conversation is one network, channel or room and person (the
 * adapter's struct message.where: on IRC the account or user@host, never
 * the nick).  It keeps its pending "more" and what its last answer was
 * about, for ROUTER_MEMORY_SECS; the least recently used is forgotten
 * first, and nothing is shared between people.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "question.h"
#include "router.h"
#include "text.h"

struct convo {
	char		*where;		/* NULL: a free slot */
	char		*more;		/* the rest of the last answer */
	unsigned long	 used;		/* LRU stamp */
	time_t		 at;		/* when it last spoke */
	int		 has_said;
	struct said	 said;
};

struct router {
	const struct kb		*kb;
	struct index		*ix;
	char			 prefix[ROUTER_PREFIX_MAX + 1];
	char			*nick;
	/* made as conversations start: most bots hear a few people, and
	 * each slot is most of a kilobyte */
	struct convo		*convos[ROUTER_CONVOS];
	int			 nconvos;
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
convos_clear(struct router *r)
{
	int i;

	for (i = 0; i < r->nconvos; i++) {
		free(r->convos[i]->where);
		free(r->convos[i]->more);
		free(r->convos[i]);
		r->convos[i] = NULL;
	}
	r->nconvos = 0;
}

void
router_free(struct router *r)
{
	if (r == NULL)
		return;
	convos_clear(r);
	free(r->nick);
	free(r);
}

void
router_set_knowledge(struct router *r, const struct kb *kb, struct index *ix)
{
	r->kb = kb;
	r->ix = ix;
	convos_clear(r);	/* they point into the old knowledge */
}

void
router_set_highlights(struct router *r, struct highlights *hl)
{
	r->hl = hl;
}

/* The conversation at where; a new one when create (in a new slot, or
 * once all are made in the least recently used). */
static struct convo *
convo_find(struct router *r, const char *where, int create)
{
	struct convo *s, *lru = NULL;
	int i;

	for (i = 0; i < r->nconvos; i++) {
		s = r->convos[i];
		if (strcmp(s->where, where) == 0)
			return s;
		if (lru == NULL || s->used < lru->used)
			lru = s;
	}
	if (!create)
		return NULL;
	if (r->nconvos < ROUTER_CONVOS)
		s = r->convos[r->nconvos++] = xcalloc(1, sizeof(*s));
	else {
		s = lru;
		free(s->where);
		free(s->more);
		memset(s, 0, sizeof(*s));
	}
	s->where = xstrdup(where);
	return s;
}

/* ---- addressing ----------------------------------------------------- */

static int
name_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-' || c >= 0x80;
}

/* name as a word in s at or after from ("techpay:", "@techpay",
 * "techpay,"), or NULL. */
static char *
find_name(char *s, char *from, const char *name)
{
	size_t n = strlen(name);
	char *p;

	if (n == 0)
		return NULL;
	for (p = from; (p = strcasestr(p, name)) != NULL; p++)
		if ((p == s || !name_char((unsigned char)p[-1])) &&
		    !name_char((unsigned char)p[n]))
			return p;
	return NULL;
}

/* Only a greeting stands before s[upto]: "hey techpay, ...". */
static int
greeting_only_before(const char *s, size_t upto)
{
	static const char *const hi[] = { "hey", "hi", "hello", "yo", "ok",
	    "okay", "so", "@", NULL };
	int i;

	while (upto > 0 && strchr(" ,@", s[upto - 1]))
		upto--;
	for (i = 0; hi[i]; i++)
		if (strlen(hi[i]) == upto && strncasecmp(s, hi[i], upto) == 0)
			return 1;
	return upto == 0;
}

/* "@techpay" as a word of its own (not "me@techpay.org"), or a name that
 * is itself one (a Matrix user id). */
static int
at_mention(const char *s, const char *p, const char *name)
{
	if (name[0] == '@')
		return 1;
	return p > s && p[-1] == '@' &&
	    (p - 1 == s || !name_char((unsigned char)p[-2]));
}

/* Nothing but spaces and punctuation from p on: "..., techpay?", ":)". */
static int
only_punct(const char *p)
{
	for (; *p; p++)
		if (*p != ' ' && !ispunct((unsigned char)*p))
			return 0;
	return 1;
}

/* How the name at p in s calls the bot: 2 first (after a greeting: "hey
 * techpay, ..."), 1 last ("..., techpay?") or as an @mention anywhere,
 * 0 in passing ("I asked techpay yesterday", "techpay's answer"). */
static int
calls(const char *s, const char *p, const char *name)
{
	const char *e = p + strlen(name);

	/* a possessive or a contraction talks about the bot */
	if ((e[0] == '\'' && isalpha((unsigned char)e[1])) ||
	    (strncmp(e, "\xe2\x80\x99", 3) == 0 &&
	    isalpha((unsigned char)e[3])))
		return 0;
	if (greeting_only_before(s, (size_t)(p - s)))
		return 2;
	return at_mention(s, p, name) || only_punct(e);
}

/*
 * Whether body calls the bot by one of its names (see calls(); 0 also
 * when no name is there).  The name that calls it is removed, else the
 * first one found: the question is the rest.
 */
static int
addressed(char *body, const char *nick, const char *const *names)
{
	const char *const *nm = names;
	const char *name, *passing = NULL;
	char *p, *from, *to, *first = NULL;
	int how = 0;

	for (;;) {
		name = nm && *nm ? *nm++ : nick;
		for (p = body; (p = find_name(body, p, name)) != NULL; p++) {
			if ((how = calls(body, p, name)) > 0)
				break;
			if (first == NULL) {
				first = p;
				passing = name;
			}
		}
		if (how > 0 || name == nick)
			break;
	}
	if (how == 0) {
		if (first == NULL)
			return 0;
		p = first;
		name = passing;
	}
	from = p > body && p[-1] == '@' ? p - 1 : p;
	to = p + strlen(name);
	while (*to == ':' || *to == ',' || *to == '>')
		to++;
	memmove(from, to, strlen(to) + 1);
	return how;
}

/* ---- the conversation ---------------------------------------------- */

static int
wants_role(enum intent_kind k)
{
	return k == I_SALARY || k == I_SKILLS || k == I_ROLE || k == I_NEEDS;
}

/* Fills what the question leaves to the conversation. */
static void
recall(struct intent *q, const struct said *last)
{
	struct entities *e = &q->e;
	int named = e->nroles + e->nunknown, i;

	if (last == NULL)
		return;
	/* "and devops?": a name alone asks what was asked before */
	if (!q->cued && named == 1 && wants_role(last->kind))
		q->kind = last->kind;
	/* "in euros?", "and for a senior?": the last pay question again */
	if (q->kind == I_NONE && e->mods && named == 0 && last->nroles)
		q->kind = I_SALARY;
	if (wants_role(q->kind) && named == 0)
		for (i = 0; i < last->nroles && e->nroles < Q_ROLES_MAX; i++)
			e->roles[e->nroles++] = last->roles[i];
	if (q->kind == I_COMPARE && named == 1 && e->nroles == 1 &&
	    last->nroles >= 1 && last->roles[0] != e->roles[0]) {
		/* "is that more than a data scientist" */
		e->roles[1] = e->roles[0];
		e->roles[0] = last->roles[0];
		e->nroles = 2;
	} else if (q->kind == I_COMPARE && named == 0)
		for (i = 0; i < last->nroles && i < 2; i++)
			e->roles[e->nroles++] = last->roles[i];
	if (q->kind == I_MATCH && e->nskills == 0)
		for (i = 0; i < last->nskills; i++)
			e->skills[e->nskills++] = last->skills[i];
	if (q->kind == I_PASSAGE && e->refers && named == 0 && last->nroles)
		e->roles[e->nroles++] = last->roles[0];
}

/* What a question becomes when the entities it needs are missing. */
static void
fall_back(struct intent *q)
{
	struct entities *e = &q->e;
	int named = e->nroles + e->nunknown;

	switch (q->kind) {
	case I_SALARY:
		if (named == 0)
			q->kind = e->category >= 0 ? I_TOP : I_RANGE;
		break;
	case I_SKILLS:
		if (named == 0)
			q->kind = I_KEYSKILLS;
		break;
	case I_ROLE:
		if (named == 0)
			q->kind = I_ROLES;
		break;
	case I_NEEDS:
		if (e->nroles == 0)
			q->kind = e->nskills ? I_WHONEEDS : I_NONE;
		else if (e->nskills == 0)
			q->kind = I_SKILLS;
		break;
	case I_COMPARE:
		if (named == 0)
			q->kind = I_TOP;
		break;
	case I_ABOVE:
	case I_BELOW:
		if (e->amount <= 0) {
			q->lowest = q->kind == I_BELOW;
			q->kind = I_TOP;
		}
		break;
	default:
		break;
	}
}

/* ---- one message ------------------------------------------------- */

static int
bare_command(struct router *r, const struct command *cmd, const char *args)
{
	struct role_hit hit;

	while (*args == ' ')
		args++;
	if (strcmp(cmd->usage, "ROLE") != 0)
		return *args == '\0' || cmd->usage[0] != '\0';
	index_find_role(r->ix, args, &hit);
	return hit.role != NULL;
}

/* "more", "More!", "more please": the word alone, as people type it. */
static int
bare_more(const char *body)
{
	size_t n;

	while (*body == ' ')
		body++;
	if (strncasecmp(body, "more", 4) != 0)
		return 0;
	body += 4;
	if (strncasecmp(body, " please", 7) == 0)
		body += 7;
	n = strspn(body, " .!?");
	return body[n] == '\0';
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
	struct convo *cv;
	struct intent q;
	char *clean, *body, *args;
	size_t plen = strlen(r->prefix), n;
	int how, answered = 0;

	answer_reset(a);
	n = m->len > ROUTER_INPUT_MAX ? ROUTER_INPUT_MAX : m->len;
	n = utf8_cut(m->text, m->len, n);
	clean = text_clean(m->text, n);
	for (body = clean; *body == ' '; body++)
		;
	how = strncmp(body, r->prefix, plen) == 0 ? 0 :
	    addressed(body, r->nick, m->names);
	cv = m->where ? convo_find(r, m->where, 0) : NULL;
	if (how == 0 && !m->direct && strncmp(body, r->prefix, plen) != 0) {
		/* channel chatter is not for us, but a bare "more" from
		 * the person whose answer was cut is */
		if (cv == NULL || cv->more == NULL || !bare_more(body))
			goto out;
		cmd = command_find("more", 4);
		args = body + strlen(body);
		ctx.pending_more = cv->more;
		goto run;
	}
	while (*body == ' ')
		body++;

	if (cv && cv->has_said && now - cv->at > ROUTER_MEMORY_SECS)
		cv->has_said = 0;	/* forgotten */
	ctx.pending_more = cv ? cv->more : NULL;
	ctx.last = cv && cv->has_said ? &cv->said : NULL;

	/* after the name or in a private chat a command needs no prefix:
	 * "techpay: salary sre" (when what follows is a role for a role's
	 * command: "skills for devops" is a question) */
	n = strcspn(body, " ");
	if ((m->direct || how == 2) && (cmd = command_find(body, n)) != NULL &&
	    !(cmd->flags & CMD_OWNER) && bare_command(r, cmd, body + n)) {
		args = body + n;
		goto run;
	}
	cmd = NULL;
	if (strncmp(body, r->prefix, plen) == 0) {
		body += plen;
		n = strcspn(body, " ");
		if ((cmd = command_find(body, n)) == NULL) {
			/* an unknown !word may be another bot's: stay quiet
			 * in channels, explain in private */
			if (!m->direct)
				goto out;
			cmd = command_find("help", 4);
			args = body;
		} else
			args = body + n;
run:
		while (*args == ' ')
			args++;
		/* trailing spaces and question marks are not part of a name */
		n = strlen(args);
		while (n > 0 && (args[n - 1] == ' ' || args[n - 1] == '?'))
			args[--n] = '\0';
		if ((cmd->flags & CMD_OWNER) && !m->owner)
			fmt_text(a, "Sorry, only the bot's owners can do that.");
		else
			cmd->handler(&ctx, args, a);
	} else {
		question_parse(r->ix, body, strlen(body), &q);
		recall(&q, ctx.last);
		fall_back(&q);
		if (q.kind == I_NONE && how == 1 && !m->direct) {
			/* named at the end, nothing asked: "lol techpay" */
			question_free(&q);
			goto out;
		}
		if (q.kind == I_NONE && q.npwords == 0 && how == 2 &&
		    q.nwords == 0)
			q.kind = I_HELLO;	/* just the name */
		command_answer(&ctx, &q, a);
		question_free(&q);
	}
	fmt_finish(a, m->max_bytes ? m->max_bytes : ANSWER_LINE_MAX);
	if (m->where) {
		if (cv == NULL)
			cv = convo_find(r, m->where, 1);
		free(cv->more);
		cv->more = a->more.len ? xstrdup(buf_str(&a->more)) : NULL;
		cv->used = ++r->clock;
		/* an answer about something replaces the memory; "more",
		 * help and small talk leave it as it was */
		if (ctx.said.nroles || ctx.said.nskills ||
		    ctx.said.cite_source) {
			cv->said = ctx.said;
			cv->has_said = 1;
			cv->at = now;
		}
	}
	answered = 1;
out:
	free(clean);
	return answered;
}
