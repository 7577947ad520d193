/*
 * state.c -- the SQLite state store (see state.h).
 *
 * WAL with synchronous=FULL: a committed sync token survives a power cut,
 * and readers never wait.  Every statement is prepared once and kept; all
 * values are bound parameters.  Errors are logged and returned, never
 * fatal: the bot keeps answering when the disk is full, and the next
 * successful commit catches up.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "log.h"
#include "state.h"

enum { Q_GET, Q_SET, Q_DEL, Q_EACH, Q_SEEN, Q_MARK, Q_PRUNE, Q_BEGIN, Q_COMMIT,
    Q_ROLLBACK, Q_CGET, Q_CPUT, Q_CDEL, Q_CEACH, Q_RPUT, Q_RGET, Q_ROURS,
    Q_RTHREAD, Q_RPRUNE, Q_COUNT };

static const char *const sql[Q_COUNT] = {
	[Q_GET] = "SELECT value FROM kv WHERE scope = ?1 AND key = ?2",
	[Q_SET] = "INSERT INTO kv(scope, key, value) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT(scope, key) DO UPDATE SET value = excluded.value",
	[Q_DEL] = "DELETE FROM kv WHERE scope = ?1 AND key = ?2",
	[Q_EACH] = "SELECT key, value FROM kv WHERE scope = ?1 ORDER BY key",
	[Q_SEEN] = "SELECT 1 FROM handled WHERE scope = ?1 AND id = ?2",
	[Q_MARK] = "INSERT OR IGNORE INTO handled(scope, id, at) "
	    "VALUES (?1, ?2, ?3)",
	[Q_PRUNE] = "DELETE FROM handled WHERE at < ?1",
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_CGET] = "SELECT value FROM crypto WHERE scope = ?1 AND kind = ?2 "
	    "AND id = ?3",
	[Q_CPUT] = "INSERT INTO crypto(scope, kind, id, value, at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(scope, kind, id) "
	    "DO UPDATE SET value = excluded.value",
	[Q_CDEL] = "DELETE FROM crypto WHERE scope = ?1 AND kind = ?2 "
	    "AND id = ?3",
	[Q_CEACH] = "SELECT id, value, at FROM crypto WHERE scope = ?1 AND "
	    "kind = ?2 AND substr(id, 1, length(?3)) = ?3 ORDER BY at, id",
	[Q_RPUT] = "INSERT INTO replies(scope, id, reply, thread, at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(scope, id) "
	    "DO UPDATE SET reply = excluded.reply, thread = excluded.thread",
	[Q_RGET] = "SELECT reply FROM replies WHERE scope = ?1 AND id = ?2",
	[Q_ROURS] = "SELECT 1 FROM replies WHERE scope = ?1 AND reply = ?2",
	[Q_RTHREAD] = "SELECT 1 FROM replies WHERE scope = ?1 AND "
	    "(thread = ?2 OR reply = ?2) LIMIT 1",
	[Q_RPRUNE] = "DELETE FROM replies WHERE at < ?1",
};

static const char schema[] =
	"PRAGMA journal_mode = WAL;"
	"PRAGMA synchronous = FULL;"
	/* a small cache: the state is a few rows read one at a time, and
	 * SQLite's default 2 MB would show as slow RSS growth for hours */
	"PRAGMA cache_size = -256;"
	"CREATE TABLE IF NOT EXISTS kv (scope TEXT NOT NULL, key TEXT NOT NULL,"
	" value TEXT NOT NULL, PRIMARY KEY (scope, key)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS handled (scope TEXT NOT NULL,"
	" id TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (scope, id))"
	" WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS handled_at ON handled(at);"
	/* end-to-end encryption (mx_crypto.c): pickles under the pickle
	 * key, device lists, events waiting for their room key; at is
	 * when the row was first written */
	"CREATE TABLE IF NOT EXISTS crypto (scope TEXT NOT NULL,"
	" kind TEXT NOT NULL, id TEXT NOT NULL, value TEXT NOT NULL,"
	" at INTEGER NOT NULL, PRIMARY KEY (scope, kind, id)) WITHOUT ROWID;"
	/* the bot's answer (reply) to each event answered (id), and the
	 * thread it went to ("" when none): an edit or a redaction of the
	 * question finds the answer, a reply to the answer finds it is
	 * ours; kept as long as the handled ids.  Added without a new
	 * schema version: an older store gains the table on open. */
	"CREATE TABLE IF NOT EXISTS replies (scope TEXT NOT NULL,"
	" id TEXT NOT NULL, reply TEXT NOT NULL, thread TEXT NOT NULL,"
	" at INTEGER NOT NULL, PRIMARY KEY (scope, id)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS replies_reply ON replies(scope, reply);"
	"CREATE INDEX IF NOT EXISTS replies_thread ON replies(scope, thread);"
	"CREATE INDEX IF NOT EXISTS replies_at ON replies(at);";

