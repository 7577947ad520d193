/*
 * policy.c -- owners, ignores and the per-person limit; see policy.h.
 *
 * The limit's tables are fixed arrays searched linearly: they are looked
 * at once per answer, and 1024 short string compares cost less than the
 * answer itself.  One table counts (questions and free answers apart),
 * the other holds who is being ignored and until when: an ignore must
 * outlive any amount of new people (the counts forget the oldest), and
 * ignored people must not take the counts' places (a table full of
 * them once left every newcomer sharing one slot, and its silence).
 *
 * A count is an address's (or an account's), but the silence is the
 * one member's who went over (nick!user@host): a count slot keeps its
 * last few members, each with a count of its own, so that the one who
 * floods is told and ignored, and the others behind the same address
 * are not (the third review's N6: a neighbour who sent the victim's
 * ident got the victim ignored).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "policy.h"

enum { CLS_QUESTION, CLS_FREE, NCLS };

/* One of the people counted under an address: policy_member_key's,
 * hashed (a collision only merges two members' counts). */
struct member {
	uint64_t	 id;		/* 0 when free */
	long long	 seen;		/* ms of their last count */
	int		 n[NCLS];	/* in the window */
	int		 told;		/* of their silence, this window */
	int		 told_shared;	/* of the address's, this window */
};

struct rate {
	char		 key[POLICY_KEY_MAX];	/* "" when free */
	long long	 window;	/* ms the window started */
	long long	 seen;		/* ms of the last count */
	int		 n[NCLS];	/* questions, free answers: everyone's */
	int		 refunded;	/* bit per class: this window's refund
					 * is spent */
	long long	 closed_until;	/* ms: no newcomers till then */
	struct member	 m[POLICY_KEY_MEMBERS];
};

struct silence {
	char		 key[POLICY_KEY_MAX];	/* "" when free */
	long long	 until;		/* ms; past: free again */
};

struct policy {
	char		*owners[POLICY_LIST_MAX];
	int		 nowners;
	char		*ignore[POLICY_LIST_MAX];	/* the config's */
	int		 nignore;
	char		*added[POLICY_LIST_MAX];	/* "ignore" at run time */
	int		 nadded;
	int		 user_rate;
	int		 user_ignore_s;
	struct rate	 rates[POLICY_RATE_SLOTS];
	struct silence	 ignored[POLICY_RATE_SLOTS];
};

/* rfc1459 casemapping: {}|^ are the lower case of []\~ */
static int
irc_lower(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 'a';
	switch (c) {
	case '[': return '{';
	case ']': return '}';
	case '\\': return '|';
	case '~': return '^';
	}
	return c;
}

int
policy_mask_match(const char *m, const char *s)
{
	const char *star_m = NULL, *star_s = NULL;

	if (m == NULL || s == NULL)
		return 0;
	/* the classic greedy match with one backtrack point: linear in
	 * practice, never exponential */
	while (*s) {
		if (*m == '*') {
			star_m = ++m;
			star_s = s;
		} else if (*m == '?' || (*m && irc_lower((unsigned char)*m) ==
		    irc_lower((unsigned char)*s))) {
			m++;
			s++;
		} else if (star_m) {
			m = star_m;
			s = ++star_s;
		} else
			return 0;
	}
	while (*m == '*')
		m++;
	return *m == '\0';
}

static int
entry_match(const char *entry, const struct person *p)
{
	if (strncmp(entry, "account:", 8) == 0)
		return p->account && policy_mask_match(entry + 8, p->account);
	return policy_mask_match(entry, p->mask);
}

static int
list_match(char *const *list, int n, const struct person *p)
{
	int i;

	for (i = 0; i < n; i++)
		if (entry_match(list[i], p))
			return 1;
	return 0;
}

