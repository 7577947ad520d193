/*
 * test_state.c -- the state store: values and handled ids survive a
 * reopen, a transaction commits all or nothing, the file is private, and
 * a bad directory is a clear error.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "state.h"

static char dir[64];

static int
setup(void **s)
{
	(void)s;
	snprintf(dir, sizeof(dir), "/tmp/techpay-state-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int
teardown(void **s)
{
	char cmd[128];

	(void)s;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_01_values_survive_reopen(void **s)
{
	char err[256], *v;
	struct state *st = state_open(dir, err, sizeof(err));

	(void)s;
	assert_non_null(st);
	assert_null(state_get(st, "m", "k"));
	assert_int_equal(state_set(st, "m", "k", "one"), 0);
	assert_int_equal(state_set(st, "m", "k", "two"), 0);
	assert_int_equal(state_set(st, "other", "k", "x"), 0);
	state_free(st);
	st = state_open(dir, err, sizeof(err));
	v = state_get(st, "m", "k");
	assert_string_equal(v, "two");
	free(v);
	assert_int_equal(state_del(st, "m", "k"), 0);
	assert_null(state_get(st, "m", "k"));
	v = state_get(st, "other", "k");
	assert_string_equal(v, "x");
	free(v);
	state_free(st);
}

static void
test_02_transaction_all_or_nothing(void **s)
{
	char err[256], *v;
	struct state *st = state_open(dir, err, sizeof(err));

	(void)s;
	assert_int_equal(state_begin(st), 0);
	state_set(st, "m", "next_batch", "s1");
	state_mark(st, "m", "$a");
	state_rollback(st);
	assert_null(state_get(st, "m", "next_batch"));
	assert_int_equal(state_seen(st, "m", "$a"), 0);
	assert_int_equal(state_begin(st), 0);
	state_set(st, "m", "next_batch", "s2");
	state_mark(st, "m", "$b");
	assert_int_equal(state_commit(st), 0);
	state_free(st);
	st = state_open(dir, err, sizeof(err));
	v = state_get(st, "m", "next_batch");
	assert_string_equal(v, "s2");
	free(v);
	assert_int_equal(state_seen(st, "m", "$b"), 1);
	assert_int_equal(state_seen(st, "other", "$b"), 0);
	state_prune(st);	/* just marked: kept */
	assert_int_equal(state_seen(st, "m", "$b"), 1);
	state_free(st);
}

static void
test_03_private_file(void **s)
{
	char err[256], path[128];
	struct state *st;
	struct stat sb;
	mode_t old = umask(0);

	(void)s;
	st = state_open(dir, err, sizeof(err));
	umask(old);
	assert_non_null(st);
	snprintf(path, sizeof(path), "%s/" STATE_FILE, dir);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	state_free(st);
}

static void
test_04_bad_places(void **s)
{
	char err[256];

	(void)s;
	assert_null(state_open("/proc/nope/deeper", err, sizeof(err)));
	assert_non_null(strstr(err, "state_dir /proc/nope/deeper"));
	assert_null(state_open("/etc/passwd/x.db", err, sizeof(err)));
	assert_non_null(strstr(err, "x.db"));
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test_setup_teardown(test_01_values_survive_reopen,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_02_transaction_all_or_nothing,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_03_private_file, setup,
		    teardown),
		cmocka_unit_test(test_04_bad_places),
	};

	return cmocka_run_group_tests_name("state", t, NULL, NULL);
}