struct state {
	sqlite3		*db;
	sqlite3_stmt	*q[Q_COUNT];
	char		*path;	/* as configured, for messages */
	int		 dirfd;	/* state_dir, open as long as db (STATE_VFS) */
};

/* An int from a one-row pragma, or -1. */
static int
pragma_int(sqlite3 *db, const char *text)
{
	sqlite3_stmt *q;
	int v = -1;

	if (sqlite3_prepare_v2(db, text, -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return v;
}

/*
 * A store we can trust, or a clear error (L7): a newer techpay's schema
 * would fail every write (a new login at every start, questions skipped),
 * and a damaged file fails some writes silently; either way the bot must
 * not run on saving nothing.  An empty store is stamped with our version.
 */
static int
check_store(struct state *st, char *err, size_t errlen)
{
	sqlite3_stmt *q;
	const char *what = NULL;
	int v = pragma_int(st->db, "PRAGMA user_version");

	if (v > STATE_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: made by a newer techpay (schema %d, "
		    "this one knows %d): upgrade, or move the file away to "
		    "start afresh", st->path, v, STATE_SCHEMA_VERSION);
		return -1;
	}
	if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check", -1, &q, NULL) !=
	    SQLITE_OK || sqlite3_step(q) != SQLITE_ROW ||
	    (what = (const char *)sqlite3_column_text(q, 0)) == NULL ||
	    strcmp(what, "ok") != 0) {
		snprintf(err, errlen, "%s: damaged (%s): restore it from a "
		    "backup, or move it away to start afresh (a new login)",
		    st->path, what ? what : sqlite3_errmsg(st->db));
		sqlite3_finalize(q);
		return -1;
	}
	sqlite3_finalize(q);
	if (v < STATE_SCHEMA_VERSION) {
		char stamp[64];

		snprintf(stamp, sizeof(stamp), "PRAGMA user_version = %d",
		    STATE_SCHEMA_VERSION);
		if (sqlite3_exec(st->db, stamp, NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "%s: %s", st->path,
			    sqlite3_errmsg(st->db));
			return -1;
		}
	}
	return 0;
}

/*
 * SQLite opens the database by name, again for -journal, -wal and -shm,
 * and unlinks them by name: every one of those lookups would walk
 * state_dir's path anew, so whoever can write a directory above it could
 * swap in a directory of theirs after our checks (N3).  It is given
 * "/proc/self/fd/DIRFD/techpay.db" instead: the kernel resolves the
 * magic link to the directory we opened and checked, whatever its path
 * now names, and the other files' names are that one plus a suffix.
 *
 * The unix VFS's xFullPathname would undo that: it expands every symlink
 * of a name into the directory's textual path (strace shows the open of
 * "/state/dir/techpay.db").  So the state store uses a copy of the unix
 * VFS whose xFullPathname keeps the name as given; everything else is
 * the unix VFS's own, which also opens every file O_NOFOLLOW.  A whole
 * VFS over openat would be more code for the same effect, and
 * unix-dotfile changes locking, not lookups.
 */
#define STATE_VFS	"techpay-dirfd"

static int
keep_pathname(sqlite3_vfs *vfs, const char *name, int len, char *out)
{
	(void)vfs;
	if (name[0] != '/' || strlen(name) >= (size_t)len)
		return SQLITE_CANTOPEN;
	memcpy(out, name, strlen(name) + 1);
	return SQLITE_OK;
}

/* Registers STATE_VFS once; the copy lives as long as the process. */
static int
state_vfs(void)
{
	static sqlite3_vfs vfs;
	sqlite3_vfs *unix_vfs;

	if (vfs.zName != NULL)
		return 0;
	if ((unix_vfs = sqlite3_vfs_find("unix")) == NULL)
		return -1;
	vfs = *unix_vfs;	/* its pAppData too: the unix locking style */
	vfs.pNext = NULL;
	vfs.zName = STATE_VFS;
	vfs.xFullPathname = keep_pathname;
	if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK) {
		vfs.zName = NULL;
		return -1;
	}
	return 0;
}

