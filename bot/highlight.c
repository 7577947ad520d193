/*
 * highlight.c -- the daily role highlights (see highlight.h).
 *
 * State store keys, scope "highlight", per target key K
 * ("irc:libera:#techpay"):
 *   K|posted   local date (YYYYMMDD) of the last post there
 *   K|day      "YYYYMMDD role-id": the role chosen for that date
 *   K|cycle    role ids still to come in this cycle, comma-separated
 *   K|set      a run-time change: "on SECS ZONE" or "off SECS ZONE"
 * The post is recorded when the network has taken it (IRC: queued; Matrix:
 * queued with a transaction id made from K and the date, so a crash before
 * the record is de-duplicated by the homeserver).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "buf.h"
#include "config.h"
#include "highlight.h"
#include "log.h"
#include "phrase.h"
#include "text.h"

#define SCOPE	"highlight"

struct target {
	char	 key[HL_KEY_MAX];
	char	*network;
	char	*target;
	int	 on;
	int	 secs;
	char	 zone[TZ_NAME_MAX];
	int	 done_ymd;	/* posted or missed: nothing more that day */
};

struct highlights {
	struct state	*st;
	const struct kb	*kb;
	int		 secs;		/* defaults */
	char		 zone[TZ_NAME_MAX];
	int		 catchup_s;
	struct target	 t[HL_TARGETS_MAX];
	int		 n;
	hl_post_fn	*post;
	hl_line_max_fn	*line_max;
	void		*post_ctx;
	struct loop	*loop;
	long		 timer;
	struct answer	 ans;
};

static int
ymd_of(const struct tz_date *d)
{
	return d->year * 10000 + d->month * 100 + d->day;
}

int
hl_decide(const char *zone, int secs, int catchup_s, int posted_ymd,
    time_t now, time_t *next, int *ymd)
{
	struct tz_date d;
	time_t due, midnight, end;
	int y, m, dd;

	if (tz_local(zone, now, &d) == -1)
		return -1;
	*ymd = ymd_of(&d);
	y = d.year;
	m = d.month;
	dd = d.day;
	if (tz_instant(zone, y, m, dd, secs, &due) == -1)
		return -1;
	if (posted_ymd != *ymd && now < due) {
		*next = due;
		return HL_WAIT;
	}
	tz_next_day(&y, &m, &dd);
	if (tz_instant(zone, y, m, dd, 0, &midnight) == -1)
		return -1;
	if (posted_ymd == *ymd) {
		tz_instant(zone, y, m, dd, secs, next);
		return HL_WAIT;
	}
	/* at least a minute: "no catch-up" still means "on time" */
	if (catchup_s < 60)
		catchup_s = 60;
	end = due + catchup_s < midnight ? due + catchup_s : midnight;
	if (now < end)
		return HL_POST;
	tz_instant(zone, y, m, dd, secs, next);
	return HL_MISSED;
}

struct highlights *
hl_new(struct state *st, const struct kb *kb, int secs, const char *zone,
    int catchup_s)
{
	struct highlights *h = xcalloc(1, sizeof(*h));

	h->st = st;
	h->kb = kb;
	h->secs = secs;
	snprintf(h->zone, sizeof(h->zone), "%s", zone);
	h->catchup_s = catchup_s;
	answer_init(&h->ans);
	return h;
}

void
hl_free(struct highlights *h)
{
	int i;

	if (h == NULL)
		return;
	hl_stop(h);
	for (i = 0; i < h->n; i++) {
		free(h->t[i].network);
		free(h->t[i].target);
	}
	answer_free(&h->ans);
	free(h);
}

void
hl_set_knowledge(struct highlights *h, const struct kb *kb)
{
	h->kb = kb;
}

void
hl_set_poster(struct highlights *h, hl_post_fn *post,
    hl_line_max_fn *line_max, void *ctx)
{
	h->post = post;
	h->line_max = line_max;
	h->post_ctx = ctx;
}

/* ---- the state store ----------------------------------------------------- */