static void
list_set(char **list, int *n, const char *const *src, int nsrc)
{
	int i;

	for (i = 0; i < *n; i++)
		free(list[i]);
	*n = 0;
	for (i = 0; i < nsrc && *n < POLICY_LIST_MAX; i++)
		list[(*n)++] = xstrdup(src[i]);
}

struct policy *
policy_new(const struct policy_conf *c)
{
	struct policy *p = xcalloc(1, sizeof(*p));

	policy_configure(p, c);
	return p;
}

void
policy_configure(struct policy *p, const struct policy_conf *c)
{
	list_set(p->owners, &p->nowners, c->owners, c->nowners);
	list_set(p->ignore, &p->nignore, c->ignore, c->nignore);
	p->user_rate = c->user_rate > 0 ? c->user_rate : POLICY_RATE_DEFAULT;
	p->user_ignore_s = c->user_ignore_s > 0 ? c->user_ignore_s : 300;
}

void
policy_free(struct policy *p)
{
	if (p == NULL)
		return;
	list_set(p->owners, &p->nowners, NULL, 0);
	list_set(p->ignore, &p->nignore, NULL, 0);
	list_set(p->added, &p->nadded, NULL, 0);
	free(p);
}

int
policy_is_owner(const struct policy *p, const struct person *who)
{
	return list_match(p->owners, p->nowners, who);
}

int
policy_has_account_owners(const struct policy *p)
{
	int i;

	for (i = 0; i < p->nowners; i++)
		if (strncmp(p->owners[i], "account:", 8) == 0)
			return 1;
	return 0;
}

void
policy_person_key(const struct person *who, char *out, size_t n)
{
	const char *m = who->mask ? who->mask : "";
	const char *net = who->network ? who->network : "";
	const char *bang = strchr(m, '!'), *uh = bang ? bang + 1 : m;

	/* the whole user@host, "~" ident or not: the limit's count is the
	 * host's (count_key), but a conversation holds a private answer,
	 * and two people on one address are two conversations */
	if (who->account)
		snprintf(out, n, "%s a:%s", net, who->account);
	else
		snprintf(out, n, "%s h:%s", net, uh);
}

void
policy_member_key(const struct person *who, char *out, size_t n)
{
	const char *net = who->network ? who->network : "";

	if (who->account)
		snprintf(out, n, "%s a:%s", net, who->account);
	else
		snprintf(out, n, "%s m:%s", net, who->mask ? who->mask : "");
}

/* What the limit counts: the account, else user@host, or the host alone
 * for a "~" ident, one the server could not verify (the client's own
 * word: a new USER must not buy a new budget).  A server that passes
 * idents through unchecked and unmarked (InspIRCd without its ident
 * module) is trusted as it says; a neighbour who sends your ident
 * shares your budget but never your silence (rate_count). */
static void
count_key(const struct person *who, char *out, size_t n)
{
	const char *m = who->mask ? who->mask : "";
	const char *net = who->network ? who->network : "";
	const char *bang = strchr(m, '!'), *uh = bang ? bang + 1 : m;
	const char *at = strchr(uh, '@');

	if (who->account)
		snprintf(out, n, "%s a:%s", net, who->account);
	else if (uh[0] == '~' && at != NULL)
		snprintf(out, n, "%s h:~*%s", net, at);
	else
		snprintf(out, n, "%s h:%s", net, uh);
}

/* FNV-1a, never 0 (a free member slot). */
static uint64_t
member_id(const char *key)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ULL;
	return h ? h : 1;
}

/* id's member of r, or NULL. */
static struct member *
member_find(struct rate *r, uint64_t id)
{
	int i;

	for (i = 0; i < POLICY_KEY_MEMBERS; i++)
		if (r->m[i].id == id)
			return &r->m[i];
	return NULL;
}

/* A new member: a free slot, else the one seen longest ago. */
static struct member *
member_new(struct rate *r, uint64_t id)
{
	struct member *v = &r->m[0];
	int i;

	for (i = 0; i < POLICY_KEY_MEMBERS && v->id != 0; i++)
		if (r->m[i].id == 0 || r->m[i].seen < v->seen)
			v = &r->m[i];
	memset(v, 0, sizeof(*v));
	v->id = id;
	return v;
}