/*
 * Opens state_dir once, following its path as systemd lays it out
 * (StateDirectory= with DynamicUser= makes /var/lib/techpay a symlink
 * to private/techpay, N4), and checks what was opened: the directory
 * holds access tokens, so it must be ours and closed to group and
 * others, or anyone who can write there could swap in a database (or a
 * symlink) of their own and read what we store.  A symlink to someone
 * else's directory is refused by the owner check.  The descriptor, or
 * -1; the caller closes it.
 */
static int
open_dir(const char *dir, char *err, size_t errlen)
{
	struct stat sb;
	int fd;

	if (mkdir(dir, STATE_DIR_MODE) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "state_dir %s: %s", dir, strerror(errno));
		return -1;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "state_dir %s: %s", dir,
		    errno == ENOTDIR ? "not a directory" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1) {
		snprintf(err, errlen, "state_dir %s: %s", dir, strerror(errno));
		goto fail;
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "state_dir %s: not a directory", dir);
		goto fail;
	}
	if (sb.st_uid != geteuid() || (sb.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, errlen, "state_dir %s: must be owned by uid %lu "
		    "and not writable by group or others (it is uid %lu, "
		    "mode %03o); chown it or chmod 700 %s", dir,
		    (unsigned long)geteuid(), (unsigned long)sb.st_uid,
		    (unsigned)(sb.st_mode & 0777), dir);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/*
 * Creates the database file 0600 ourselves in the directory dfd (SQLite
 * would follow the umask), never through a symlink, and makes an
 * existing one private: a file restored 0644 would otherwise stay
 * readable, and SQLite gives the -wal and -shm files the database file's
 * mode.  sb gets what was checked.  path is for messages.
 */
static int
check_file(int dfd, const char *name, const char *path, struct stat *sb,
    char *err, size_t errlen)
{
	int fd;

	if ((fd = openat(dfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	    STATE_FILE_MODE)) == -1) {
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
		    errno == ELOOP ? " (a symlink is not accepted)" : "");
		return -1;
	}
	if (fstat(fd, sb) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(sb->st_mode) || sb->st_uid != geteuid()) {
		snprintf(err, errlen, "%s: must be a regular file owned by "
		    "uid %lu", path, (unsigned long)geteuid());
		goto fail;
	}
	if ((sb->st_mode & 0777) != STATE_FILE_MODE &&
	    fchmod(fd, STATE_FILE_MODE) == -1) {
		snprintf(err, errlen, "%s: chmod: %s", path, strerror(errno));
		goto fail;
	}
	close(fd);
	return 0;
fail:
	close(fd);
	return -1;
}

/*
 * Opens st->dirfd's name with SQLite, through /proc/self/fd (see
 * STATE_VFS), after making sure that name leads to the file just
 * checked (want): without /proc mounted it would not, and the error
 * would be SQLite's "unable to open database file".
 */