static char *
get(struct highlights *h, const struct target *t, const char *what)
{
	char key[HL_KEY_MAX + 16];

	if (h->st == NULL)
		return NULL;
	snprintf(key, sizeof(key), "%s|%s", t->key, what);
	return state_get(h->st, SCOPE, key);
}

static void
set(struct highlights *h, const struct target *t, const char *what,
    const char *value)
{
	char key[HL_KEY_MAX + 16];

	if (h->st == NULL)
		return;
	snprintf(key, sizeof(key), "%s|%s", t->key, what);
	state_set(h->st, SCOPE, key, value);
}

static int
posted_ymd(struct highlights *h, struct target *t)
{
	char *v = get(h, t, "posted");
	int ymd = v ? atoi(v) : 0;

	free(v);
	return ymd > t->done_ymd ? ymd : t->done_ymd;
}

/* Applies a stored run-time change to t. */
static void
apply_set(struct highlights *h, struct target *t)
{
	char *v = get(h, t, "set"), onoff[8], zone[TZ_NAME_MAX];
	int secs;

	if (v == NULL)
		return;
	if (sscanf(v, "%7s %d %63s", onoff, &secs, zone) == 3 &&
	    secs >= 0 && secs < 86400 && tz_valid(zone)) {
		t->on = strcmp(onoff, "on") == 0;
		t->secs = secs;
		snprintf(t->zone, sizeof(t->zone), "%s", zone);
	}
	free(v);
}

static void
save_set(struct highlights *h, const struct target *t)
{
	char v[128];

	snprintf(v, sizeof(v), "%s %d %s", t->on ? "on" : "off", t->secs,
	    t->zone);
	set(h, t, "set", v);
}

/* ---- targets ------------------------------------------------------------ */

static struct target *
find(struct highlights *h, const char *network, const char *target)
{
	char key[HL_KEY_MAX];
	int i;

	snprintf(key, sizeof(key), "%s:%s", network, target);
	for (i = 0; i < h->n; i++)
		if (strcasecmp(h->t[i].key, key) == 0)
			return &h->t[i];
	return NULL;
}

static struct target *
add(struct highlights *h, const char *network, const char *target, int on,
    int secs, const char *zone)
{
	struct target *t;

	if ((t = find(h, network, target)) != NULL)
		return t;
	if (h->n == HL_TARGETS_MAX || strlen(network) + strlen(target) + 2 >
	    HL_KEY_MAX)
		return NULL;
	t = &h->t[h->n++];
	memset(t, 0, sizeof(*t));
	snprintf(t->key, sizeof(t->key), "%s:%s", network, target);
	t->network = xstrdup(network);
	t->target = xstrdup(target);
	t->on = on;
	t->secs = secs >= 0 ? secs : h->secs;
	snprintf(t->zone, sizeof(t->zone), "%s", zone ? zone : h->zone);
	apply_set(h, t);
	return t;
}

int
hl_add(struct highlights *h, const char *network, const char *target,
    int on, int secs, const char *zone)
{
	return add(h, network, target, on, secs, zone) ? 0 : -1;
}

void
hl_add_all(struct highlights *h, const char *network,
    const struct config_highlight *t, int n)
{
	int i;

	for (i = 0; i < n; i++)
		hl_add(h, network, t[i].target, 1, t[i].secs, t[i].zone);
}

/* state_each callback: a "K|set" key of a target not in the config. */
static void
load_one(const char *key, const char *value, void *ctx)
{
	struct highlights *h = ctx;
	const char *bar = strrchr(key, '|'), *c1, *c2;
	char network[HL_KEY_MAX];

	(void)value;
	if (bar == NULL || strcmp(bar, "|set") != 0)
		return;
	/* K = kind:name:target; the target may hold colons itself */
	if ((c1 = strchr(key, ':')) == NULL ||
	    (c2 = strchr(c1 + 1, ':')) == NULL || c2 > bar ||
	    (size_t)(c2 - key) >= sizeof(network))
		return;
	snprintf(network, sizeof(network), "%.*s", (int)(c2 - key), key);
	{
		char *target = xstrndup(c2 + 1, (size_t)(bar - c2 - 1));

		add(h, network, target, 0, -1, NULL);
		free(target);
	}
}

