/*
 * test_highlight.c -- the daily highlights with the clock in the test's
 * hands: each case drives hl_tick() through days, restarts (a new
 * scheduler on the same state file), outages, lost connections, both DST
 * changes in Europe/Berlin and America/New_York, and a year boundary, and
 * checks every post's local time and role.  Days pass in milliseconds.
 */
#include <unistd.h>

#include <ctype.h>

#include "testutil.h"
#include "highlight.h"

#define NET	"irc:test"
#define CHAN	"#techpay"
#define CATCHUP	(3 * 3600)
#define POSTS_MAX 800

struct post {
	time_t		 at;
	char		 role[64];
	char		 target[64];
};

static struct post posts[POSTS_MAX];
static int nposts;
static time_t clock_now;
static int connected = 1;
static char dir[64];
static struct state *st;

static int
poster(void *ctx, const char *network, const char *target, const char *id,
    const struct answer *a)
{
	const char *t = buf_str(&a->text), *colon;

	(void)ctx;
	(void)network;
	assert_non_null(strstr(id, target));
	if (!connected)
		return -1;
	assert_true(nposts < POSTS_MAX);
	posts[nposts].at = clock_now;
	/* "Role of the day: TITLE — ..." */
	assert_true(strncmp(t, "Role of the day: ", 17) == 0);
	colon = strstr(t + 17, " — ");
	assert_non_null(colon);
	snprintf(posts[nposts].role, sizeof(posts[nposts].role), "%.*s",
	    (int)(colon - t - 17), t + 17);
	snprintf(posts[nposts].target, sizeof(posts[nposts].target), "%s",
	    target);
	nposts++;
	return 0;
}

static char irc_text[1024], mx_text[2048];
static int nirc, nmx;

/* As the IRC adapter says of its channels: one line (here the plain
 * answer's ANSWER_LINE_MAX); Matrix takes any length. */
static size_t
line_max_irc(void *ctx, const char *network, const char *target)
{
	(void)ctx;
	(void)target;
	return strncmp(network, "irc:", 4) == 0 ? ANSWER_LINE_MAX : 0;
}

static int
poster_text(void *ctx, const char *network, const char *target,
    const char *id, const struct answer *a)
{
	(void)ctx;
	(void)target;
	(void)id;
	if (strncmp(network, "irc:", 4) == 0) {
		snprintf(irc_text, sizeof(irc_text), "%s", buf_str(&a->text));
		nirc++;
	} else {
		snprintf(mx_text, sizeof(mx_text), "%s", buf_str(&a->text));
		nmx++;
	}
	return 0;
}

/* An instant from a local wall time. */
static time_t
local(const char *zone, int y, int m, int d, const char *hhmm)
{
	time_t t;

	assert_int_equal(tz_instant(zone, y, m, d, tz_parse_time(hhmm), &t), 0);
	return t;
}

static void
local_hhmm(const char *zone, time_t t, char *out)
{
	struct tz_date d;

	assert_int_equal(tz_local(zone, t, &d), 0);
	sprintf(out, "%02d:%02d", d.secs / 3600, d.secs / 60 % 60);
}

static struct highlights *
sched(const char *zone, const char *hhmm)
{
	struct highlights *h = hl_new(st, F.kb, tz_parse_time("09:00"), "UTC",
	    CATCHUP);

	hl_set_poster(h, poster, NULL, NULL);
	assert_int_equal(hl_add(h, NET, CHAN, 1, tz_parse_time(hhmm), zone), 0);
	hl_load(h);
	return h;
}

/* Runs the scheduler from `from` to `to` as the loop would: at every
 * instant it asks for (bounded: at most 100,000 wake-ups). */
static void
run(struct highlights *h, time_t from, time_t to)
{
	time_t next;
	int guard = 0;

	clock_now = from;
	while (clock_now < to && guard++ < 100000) {
		next = hl_tick(h, clock_now);
		if (next <= clock_now)
			next = clock_now + 1;
		clock_now = next < to ? next : to;
	}
	assert_true(guard < 100000);
}