/* The count for key; a new one (in a free slot, or the one seen longest
 * ago) when create is set. */
static struct rate *
rate_find(struct policy *p, const char *key, int create, long long now)
{
	struct rate *r, *victim = NULL;
	int i;

	for (i = 0; i < POLICY_RATE_SLOTS; i++) {
		r = &p->rates[i];
		if (r->key[0] == '\0') {
			if (victim == NULL || victim->key[0] != '\0')
				victim = r;	/* a free slot beats any */
			continue;
		}
		if (strcmp(r->key, key) == 0)
			return r;
		if (victim == NULL || (victim->key[0] != '\0' &&
		    r->seen < victim->seen))
			victim = r;
	}
	if (!create)
		return NULL;
	memset(victim, 0, sizeof(*victim));
	snprintf(victim->key, sizeof(victim->key), "%s", key);
	victim->window = now;
	return victim;
}

/* The ignore on key, or NULL when none holds now. */
static struct silence *
silence_find(struct policy *p, const char *key, long long now)
{
	int i;

	for (i = 0; i < POLICY_RATE_SLOTS; i++)
		if (p->ignored[i].until > now &&
		    strcmp(p->ignored[i].key, key) == 0)
			return &p->ignored[i];
	return NULL;
}

/* Ignores key until `until`: in its own slot, a free or lapsed one, or
 * else the one that ends soonest (every slot ignores someone fresh:
 * the newest offender matters more than the oldest one's last minutes). */
static void
silence_add(struct policy *p, const char *key, long long until,
    long long now)
{
	struct silence *v = silence_find(p, key, now);
	int i;

	for (i = 0; v == NULL && i < POLICY_RATE_SLOTS; i++)
		if (p->ignored[i].until <= now)
			v = &p->ignored[i];
	if (v == NULL) {
		v = &p->ignored[0];
		for (i = 1; i < POLICY_RATE_SLOTS; i++)
			if (p->ignored[i].until < v->until)
				v = &p->ignored[i];
	}
	snprintf(v->key, sizeof(v->key), "%s", key);
	v->until = until;
}

int
policy_is_ignored(struct policy *p, const struct person *who,
    long long now)
{
	char key[POLICY_KEY_MAX];

	if (list_match(p->ignore, p->nignore, who) ||
	    list_match(p->added, p->nadded, who))
		return 1;
	policy_member_key(who, key, sizeof(key));
	return silence_find(p, key, now) != NULL;
}

/*
 * Counts one question (cls CLS_QUESTION) or free answer against who's
 * budget for it; see policy_rate.  Everyone behind an address shares
 * its budget, and each is counted on their own too:
 * - a member over user_rate of their own is ignored and told so; what
 *   they asked is taken off the shared count (once a window: a second
 *   flooder gets no second refund), and the address takes no newcomers
 *   while the silence lasts, so a new nick or ident buys nothing;
 * - a member under it, when the address as a whole is over, is not
 *   answered this window, and told once why, but not ignored.
 */