void
hl_load(struct highlights *h)
{
	if (h->st)
		state_each(h->st, SCOPE, load_one, h);
}

int
hl_switch(struct highlights *h, const char *network, const char *target,
    int on)
{
	struct target *t = add(h, network, target, on, -1, NULL);

	if (t == NULL)
		return -1;
	t->on = on;
	save_set(h, t);
	hl_kick(h);
	return 0;
}

int
hl_set_time(struct highlights *h, const char *network, const char *target,
    int secs, const char *zone)
{
	struct target *t = add(h, network, target, 1, secs, zone);

	if (t == NULL || !tz_valid(zone ? zone : h->zone))
		return -1;
	t->on = 1;
	t->secs = secs;
	if (zone)
		snprintf(t->zone, sizeof(t->zone), "%s", zone);
	save_set(h, t);
	hl_kick(h);
	return 0;
}

int
hl_settings(struct highlights *h, const char *network, const char *target,
    int *on, int *secs, char *zone, size_t zonelen)
{
	struct target *t = network && target ? find(h, network, target) : NULL;

	*on = t ? t->on : 0;
	*secs = t ? t->secs : h->secs;
	snprintf(zone, zonelen, "%s", t ? t->zone : h->zone);
	return t ? 0 : -1;
}

int
hl_next(struct highlights *h, const char *network, const char *target,
    time_t now, time_t *when)
{
	struct target *t = network && target ? find(h, network, target) : NULL;
	int ymd, act;

	if (t == NULL || !t->on)
		return -1;
	act = hl_decide(t->zone, t->secs, h->catchup_s, posted_ymd(h, t),
	    now, when, &ymd);
	if (act == -1)
		return -1;
	if (act == HL_POST)
		*when = now;
	return 0;
}

/* ---- rotation ----------------------------------------------------------- */

static const struct kb_role *
role_by_id(const struct kb *kb, const char *id, size_t len)
{
	int i;

	for (i = 0; i < kb->nroles; i++)
		if (strlen(kb->roles[i].id) == len &&
		    strncmp(kb->roles[i].id, id, len) == 0)
			return &kb->roles[i];
	return NULL;
}

static int
cmp_id(const void *a, const void *b)
{
	return strcmp((*(const struct kb_role *const *)a)->id,
	    (*(const struct kb_role *const *)b)->id);
}

/* FNV-1a, then xorshift: a shuffle that is the same on every machine. */
static unsigned long long
seed_of(const char *key, int ymd)
{
	unsigned long long x = 1469598103934665603ULL;
	const char *p;

	for (p = key; *p; p++)
		x = (x ^ (unsigned char)*p) * 1099511628211ULL;
	x ^= (unsigned long long)ymd;
	return x ? x : 1;
}