static int
open_db(struct state *st, const char *name, const struct stat *want,
    char *err, size_t errlen)
{
	char via[64], *msg = NULL;
	struct stat sb;

	snprintf(via, sizeof(via), "/proc/self/fd/%d/%s", st->dirfd, name);
	if (fstatat(AT_FDCWD, via, &sb, AT_SYMLINK_NOFOLLOW) == -1 ||
	    sb.st_dev != want->st_dev || sb.st_ino != want->st_ino) {
		snprintf(err, errlen, "%s: cannot be opened through %s (is "
		    "/proc mounted?)", st->path, via);
		return -1;
	}
	if (state_vfs() == -1) {
		snprintf(err, errlen, "%s: SQLite has no unix VFS", st->path);
		return -1;
	}
	if (sqlite3_open_v2(via, &st->db, SQLITE_OPEN_READWRITE,
	    STATE_VFS) != SQLITE_OK ||
	    sqlite3_exec(st->db, schema, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", st->path,
		    msg ? msg : st->db ? sqlite3_errmsg(st->db) : "no memory");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

struct state *
state_open(const char *dir, char *err, size_t errlen)
{
	struct state *st;
	struct stat sb;
	const char *name = STATE_FILE;
	size_t n = strlen(dir);
	int i;

	st = xcalloc(1, sizeof(*st));
	st->dirfd = -1;
	/* a path to the file itself (tests, tools): its directory is the
	 * caller's business, the file is still checked */
	if (n > 3 && strcmp(dir + n - 3, ".db") == 0) {
		const char *slash = strrchr(dir, '/');
		char *parent = slash == NULL ? xstrdup(".") :
		    slash == dir ? xstrdup("/") :
		    xstrndup(dir, (size_t)(slash - dir));

		name = slash ? slash + 1 : dir;
		st->path = xstrdup(dir);
		if ((st->dirfd = open(parent, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) == -1)
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		free(parent);
		if (st->dirfd == -1)
			goto fail;
	} else {
		struct buf b = {0};

		if ((st->dirfd = open_dir(dir, err, errlen)) == -1)
			goto fail;
		buf_printf(&b, "%s/%s", dir, STATE_FILE);
		st->path = buf_steal(&b);
	}
	if (check_file(st->dirfd, name, st->path, &sb, err, errlen) == -1 ||
	    open_db(st, name, &sb, err, errlen) == -1)
		goto fail;
	sqlite3_busy_timeout(st->db, 2000);
	if (check_store(st, err, errlen) == -1)
		goto fail;
	for (i = 0; i < Q_COUNT; i++)
		if (sqlite3_prepare_v3(st->db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st->q[i], NULL) != SQLITE_OK) {
			snprintf(err, errlen, "%s: %s", st->path,
			    sqlite3_errmsg(st->db));
			goto fail;
		}
	return st;
fail:
	state_free(st);
	return NULL;
}

void
state_free(struct state *st)
{
	int i;

	if (st == NULL)
		return;
	for (i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(st->q[i]);
	sqlite3_close(st->db);
	/* after the close: SQLite unlinks -wal and -shm through it */
	if (st->dirfd != -1)
		close(st->dirfd);
	free(st->path);
	free(st);
}

/* Runs a prepared statement to completion; 0 or -1 after logging. */
static int
run(struct state *st, int q)
{
	int rc;

	while ((rc = sqlite3_step(st->q[q])) == SQLITE_ROW)
		;
	sqlite3_reset(st->q[q]);
	sqlite3_clear_bindings(st->q[q]);
	if (rc != SQLITE_DONE) {
		log_error("state %s: %s", st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

char *
state_get(struct state *st, const char *scope, const char *key)
{
	sqlite3_stmt *s = st->q[Q_GET];
	char *v = NULL;

	sqlite3_bind_text(s, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return v;
}

int
state_set(struct state *st, const char *scope, const char *key,
    const char *value)
{
	sqlite3_stmt *s = st->q[Q_SET];

	sqlite3_bind_text(s, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, value, -1, SQLITE_STATIC);
	return run(st, Q_SET);
}

int
state_del(struct state *st, const char *scope, const char *key)
{
	sqlite3_stmt *s = st->q[Q_DEL];

	sqlite3_bind_text(s, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
	return run(st, Q_DEL);
}

void
state_each(struct state *st, const char *scope,
    void (*fn)(const char *, const char *, void *), void *ctx)
{
	sqlite3_stmt *s = st->q[Q_EACH];
	char **kv = NULL;
	int i, n = 0;

	/* collected first: fn may write to the store */
	sqlite3_bind_text(s, 1, scope, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		kv = xrealloc(kv, sizeof(char *) * (size_t)(n + 2));
		kv[n++] = xstrdup((const char *)sqlite3_column_text(s, 0));
		kv[n++] = xstrdup((const char *)sqlite3_column_text(s, 1));
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	for (i = 0; i < n; i += 2) {
		fn(kv[i], kv[i + 1], ctx);
		free(kv[i]);
		free(kv[i + 1]);
	}
	free(kv);
}

int
state_seen(struct state *st, const char *scope, const char *id)
{
	sqlite3_stmt *s = st->q[Q_SEEN];
	int seen;

	sqlite3_bind_text(s, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	seen = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return seen;
}

int
state_mark(struct state *st, const char *scope, const char *id)
{
	sqlite3_stmt *s = st->q[Q_MARK];

	sqlite3_bind_text(s, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)time(NULL));
	return run(st, Q_MARK);
}

void
state_prune(struct state *st)
{
	sqlite3_int64 before = (sqlite3_int64)time(NULL) - STATE_KEEP_EVENTS_S;

	sqlite3_bind_int64(st->q[Q_PRUNE], 1, before);
	run(st, Q_PRUNE);
	sqlite3_bind_int64(st->q[Q_RPRUNE], 1, before);
	run(st, Q_RPRUNE);
}

int
state_reply_put(struct state *st, const char *scope, const char *id,
    const char *reply, const char *thread)
{
	sqlite3_stmt *s = st->q[Q_RPUT];

	sqlite3_bind_text(s, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, reply, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, thread ? thread : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)time(NULL));
	return run(st, Q_RPUT);
}

char *
state_reply_get(struct state *st, const char *scope, const char *id)
{
	sqlite3_stmt *s = st->q[Q_RGET];
	char *v = NULL;

	sqlite3_bind_text(s, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return v;
}

/* One row or none for the query q on (scope, id). */
static int
exists(struct state *st, int q, const char *scope, const char *id)
{
	sqlite3_stmt *s = st->q[q];
	int yes;

	sqlite3_bind_text(s, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	yes = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return yes;
}

int
state_reply_ours(struct state *st, const char *scope, const char *reply)
{
	return exists(st, Q_ROURS, scope, reply);
}

int
state_reply_in_thread(struct state *st, const char *scope,
    const char *thread)
{
	return *thread && exists(st, Q_RTHREAD, scope, thread);
}

int
state_begin(struct state *st)
{
	return run(st, Q_BEGIN);
}

int
state_commit(struct state *st)
{
	if (run(st, Q_COMMIT) == -1) {
		state_rollback(st);
		return -1;
	}
	return 0;
}

void
state_rollback(struct state *st)
{
	if (!sqlite3_get_autocommit(st->db))
		run(st, Q_ROLLBACK);
}

/* ---- the encryption store ---- */

char *
state_crypto_get(struct state *st, const char *scope, const char *kind,
    const char *id)
{
	sqlite3_stmt *s = st->q[Q_CGET];
	char *v = NULL;

	sqlite3_bind_text(s, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return v;
}

int
state_crypto_put(struct state *st, const char *scope, const char *kind,
    const char *id, const char *value)
{
	sqlite3_stmt *s = st->q[Q_CPUT];

	sqlite3_bind_text(s, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)time(NULL));
	return run(st, Q_CPUT);
}

int
state_crypto_del(struct state *st, const char *scope, const char *kind,
    const char *id)
{
	sqlite3_stmt *s = st->q[Q_CDEL];

	sqlite3_bind_text(s, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, id, -1, SQLITE_STATIC);
	return run(st, Q_CDEL);
}

int
state_crypto_each(struct state *st, const char *scope, const char *kind,
    const char *prefix, state_crypto_fn *fn, void *ctx)
{
	sqlite3_stmt *s = st->q[Q_CEACH];
	struct row { char *id, *value; long long at; } *rows = NULL;
	int i, n = 0, stop = 0;

	/* collected first: fn may write to the store */
	sqlite3_bind_text(s, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, prefix ? prefix : "", -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		rows = xrealloc(rows, sizeof(*rows) * (size_t)(n + 1));
		rows[n].id = xstrdup((const char *)sqlite3_column_text(s, 0));
		rows[n].value = xstrdup((const char *)sqlite3_column_text(s,
		    1));
		rows[n].at = sqlite3_column_int64(s, 2);
		n++;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	for (i = 0; i < n; i++) {
		if (fn && !stop && fn(rows[i].id, rows[i].value, rows[i].at,
		    ctx))
			stop = 1;
		explicit_bzero(rows[i].value, strlen(rows[i].value));
		free(rows[i].id);
		free(rows[i].value);
	}
	free(rows);
	return n;
}
