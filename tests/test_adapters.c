/*
 * test_adapters.c -- the one registry of adapter kinds and the set of
 * adapters a config runs: the config reader finds each kind's sections
 * through the registry, and a reload that adds or removes a section of
 * any kind connects or disconnects it, including a kind that had no
 * section, hence no adapter, until then.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "adapter.h"
#include "config.h"
#include "confparse.h"
#include "irc_conf.h"
#include "log.h"
#include "matrix_conf.h"
#include "state.h"

static char dir[64];		/* state_dir of every config here */
static struct state *st;
static struct bot *bot;

/* A config of sections (after [bot]), or a failed test with its errors. */
static struct config *
load(const char *sections)
{
	static char err[CONFIG_ERR_MAX], warn[CONFIG_WARN_MAX];
	char path[64];
	struct config *cf;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "/tmp/techpay-adapters-XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);	/* 0600 */
	assert_non_null(f = fdopen(fd, "w"));
	fprintf(f, "[bot]\nstate_dir = %s\n%s", dir, sections);
	fclose(f);
	cf = config_load(path, err, sizeof(err), warn, sizeof(warn));
	unlink(path);
	if (cf == NULL)
		fail_msg("%s", err);
	return cf;
}

#define NET(name)	"[network " name "]\nservers = 127.0.0.1:1\n" \
			"tls = no\n"
#define MX(name)	"[matrix " name "]\nhomeserver = http://127.0.0.1:1\n" \
			"user_id = @bot:localhost\naccess_token = t\n" \
			"invite_from = @boss:localhost\n"

static int
setup(void **s)
{
	struct router_opts ro = { "!", "techpay" };
	char err[256];

	if (fixture_setup(s) == -1)
		return -1;
	log_set_level(LOG_ERROR);
	snprintf(dir, sizeof(dir), "/tmp/techpay-adapters-st-XXXXXX");
	if (mkdtemp(dir) == NULL ||
	    (st = state_open(dir, err, sizeof(err))) == NULL)
		return -1;
	bot = bot_new(F.kb, F.ix, &ro);
	return 0;
}