static unsigned long long
next_rand(unsigned long long *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* A new cycle of every role, shuffled, not starting with prev. */
static void
new_cycle(struct highlights *h, const struct target *t, int ymd,
    const struct kb_role *prev, struct buf *out)
{
	const struct kb_role **r;
	unsigned long long x = seed_of(t->key, ymd);
	int i, j, n = h->kb->nroles;

	r = xcalloc((size_t)n, sizeof(*r));
	for (i = 0; i < n; i++)
		r[i] = &h->kb->roles[i];
	qsort(r, (size_t)n, sizeof(*r), cmp_id);
	for (i = n - 1; i > 0; i--) {
		const struct kb_role *tmp;

		j = (int)(next_rand(&x) % (unsigned long long)(i + 1));
		tmp = r[i];
		r[i] = r[j];
		r[j] = tmp;
	}
	if (n > 1 && prev && r[0] == prev) {
		r[0] = r[n - 1];
		r[n - 1] = prev;
	}
	for (i = 0; i < n; i++)
		buf_printf(out, "%s%s", i ? "," : "", r[i]->id);
	free(r);
}

/* The role of t on local date ymd: kept if chosen, else the next one of
 * the cycle (which is then stored). */
static const struct kb_role *
role_for(struct highlights *h, struct target *t, int ymd)
{
	const struct kb_role *r = NULL, *prev = NULL;
	char *day = get(h, t, "day"), *cycle, *p, *comma;
	struct buf nc = {0}, v = {0};
	int dy = 0, n = 0;

	if (h->kb->nroles == 0)
		return NULL;
	if (day && sscanf(day, "%d %n", &dy, &n) == 1 && n > 0)
		r = role_by_id(h->kb, day + n, strlen(day + n));
	if (dy == ymd && r) {
		free(day);
		return r;
	}
	prev = r;
	free(day);
	r = NULL;
	cycle = get(h, t, "cycle");
	for (p = cycle; p && *p; ) {
		comma = strchr(p, ',');
		r = role_by_id(h->kb, p, comma ? (size_t)(comma - p) :
		    strlen(p));
		p = comma ? comma + 1 : NULL;
		if (r && r != prev)	/* removed roles are skipped */
			break;
		r = NULL;
	}
	if (r == NULL) {
		new_cycle(h, t, ymd, prev, &nc);
		free(cycle);
		cycle = buf_steal(&nc);
		comma = strchr(cycle, ',');
		r = role_by_id(h->kb, cycle, comma ? (size_t)(comma - cycle) :
		    strlen(cycle));
		p = comma ? comma + 1 : NULL;
		if (r == NULL) {	/* cannot happen: nroles > 0 */
			free(cycle);
			return NULL;
		}
	}
	set(h, t, "cycle", p ? p : "");
	buf_printf(&v, "%d %s", ymd, r->id);
	set(h, t, "day", buf_str(&v));
	buf_free(&v);
	free(cycle);
	return r;
}

const struct kb_role *
hl_today(struct highlights *h, const char *network, const char *target,
    time_t now)
{
	struct target *t = network && target ? find(h, network, target) : NULL;
	struct target def = { .key = "default" };	/* in the defaults' zone */
	struct tz_date d;

	if (t == NULL) {
		t = &def;
		snprintf(t->zone, sizeof(t->zone), "%s", h->zone);
	}
	if (tz_local(t->zone, now, &d) == -1)
		return NULL;
	return role_for(h, t, ymd_of(&d));
}

/* ---- the scheduler ------------------------------------------------------ */

time_t
hl_tick(struct highlights *h, time_t now)
{
	time_t next = now + 2 * 86400, when;	/* on_timer caps the sleep */
	char v[16], id[HL_KEY_MAX + 16], *full;
	size_t max;
	int i, ymd, act;

	for (i = 0; i < h->n; i++) {
		struct target *t = &h->t[i];
		const struct kb_role *r;

		if (!t->on)
			continue;
		when = now + HL_IDLE_S;
		act = hl_decide(t->zone, t->secs, h->catchup_s,
		    posted_ymd(h, t), now, &when, &ymd);
		if (act == HL_POST) {
			if ((r = role_for(h, t, ymd)) == NULL)
				continue;
			answer_reset(&h->ans);
			hl_format(h->kb, r, &h->ans);
			max = h->line_max ? h->line_max(h->post_ctx,
			    t->network, t->target) : 0;
			if (max > 0 && h->ans.text.len > max) {
				/* one line (IRC): the text formatted once,
				 * cut once by the one cutter, at a word */
				full = buf_steal(&h->ans.text);
				fmt_cut_line(&h->ans.text, &h->ans.more, full,
				    strlen(full), max, "…", FMT_BACK_WORDS);
				buf_reset(&h->ans.more);	/* no "more" */
				free(full);
			}
			snprintf(id, sizeof(id), "%s|%d", t->key, ymd);
			if (h->post == NULL || h->post(h->post_ctx, t->network,
			    t->target, id, &h->ans) == -1) {
				when = now + HL_RETRY_S;	/* not connected */
			} else {
				snprintf(v, sizeof(v), "%d", ymd);
				set(h, t, "posted", v);
				t->done_ymd = ymd;
				log_info("highlight: posted %s to %s for %d",
				    r->id, t->key, ymd);
				(void)hl_decide(t->zone, t->secs, h->catchup_s,
				    ymd, now, &when, &ymd);
			}
		} else if (act == HL_MISSED) {
			/* worth a line only where posts were made before: a
			 * new install or a target just added has missed
			 * nothing (its first post is tomorrow's) */
			char *pv = get(h, t, "posted");

			if (t->done_ymd != ymd && pv != NULL)
				log_info("highlight: %s missed its post for %d "
				    "(past the %d-minute catch-up window)",
				    t->key, ymd, h->catchup_s / 60);
			free(pv);
			t->done_ymd = ymd;
		} else if (act == -1)
			continue;
		if (when < next)
			next = when;
	}
	return next;
}

static long
on_timer(struct loop *l, void *ctx)
{
	struct highlights *h = ctx;
	struct timespec ts;
	long long now_ms, delay;
	time_t next;

	(void)l;
	clock_gettime(CLOCK_REALTIME, &ts);
	next = hl_tick(h, ts.tv_sec);
	/* the wall clock may jump: never sleep past HL_IDLE_S */
	if (next - ts.tv_sec > HL_IDLE_S)
		next = ts.tv_sec + HL_IDLE_S;
	now_ms = (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	delay = (long long)next * 1000 - now_ms;
	return delay > 0 ? (long)delay : 0;
}

void
hl_start(struct highlights *h, struct loop *l)
{
	h->loop = l;
	hl_kick(h);
}

void
hl_stop(struct highlights *h)
{
	if (h->loop && h->timer)
		loop_del_timer(h->loop, h->timer);
	h->timer = 0;
	h->loop = NULL;
}

void
hl_kick(struct highlights *h)
{
	if (h->loop == NULL)
		return;
	if (h->timer)
		loop_del_timer(h->loop, h->timer);
	h->timer = loop_add_timer(h->loop, 0, on_timer, h);
}

/* ---- what "!highlight" reaches (answer.h's struct daily) ---- */

static const struct kb_role *
daily_today(void *ctx, const char *network, const char *target, time_t now)
{
	return hl_today(ctx, network, target, now);
}

static int
daily_turn(void *ctx, const char *network, const char *target, int on)
{
	return hl_switch(ctx, network, target, on) == -1 ? DAILY_FULL : 0;
}

static int
daily_set_time(void *ctx, const char *network, const char *target,
    const char *hhmm, const char *zone)
{
	int secs;

	if ((secs = tz_parse_time(hhmm)) < 0)
		return DAILY_BAD_TIME;
	if (zone && !tz_valid(zone))
		return DAILY_BAD_ZONE;
	return hl_set_time(ctx, network, target, secs, zone) == -1 ?
	    DAILY_FULL : 0;
}

static void
daily_status(void *ctx, const char *network, const char *target, time_t now,
    struct daily_status *st)
{
	struct tz_date today;
	time_t when;

	memset(st, 0, sizeof(*st));
	hl_settings(ctx, network, target, &st->on, &st->secs, st->zone,
	    sizeof(st->zone));
	if (!st->on || hl_next(ctx, network, target, now, &when) != 0 ||
	    tz_local(st->zone, when, &st->next) != 0 ||
	    tz_local(st->zone, now, &today) != 0)
		return;
	st->has_next = 1;
	st->due = when <= now;
	st->next_today = st->next.year == today.year &&
	    st->next.month == today.month && st->next.day == today.day;
}

const struct daily_ops hl_daily_ops = {
	daily_today, daily_turn, daily_set_time, daily_status
};