static int
setup(void **s)
{
	char err[256];

	(void)s;
	snprintf(dir, sizeof(dir), "/tmp/techpay-hl-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	st = state_open(dir, err, sizeof(err));
	nposts = 0;
	connected = 1;
	return st ? 0 : -1;
}

static int
teardown(void **s)
{
	char cmd[128];

	(void)s;
	state_free(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_01_decide(void **s)
{
	const char *z = "Europe/Berlin";
	time_t nine = local(z, 2026, 6, 10, "09:00"), next;
	int ymd;

	(void)s;
	assert_int_equal(hl_decide(z, 9 * 3600, CATCHUP, 0, nine - 60, &next,
	    &ymd), HL_WAIT);
	assert_true(next == nine);
	assert_int_equal(hl_decide(z, 9 * 3600, CATCHUP, 0, nine, &next, &ymd),
	    HL_POST);
	assert_int_equal(ymd, 20260610);
	assert_int_equal(hl_decide(z, 9 * 3600, CATCHUP, 20260610, nine + 60,
	    &next, &ymd), HL_WAIT);
	assert_true(next == local(z, 2026, 6, 11, "09:00"));
	assert_int_equal(hl_decide(z, 9 * 3600, CATCHUP, 20260609,
	    nine + 3 * 3600 - 1, &next, &ymd), HL_POST);
	assert_int_equal(hl_decide(z, 9 * 3600, CATCHUP, 20260609,
	    nine + 3 * 3600, &next, &ymd), HL_MISSED);
	/* 23:00 with 3 hours of catch-up: not after local midnight */
	assert_int_equal(hl_decide(z, 23 * 3600, CATCHUP, 0,
	    local(z, 2026, 6, 10, "23:59"), &next, &ymd), HL_POST);
	assert_int_equal(hl_decide(z, 23 * 3600, CATCHUP, 20260609,
	    local(z, 2026, 6, 11, "00:30"), &next, &ymd), HL_WAIT);
	assert_int_equal(ymd, 20260611);
	assert_int_equal(hl_decide("Nope/Zone", 0, 0, 0, nine, &next, &ymd), -1);
	/* no catch-up: on time still posts, a minute late does not */
	assert_int_equal(hl_decide(z, 9 * 3600, 0, 0, nine, &next, &ymd),
	    HL_POST);
	assert_int_equal(hl_decide(z, 9 * 3600, 0, 0, nine + 60, &next, &ymd),
	    HL_MISSED);
}

static void
test_02_thirty_days_on_time_across_dst(void **s)
{
	const char *zones[] = { "Europe/Berlin", "America/New_York" };
	char hhmm[8];
	int z, i;

	(void)s;
	for (z = 0; z < 2; z++) {
		struct highlights *h = sched(zones[z], "09:00");

		nposts = 0;
		/* March and the spring change in both zones */
		run(h, local(zones[z], 2026, 3, 1, "00:00"),
		    local(zones[z], 2026, 3, 31, "00:00"));
		assert_int_equal(nposts, 30);
		for (i = 0; i < nposts; i++) {
			local_hhmm(zones[z], posts[i].at, hhmm);
			assert_string_equal(hhmm, "09:00");
		}
		/* October-November: the autumn changes */
		nposts = 0;
		run(h, local(zones[z], 2026, 10, 20, "00:00"),
		    local(zones[z], 2026, 11, 5, "00:00"));
		assert_int_equal(nposts, 16);
		for (i = 0; i < nposts; i++) {
			local_hhmm(zones[z], posts[i].at, hhmm);
			assert_string_equal(hhmm, "09:00");
		}
		hl_free(h);
	}
}

static void
test_03_rotation_every_role_once_no_repeats(void **s)
{
	struct highlights *h = sched("UTC", "09:00");
	int n = F.kb->nroles, i, j;

	(void)s;
	run(h, local("UTC", 2026, 1, 1, "00:00"),
	    local("UTC", 2026, 1, 1, "00:00") + (time_t)(3 * n) * 86400);
	assert_int_equal(nposts, 3 * n);
	for (i = 0; i < 3 * n; i += n)		/* each cycle: all distinct */
		for (j = i; j < i + n; j++) {
			int k;

			for (k = i; k < j; k++)
				assert_string_not_equal(posts[j].role,
				    posts[k].role);
		}
	for (i = 1; i < nposts; i++)	/* never the same two days running */
		assert_string_not_equal(posts[i].role, posts[i - 1].role);
	hl_free(h);
}

static void
test_04_restarts_post_once(void **s)
{
	const char *z = "Europe/Berlin";
	struct highlights *h = sched(z, "09:00");
	char first[64];

	(void)s;
	/* up at 08:00, restarted at 08:59: one post at 09:00 */
	run(h, local(z, 2026, 5, 4, "08:00"), local(z, 2026, 5, 4, "08:59"));
	hl_free(h);
	h = sched(z, "09:00");
	run(h, local(z, 2026, 5, 4, "08:59"), local(z, 2026, 5, 4, "09:01"));
	assert_int_equal(nposts, 1);
	snprintf(first, sizeof(first), "%s", posts[0].role);
	/* restarted at 09:01: no second post that day */
	hl_free(h);
	h = sched(z, "09:00");
	run(h, local(z, 2026, 5, 4, "09:01"), local(z, 2026, 5, 4, "23:59"));
	assert_int_equal(nposts, 1);
	/* "!highlight" shows the role that was posted */
	assert_string_equal(hl_today(h, NET, CHAN,
	    local(z, 2026, 5, 4, "15:00"))->title, first);
	hl_free(h);
}

static void
test_05_offline_catch_up_window(void **s)
{
	const char *z = "America/New_York";
	struct highlights *h = sched(z, "09:00");
	char hhmm[8];

	(void)s;
	/* down from 08:00, back at 11:00: posted late, once */
	run(h, local(z, 2026, 7, 1, "07:00"), local(z, 2026, 7, 1, "08:00"));
	run(h, local(z, 2026, 7, 1, "11:00"), local(z, 2026, 7, 2, "00:00"));
	assert_int_equal(nposts, 1);
	local_hhmm(z, posts[0].at, hhmm);
	assert_string_equal(hhmm, "11:00");
	/* down again, back at 12:30 the next day: past the window, no post
	 * that day; the day after, on time */
	run(h, local(z, 2026, 7, 2, "12:30"), local(z, 2026, 7, 3, "12:00"));
	assert_int_equal(nposts, 2);
	local_hhmm(z, posts[1].at, hhmm);
	assert_string_equal(hhmm, "09:00");
	assert_true(posts[1].at >= local(z, 2026, 7, 3, "09:00"));
	hl_free(h);
}

static void
test_06_disconnected_then_posted_after_reconnect(void **s)
{
	const char *z = "Europe/Berlin";
	struct highlights *h = sched(z, "09:00");
	char hhmm[8];

	(void)s;
	connected = 0;
	run(h, local(z, 2026, 9, 1, "08:00"), local(z, 2026, 9, 1, "09:20"));
	assert_int_equal(nposts, 0);
	connected = 1;
	run(h, local(z, 2026, 9, 1, "09:20"), local(z, 2026, 9, 1, "23:00"));
	assert_int_equal(nposts, 1);
	local_hhmm(z, posts[0].at, hhmm);
	assert_string_equal(hhmm, "09:20");
	/* still disconnected when the window closes: nothing late */
	connected = 0;
	run(h, local(z, 2026, 9, 2, "08:00"), local(z, 2026, 9, 2, "13:00"));
	connected = 1;
	run(h, local(z, 2026, 9, 2, "13:00"), local(z, 2026, 9, 2, "23:00"));
	assert_int_equal(nposts, 1);
	hl_free(h);
}

static void
test_07_missing_time_posted_at_first_valid_minute(void **s)
{
	const char *z = "Europe/Berlin";
	struct highlights *h = sched(z, "02:30");
	char hhmm[8];

	(void)s;
	run(h, local(z, 2026, 3, 28, "00:00"), local(z, 2026, 3, 31, "00:00"));
	assert_int_equal(nposts, 3);
	local_hhmm(z, posts[0].at, hhmm);
	assert_string_equal(hhmm, "02:30");
	local_hhmm(z, posts[1].at, hhmm);	/* 2026-03-29: no 02:30 */
	assert_string_equal(hhmm, "03:00");
	local_hhmm(z, posts[2].at, hhmm);
	assert_string_equal(hhmm, "02:30");
	hl_free(h);
}

static void
test_08_year_boundary(void **s)
{
	const char *z = "Pacific/Auckland";
	struct highlights *h = sched(z, "09:00");
	struct tz_date d;

	(void)s;
	run(h, local(z, 2026, 12, 30, "12:00"), local(z, 2027, 1, 2, "12:00"));
	assert_int_equal(nposts, 3);
	tz_local(z, posts[0].at, &d);
	assert_int_equal(d.year * 10000 + d.month * 100 + d.day, 20261231);
	tz_local(z, posts[1].at, &d);
	assert_int_equal(d.year * 10000 + d.month * 100 + d.day, 20270101);
	assert_int_equal(d.secs, 9 * 3600);
	hl_free(h);
}

static void
test_09_new_role_joins_next_cycle(void **s)
{
	struct kb small = *F.kb;	/* the same roles, four fewer */
	struct highlights *h;
	int n = F.kb->nroles, i, k, seen_new = 0;

	(void)s;
	small.nroles = n - 4;
	h = hl_new(st, &small, 9 * 3600, "UTC", CATCHUP);
	hl_set_poster(h, poster, NULL, NULL);
	hl_add(h, NET, CHAN, 1, -1, NULL);
	run(h, local("UTC", 2026, 2, 1, "00:00"),
	    local("UTC", 2026, 2, 1, "00:00") + (time_t)(n - 6) * 86400);
	hl_set_knowledge(h, F.kb);	/* a reload adds four roles */
	run(h, clock_now, clock_now + (time_t)(n + 2) * 86400);
	/* the rest of the old cycle has none of the new roles */
	for (i = 0; i < n - 4; i++)
		for (k = n - 4; k < n; k++)
			assert_string_not_equal(posts[i].role,
			    F.kb->roles[k].title);
	for (i = n - 4; i < nposts; i++)
		for (k = n - 4; k < n; k++)
			seen_new += strcmp(posts[i].role,
			    F.kb->roles[k].title) == 0;
	assert_int_equal(seen_new, 4);	/* each in the next cycle, once */
	hl_free(h);
}

static void
test_10_runtime_changes_persist(void **s)
{
	struct highlights *h = sched("UTC", "09:00");
	int on, secs;
	char zone[TZ_NAME_MAX];

	(void)s;
	assert_int_equal(hl_switch(h, NET, CHAN, 0), 0);
	assert_int_equal(hl_set_time(h, NET, "#other", 8 * 3600 + 1800,
	    "America/New_York"), 0);
	hl_free(h);
	h = sched("UTC", "09:00");	/* the config still says on, 09:00 */
	hl_settings(h, NET, CHAN, &on, &secs, zone, sizeof(zone));
	assert_int_equal(on, 0);
	assert_int_equal(hl_settings(h, NET, "#other", &on, &secs, zone,
	    sizeof(zone)), 0);
	assert_int_equal(on, 1);
	assert_int_equal(secs, 8 * 3600 + 1800);
	assert_string_equal(zone, "America/New_York");
	run(h, local("UTC", 2026, 4, 1, "00:00"), local("UTC", 2026, 4, 3,
	    "00:00"));
	assert_int_equal(nposts, 2);	/* only #other */
	assert_string_equal(posts[0].target, "#other");
	hl_free(h);
}

static void
test_11_command_on_off_and_refusal(void **s)
{
	struct highlights *h = sched("UTC", "09:00");
	struct daily d = { &hl_daily_ops, h };	/* as bot.c hands it over */
	struct message m = { .text = "!highlight off", .where = "c",
	    .network = NET, .target = CHAN };
	const struct kb_role *r;

	(void)s;
	router_set_daily(F.rt, &d);
	m.len = strlen(m.text);
	assert_int_equal(router_handle(F.rt, &m, 1790000000, &F.a), 1);
	assert_has(buf_str(&F.a.text), "only channel operators");
	m.privileged = 1;
	router_handle(F.rt, &m, 1790000000, &F.a);
	assert_string_equal(buf_str(&F.a.text), "Daily highlight here: off.");
	m.text = "!highlight time 08:30 America/New_York";
	m.len = strlen(m.text);
	router_handle(F.rt, &m, 1790000000, &F.a);
	/* 10:13 in New York: inside the catch-up window of today's 08:30 */
	assert_string_equal(buf_str(&F.a.text),
	    "Daily highlight here: on, at 08:30 America/New_York. The first "
	    "post goes out now.");
	m.text = "!highlight time 23:00 America/New_York";
	m.len = strlen(m.text);
	router_handle(F.rt, &m, 1790000000, &F.a);
	assert_string_equal(buf_str(&F.a.text),
	    "Daily highlight here: on, at 23:00 America/New_York. Next post: "
	    "today at 23:00.");
	m.text = "!highlight time 06:00 America/New_York";
	m.len = strlen(m.text);
	router_handle(F.rt, &m, 1790000000, &F.a);
	assert_has(buf_str(&F.a.text), "Next post: 2026-09-22 at 06:00.");
	m.text = "!highlight time 25:00";
	m.len = strlen(m.text);
	router_handle(F.rt, &m, 1790000000, &F.a);
	assert_has(buf_str(&F.a.text), "Usage");
	m.text = "!highlight time 08:00 Mars/Base";
	m.len = strlen(m.text);
	router_handle(F.rt, &m, 1790000000, &F.a);
	assert_has(buf_str(&F.a.text), "don't know the time zone");
	m.text = "!highlight";
	m.len = strlen(m.text);
	m.privileged = 0;
	router_handle(F.rt, &m, 1790000000, &F.a);
	r = hl_today(h, NET, CHAN, 1790000000);
	assert_has(buf_str(&F.a.text), r->title);
	router_set_daily(F.rt, NULL);
	hl_free(h);
}

/* What the IRC adapter receives: every role in one line of at most 400
 * bytes that still says what the job is, cut from the text Matrix gets
 * whole. */
static void
test_12_every_post_is_one_irc_line(void **s)
{
	struct highlights *h;
	int i;

	(void)s;
	for (i = 0; i < F.kb->nroles; i++) {
		const struct kb_role *r = &F.kb->roles[i];
		const char *t;

		h = hl_new(st, F.kb, 9 * 3600, "UTC", CATCHUP);
		hl_set_poster(h, poster_text, line_max_irc, NULL);
		hl_add(h, NET, CHAN, 1, -1, NULL);
		hl_add(h, "matrix:m", "!room", 1, -1, NULL);
		state_del(st, "highlight", NET ":" CHAN "|day");
		/* today's role is r: make it so through the stored choice */
		{
			char v[96];

			snprintf(v, sizeof(v), "20260301 %s", r->id);
			state_set(st, "highlight", NET ":" CHAN "|day", v);
			state_set(st, "highlight", "matrix:m:!room|day", v);
		}
		state_del(st, "highlight", NET ":" CHAN "|posted");
		state_del(st, "highlight", "matrix:m:!room|posted");
		nirc = nmx = 0;
		hl_tick(h, local("UTC", 2026, 3, 1, "09:00"));
		assert_int_equal(nirc, 1);
		assert_int_equal(nmx, 1);
		t = irc_text;
		assert_true(strlen(t) <= ANSWER_LINE_MAX);
		assert_has(t, r->title);
		assert_null(strchr(t, '\n'));
		{	/* whole characters, no control bytes */
			char *c = text_clean(t, strlen(t));

			assert_string_equal(c, t);
			free(c);
		}
		/* the line on what the job is: at least its start */
		assert_true(strncmp(strstr(t, "Key skills: "), "Key skills: ",
		    12) == 0);
		assert_non_null(strstr(t, ". ") ? strstr(strstr(t,
		    "Key skills: "), ". ") : NULL);
		assert_has(mx_text, r->primary->summary);
		/* one text, formatted once: the line is all of it, or its
		 * beginning cut at a word */
		if (strlen(mx_text) <= ANSWER_LINE_MAX)
			assert_string_equal(t, mx_text);
		else {
			size_t n = strlen(t) - strlen("…");

			assert_string_equal(t + n, "…");
			assert_memory_equal(t, mx_text, n);
			assert_true(mx_text[n] == ' ' || t[n - 1] == ' ' ||
			    ispunct((unsigned char)t[n - 1]));
		}
		hl_free(h);
	}
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup_teardown(test_01_decide, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_02_thirty_days_on_time_across_dst, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_03_rotation_every_role_once_no_repeats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_04_restarts_post_once,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_05_offline_catch_up_window,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_06_disconnected_then_posted_after_reconnect, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_07_missing_time_posted_at_first_valid_minute, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_08_year_boundary, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_09_new_role_joins_next_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_10_runtime_changes_persist,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_11_command_on_off_and_refusal, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_12_every_post_is_one_irc_line, setup, teardown),
	};

	return cmocka_run_group_tests_name("highlight", t, fixture_setup,
	    fixture_teardown);
}