static int
teardown(void **s)
{
	char cmd[128];

	bot_free(bot);
	state_free(st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return -1;
	return fixture_teardown(s);
}

static void
test_01_config_kinds_are_the_registrys(void **s)
{
	const struct adapter_ops *ops;
	int i, k = 0;

	(void)s;
	/* every kind of the registry with sections, in its order, and no
	 * other: the reader keeps no list of its own */
	for (i = 0; (ops = adapter_at(i)) != NULL; i++)
		if (ops->conf)
			assert_ptr_equal(config_kind_at(k++), ops->conf);
	assert_null(config_kind_at(k));
	assert_true(k >= 2);
	assert_ptr_equal(adapter_of_network("irc:x")->conf, &irc_config);
	assert_ptr_equal(adapter_of_network("matrix:x")->conf,
	    &matrix_config);
}

static void
test_02_sections_go_to_their_kind(void **s)
{
	struct config *cf = load(NET("a") NET("b") MX("m"));

	(void)s;
	assert_int_equal(config_networks(cf)->n, 2);
	assert_string_equal(config_networks(cf)->v[1].name, "b");
	assert_int_equal(config_accounts(cf)->n, 1);
	assert_string_equal(config_accounts(cf)->v[0].name, "m");
	assert_ptr_equal(config_sections(cf, &irc_config), config_networks(cf));
	assert_string_equal(config_summary(cf),
	    "2 IRC networks, 1 Matrix account");
	/* the answers' name: the first network's nick ([bot] nick's) */
	assert_string_equal(config_nick(cf), "techpay");
	config_free(cf);
}

static void
test_03_only_kinds_with_sections_run(void **s)
{
	struct config *cf = load(NET("a"));
	struct adapters *as = adapters_new(bot, cf, st);

	(void)s;
	assert_true(adapters_has(as, "irc:a"));
	assert_false(adapters_has(as, "irc:b"));
	assert_false(adapters_has(as, "matrix:m"));
	assert_int_equal(adapters_failed(as), 0);
	adapters_free(as);
	config_free(cf);
}

static void
test_04_reload_adds_a_kind_that_had_none(void **s)
{
	struct config *cf = load(NET("a")), *ncf = load(NET("a") MX("m"));
	struct adapters *as = adapters_new(bot, cf, st);

	(void)s;
	assert_false(adapters_has(as, "matrix:m"));
	adapters_reload(as, ncf);
	assert_true(adapters_has(as, "matrix:m"));
	assert_true(adapters_has(as, "irc:a"));
	adapters_free(as);
	config_free(cf);
	config_free(ncf);
}

static void
test_05_reload_adds_irc_to_matrix(void **s)
{
	struct config *cf = load(MX("m")), *ncf = load(MX("m") NET("a"));
	struct adapters *as = adapters_new(bot, cf, st);

	(void)s;
	assert_false(adapters_has(as, "irc:a"));
	adapters_reload(as, ncf);
	assert_true(adapters_has(as, "irc:a"));
	assert_true(adapters_has(as, "matrix:m"));
	adapters_free(as);
	config_free(cf);
	config_free(ncf);
}

static void
test_06_reload_adds_and_removes_within_a_kind(void **s)
{
	struct config *cf = load(NET("a") MX("m"));
	struct config *ncf = load(NET("b") MX("n"));
	struct adapters *as = adapters_new(bot, cf, st);

	(void)s;
	adapters_reload(as, ncf);
	assert_false(adapters_has(as, "irc:a"));
	assert_true(adapters_has(as, "irc:b"));
	assert_false(adapters_has(as, "matrix:m"));
	assert_true(adapters_has(as, "matrix:n"));
	/* and back: a removed name comes again as a new section */
	adapters_reload(as, cf);
	assert_true(adapters_has(as, "irc:a"));
	assert_false(adapters_has(as, "irc:b"));
	assert_true(adapters_has(as, "matrix:m"));
	assert_false(adapters_has(as, "matrix:n"));
	adapters_free(as);
	config_free(cf);
	config_free(ncf);
}

static void
test_07_reload_removes_every_section_of_a_kind(void **s)
{
	struct config *cf = load(NET("a") MX("m")), *ncf = load(MX("m"));
	struct adapters *as = adapters_new(bot, cf, st);

	(void)s;
	adapters_reload(as, ncf);
	assert_false(adapters_has(as, "irc:a"));
	assert_true(adapters_has(as, "matrix:m"));
	adapters_free(as);
	config_free(cf);
	config_free(ncf);
}

static long
stop_cb(struct loop *l, void *ctx)
{
	(void)ctx;
	loop_stop(l);
	return LOOP_NOMORE;
}

static void
test_08_started_set_starts_what_a_reload_adds(void **s)
{
	struct config *cf = load(NET("a")), *ncf = load(NET("a") MX("m"));
	struct loop *l = loop_new();
	struct adapters *as = adapters_new(bot, cf, st);

	(void)s;
	assert_int_equal(adapters_start(as, l), 0);
	adapters_reload(as, ncf);
	assert_true(adapters_has(as, "matrix:m"));
	/* the new account works from here: its first request is on its
	 * way (to a port where nobody listens), none of it is fatal */
	loop_add_timer(l, 200, stop_cb, NULL);
	loop_run(l);
	assert_int_equal(adapters_failed(as), 0);
	adapters_stop(as);
	adapters_free(as);
	loop_free(l);
	config_free(cf);
	config_free(ncf);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_config_kinds_are_the_registrys),
		cmocka_unit_test(test_02_sections_go_to_their_kind),
		cmocka_unit_test(test_03_only_kinds_with_sections_run),
		cmocka_unit_test(test_04_reload_adds_a_kind_that_had_none),
		cmocka_unit_test(test_05_reload_adds_irc_to_matrix),
		cmocka_unit_test(test_06_reload_adds_and_removes_within_a_kind),
		cmocka_unit_test(
		    test_07_reload_removes_every_section_of_a_kind),
		cmocka_unit_test(test_08_started_set_starts_what_a_reload_adds),
	};

	return cmocka_run_group_tests_name("adapters", t, setup, teardown);
}
