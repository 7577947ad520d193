/*
 * test_state.c -- the state store: values and handled ids survive a
 * reopen, a transaction commits all or nothing, the file is private, and
 * a bad directory is a clear error.  The directory as systemd's
 * DynamicUser= lays it out (a symlink into /var/lib/private) works (N4),
 * and a directory swapped after the checks is not used (N3).
 */
#include <sys/stat.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <sqlite3.h>

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

static void
test_05_symlinked_db_refused(void **s)
{
	char err[256], path[128], target[128];
	struct stat sb;

	(void)s;
	snprintf(path, sizeof(path), "%s/" STATE_FILE, dir);
	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	assert_int_equal(symlink(target, path), 0);	/* dangling */
	assert_null(state_open(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "symlink"));
	/* nothing was created through it */
	assert_int_equal(lstat(target, &sb), -1);
	/* and not to an existing file either */
	assert_int_equal(close(open(target, O_CREAT | O_WRONLY, 0600)), 0);
	assert_null(state_open(dir, err, sizeof(err)));
	assert_null(state_open(path, err, sizeof(err)));
}

static void
test_06_open_dir_refused(void **s)
{
	char err[256], sub[128];

	(void)s;
	snprintf(sub, sizeof(sub), "%s/shared", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(chmod(sub, 0777), 0);
	assert_null(state_open(sub, err, sizeof(err)));
	assert_non_null(strstr(err, "not writable by group or others"));
	assert_int_equal(chmod(sub, 0720), 0);
	assert_null(state_open(sub, err, sizeof(err)));
	assert_int_equal(chmod(sub, 0755), 0);	/* readable is fine */
	state_free(state_open(sub, err, sizeof(err)));
}

static void
test_07_existing_db_made_private(void **s)
{
	char err[256], path[128];
	struct state *st;
	struct stat sb;

	(void)s;
	snprintf(path, sizeof(path), "%s/" STATE_FILE, dir);
	assert_int_equal(close(open(path, O_CREAT | O_WRONLY, 0600)), 0);
	assert_int_equal(chmod(path, 0644), 0);	/* as from a restore */
	st = state_open(dir, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	state_free(st);
}

/* L7: a store from a newer techpay, random bytes, a damaged page. */
static void
test_08_newer_or_damaged_store_refused(void **s)
{
	char err[512], path[128], cmd[512];
	struct state *st;
	FILE *fp;
	int i;

	(void)s;
	snprintf(path, sizeof(path), "%s/" STATE_FILE, dir);
	st = state_open(dir, err, sizeof(err));
	assert_non_null(st);
	assert_int_equal(state_set(st, "s", "k", "v"), 0);
	state_free(st);
	/* a newer schema */
	snprintf(cmd, sizeof(cmd), "python3 -c \"import sqlite3; "
	    "c = sqlite3.connect('%s'); c.execute('PRAGMA user_version = 7'); "
	    "c.commit()\"", path);
	assert_int_equal(system(cmd), 0);
	assert_null(state_open(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "made by a newer techpay (schema 7"));
	/* random bytes */
	unlink(path);
	fp = fopen(path, "w");
	for (i = 0; i < 8192; i++)
		fputc((i * 7919) & 0xff, fp);
	fclose(fp);
	chmod(path, 0600);
	assert_null(state_open(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "techpay.db"));
	/* a damaged second page of a real store */
	unlink(path);
	st = state_open(dir, err, sizeof(err));
	assert_non_null(st);
	for (i = 0; i < 300; i++) {
		char k[16];

		snprintf(k, sizeof(k), "k%d", i);
		assert_int_equal(state_set(st, "scope", k,
		    "a value long enough to fill a few pages of the store"), 0);
	}
	state_free(st);
	snprintf(cmd, sizeof(cmd), "python3 -c \"import sqlite3; "
	    "c = sqlite3.connect('%s'); c.execute('PRAGMA wal_checkpoint(TRUNCATE)'); "
	    "c.close(); f = open('%s', 'r+b'); f.seek(4096); "
	    "f.write(bytes(range(256)) * 8); f.close()\"", path, path);
	assert_int_equal(system(cmd), 0);
	assert_null(state_open(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "damaged"));
}

/* ---- N4, N3: the directory as systemd makes it, and swapped -------- */

/*
 * Interposed (the executable's definition comes before libsqlite3's):
 * between() runs once, after state_open's checks and before SQLite opens
 * anything, where a user who can write state_dir's parent would rename
 * it away and put a directory of theirs in its place.
 */
static void (*between)(void);

int
sqlite3_open_v2(const char *name, sqlite3 **db, int flags, const char *vfs)
{
	int (*real)(const char *, sqlite3 **, int, const char *);
	void (*fn)(void) = between;

	*(void **)&real = dlsym(RTLD_NEXT, "sqlite3_open_v2");
	between = NULL;
	if (fn)
		fn();
	return real(name, db, flags, vfs);
}

static char lib[128], priv[128];

/*
 * StateDirectory=techpay with DynamicUser=yes, under dir: the directory
 * is var/lib/private/techpay (var/lib/private 0700), and
 * var/lib/techpay is a symlink to private/techpay (systemd.exec(5)).
 */
static void
systemd_layout(void)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/var", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/var/lib", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/var/lib/private", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(priv, sizeof(priv), "%s/var/lib/private/techpay", dir);
	assert_int_equal(mkdir(priv, 0700), 0);
	snprintf(lib, sizeof(lib), "%s/var/lib/techpay", dir);
	assert_int_equal(symlink("private/techpay", lib), 0);
}

/* 1 if dir/name exists (not followed), 0 if not. */
static int
exists(const char *d, const char *name)
{
	char p[192];
	struct stat sb;

	snprintf(p, sizeof(p), "%s/%s", d, name);
	return lstat(p, &sb) == 0;
}

static void
test_09_systemd_layout(void **s)
{
	char err[512], p[192], *v;
	struct state *st;
	struct stat sb;

	(void)s;
	systemd_layout();
	if ((st = state_open(lib, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	assert_int_equal(state_set(st, "matrix:m", "access_token", "T"), 0);
	/* the WAL files sit beside the database, in the real directory */
	assert_true(exists(priv, STATE_FILE "-wal"));
	assert_true(exists(priv, STATE_FILE "-shm"));
	state_free(st);
	/* and SQLite removed them on close, through the same directory */
	assert_false(exists(priv, STATE_FILE "-wal"));
	if ((st = state_open(lib, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	v = state_get(st, "matrix:m", "access_token");
	assert_string_equal(v, "T");
	free(v);
	state_free(st);
	snprintf(p, sizeof(p), "%s/" STATE_FILE, priv);
	assert_int_equal(lstat(p, &sb), 0);
	assert_true(S_ISREG(sb.st_mode));
	assert_int_equal(sb.st_mode & 0777, STATE_FILE_MODE);
}

static void
test_10_systemd_layout_planted(void **s)
{
	char err[512], p[192], target[192];
	struct state *st;

	(void)s;
	systemd_layout();
	/* a symlink planted for the database file itself */
	snprintf(p, sizeof(p), "%s/" STATE_FILE, priv);
	snprintf(target, sizeof(target), "%s/elsewhere", dir);
	assert_int_equal(symlink(target, p), 0);
	assert_null(state_open(lib, err, sizeof(err)));
	assert_non_null(strstr(err, "(a symlink is not accepted)"));
	assert_false(exists(dir, "elsewhere"));
	assert_int_equal(unlink(p), 0);
	/* the real directory open to group or others */
	assert_int_equal(chmod(priv, 0770), 0);
	assert_null(state_open(lib, err, sizeof(err)));
	assert_non_null(strstr(err, "not writable by group or others"));
	assert_int_equal(chmod(priv, 0703), 0);
	assert_null(state_open(lib, err, sizeof(err)));
	assert_false(exists(priv, STATE_FILE));	/* nothing made there */
	assert_int_equal(chmod(priv, 0700), 0);
	if ((st = state_open(lib, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	state_free(st);
	/* a symlink to another user's directory (root can make one) */
	if (geteuid() != 0)
		return;
	assert_int_equal(chown(priv, 65534, 65534), 0);
	assert_null(state_open(lib, err, sizeof(err)));
	assert_non_null(strstr(err, "must be owned by uid 0"));
}

static char sd[128], ours[128];

/* What the other user does, after the checks (see between). */
static void
swap_dir(void)
{
	char p[192];

	assert_int_equal(rename(sd, ours), 0);
	assert_int_equal(mkdir(sd, 0700), 0);
	snprintf(p, sizeof(p), "%s/" STATE_FILE, sd);
	assert_int_equal(close(open(p, O_CREAT | O_WRONLY, 0600)), 0);
}

static void
test_11_dir_swapped_after_checks(void **s)
{
	char err[512], p[192], *v;
	struct state *st;
	struct stat sb;

	(void)s;
	snprintf(p, sizeof(p), "%s/shared", dir);	/* writable by all */
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(chmod(p, 0777), 0);
	snprintf(sd, sizeof(sd), "%s/shared/sd", dir);
	snprintf(ours, sizeof(ours), "%s/shared/sd.ours", dir);
	assert_int_equal(mkdir(sd, 0700), 0);
	between = swap_dir;
	if ((st = state_open(sd, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	assert_null(between);	/* the swap happened */
	assert_int_equal(state_set(st, "matrix:m", "access_token", "T"), 0);
	/* nothing in the planted file, no WAL beside it */
	snprintf(p, sizeof(p), "%s/" STATE_FILE, sd);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	assert_false(exists(sd, STATE_FILE "-wal"));
	state_free(st);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_size, 0);
	/* everything went to our directory, wherever it is now */
	if ((st = state_open(ours, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	v = state_get(st, "matrix:m", "access_token");
	assert_string_equal(v, "T");
	free(v);
	state_free(st);
}

/* The bot's answers survive a reopen: found by question, by answer and
 * by thread, per scope; a newer answer replaces the older. */
static void
test_12_replies_survive_reopen(void **s)
{
	char err[256], *v;
	struct state *st = state_open(dir, err, sizeof(err));

	(void)s;
	assert_non_null(st);
	assert_null(state_reply_get(st, "m", "$q1"));
	assert_int_equal(state_reply_put(st, "m", "$q1", "$a1", NULL), 0);
	assert_int_equal(state_reply_put(st, "m", "$q2", "$a2", "$root"), 0);
	state_free(st);
	st = state_open(dir, err, sizeof(err));
	assert_non_null(st);
	v = state_reply_get(st, "m", "$q1");
	assert_string_equal(v, "$a1");
	free(v);
	assert_null(state_reply_get(st, "other", "$q1"));
	assert_int_equal(state_reply_ours(st, "m", "$a2"), 1);
	assert_int_equal(state_reply_ours(st, "m", "$q2"), 0);
	assert_int_equal(state_reply_ours(st, "other", "$a2"), 0);
	assert_int_equal(state_reply_in_thread(st, "m", "$root"), 1);
	assert_int_equal(state_reply_in_thread(st, "m", "$a1"), 1);
	assert_int_equal(state_reply_in_thread(st, "m", "$elsewhere"), 0);
	assert_int_equal(state_reply_in_thread(st, "m", ""), 0);
	assert_int_equal(state_reply_put(st, "m", "$q1", "$a3", NULL), 0);
	v = state_reply_get(st, "m", "$q1");
	assert_string_equal(v, "$a3");
	free(v);
	state_free(st);
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
		cmocka_unit_test_setup_teardown(test_05_symlinked_db_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_06_open_dir_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_08_newer_or_damaged_store_refused,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_07_existing_db_made_private,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_09_systemd_layout, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_10_systemd_layout_planted,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_11_dir_swapped_after_checks,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_12_replies_survive_reopen,
		    setup, teardown),
	};

	return cmocka_run_group_tests_name("state", t, NULL, NULL);
}