static enum rate_verdict
rate_count(struct policy *p, const struct person *who, int cls,
    long long now)
{
	char key[POLICY_KEY_MAX], mkey[POLICY_KEY_MAX];
	struct rate *r;
	struct member *m;
	int i;

	policy_member_key(who, mkey, sizeof(mkey));
	if (silence_find(p, mkey, now) != NULL)
		return RATE_SILENT;
	count_key(who, key, sizeof(key));
	r = rate_find(p, key, 1, now);
	r->seen = now;
	if (now - r->window >= POLICY_WINDOW_MS) {
		r->window = now;
		memset(r->n, 0, sizeof(r->n));
		r->refunded = 0;
		for (i = 0; i < POLICY_KEY_MEMBERS; i++) {
			memset(r->m[i].n, 0, sizeof(r->m[i].n));
			r->m[i].told = r->m[i].told_shared = 0;
		}
	}
	if ((m = member_find(r, member_id(mkey))) == NULL) {
		if (r->closed_until > now)
			return RATE_SILENT;
		m = member_new(r, member_id(mkey));
	}
	m->seen = now;
	m->n[cls]++;
	r->n[cls]++;
	if (m->n[cls] > p->user_rate) {
		silence_add(p, mkey, now + p->user_ignore_s * 1000LL, now);
		if (!(r->refunded & (1 << cls))) {
			r->n[cls] -= m->n[cls];
			r->refunded |= 1 << cls;
		}
		r->closed_until = now + p->user_ignore_s * 1000LL;
		if (m->told)
			return RATE_SILENT;
		m->told = 1;
		return RATE_TELL;
	}
	if (r->n[cls] > p->user_rate) {
		if (m->told_shared)
			return RATE_SILENT;
		m->told_shared = 1;
		return RATE_SHARED;
	}
	return RATE_OK;
}

enum rate_verdict
policy_rate(struct policy *p, const struct person *who, long long now)
{
	return rate_count(p, who, CLS_QUESTION, now);
}

enum rate_verdict
policy_rate_free(struct policy *p, const struct person *who, long long now)
{
	return rate_count(p, who, CLS_FREE, now);
}

int
policy_user_rate(const struct policy *p)
{
	return p->user_rate;
}

int
policy_ignore_secs(const struct policy *p)
{
	return p->user_ignore_s;
}

/* A mask with nothing literal in it but separators matches everyone. */
static int
matches_everyone(const char *mask)
{
	const char *s = strncmp(mask, "account:", 8) == 0 ? mask + 8 : mask;

	return s[strspn(s, "*?!@.:")] == '\0';
}

int
policy_ignore_add(struct policy *p, const char *mask,
    const struct person *asker, char *err, size_t errlen)
{
	struct buf m = {0};
	struct person probe = { NULL, NULL, NULL };
	int i;

	/* a bare nick means that nick from anywhere */
	if (strncmp(mask, "account:", 8) != 0 && strpbrk(mask, "!@:") == NULL)
		buf_printf(&m, "%s!*@*", mask);
	else
		buf_puts(&m, mask);
	if (matches_everyone(buf_str(&m))) {
		snprintf(err, errlen, "%s would match everyone", buf_str(&m));
		goto fail;
	}
	/* an owner entry seen as a mask or an account, and the asker */
	for (i = 0; i < p->nowners; i++) {
		const char *o = p->owners[i];

		probe.mask = o;
		probe.account = strncmp(o, "account:", 8) == 0 ? o + 8 : NULL;
		if (entry_match(buf_str(&m), &probe) ||
		    policy_mask_match(o, buf_str(&m)))
			break;
	}
	if (i < p->nowners || (asker && entry_match(buf_str(&m), asker))) {
		snprintf(err, errlen, "%s matches an owner", buf_str(&m));
		goto fail;
	}
	if (p->nadded >= POLICY_LIST_MAX) {
		snprintf(err, errlen, "the ignore list is full (%d)",
		    POLICY_LIST_MAX);
		goto fail;
	}
	snprintf(err, errlen, "%s", buf_str(&m));
	p->added[p->nadded++] = buf_steal(&m);
	return 0;
fail:
	buf_free(&m);
	return -1;
}

long
policy_backoff_ms(int min_s, int max_s, int failures)
{
	long ms = min_s * 1000L, max = max_s * 1000L;

	if (ms <= 0)
		ms = 1000;
	if (max < ms)
		max = ms;
	while (failures-- > 0 && ms < max)
		ms *= 2;
	if (ms > max)
		ms = max;
	return ms + (long)(random() % (ms / 4 + 1));
}
