/*
 * state.h -- what the bot must not lose on restart, in one SQLite file.
 *
 * A small key/value table per scope (a Matrix account's access token,
 * device id and sync token; later the highlight schedule) and a table of
 * handled event ids, so that a question is answered exactly once.  The
 * file is created 0600 in the config's state_dir.  Writes that belong
 * together (a sync token and the events it covered) go in one
 * transaction: state_begin() ... state_commit().
 */
#ifndef TECHPAY_STATE_H
#define TECHPAY_STATE_H

#include <stddef.h>

#define STATE_FILE		"techpay.db"
#define STATE_SCHEMA_VERSION	1	/* PRAGMA user_version; a newer one is refused */
#define STATE_KEEP_EVENTS_S	(14 * 86400)	/* handled ids kept this long */
#define STATE_DIR_MODE		0700	/* created so; group/other-writable refused */
#define STATE_FILE_MODE		0600	/* it holds access tokens */

struct state;

/* Opens (creating) dir/STATE_FILE, or path itself when it ends in ".db";
 * NULL with err filled.  dir (which may be a symlink, as systemd's
 * StateDirectory= makes it) is opened once: it must be ours and not
 * writable by group or others, and every file SQLite opens is in that
 * directory, whatever its path names later.  The file must not be a
 * symlink, must be ours, and is made STATE_FILE_MODE.  Needs /proc. */
struct state	*state_open(const char *dir, char *err, size_t errlen);
void		 state_free(struct state *);

/* The value of scope/key in a malloc'd string the caller frees, or NULL. */
char		*state_get(struct state *, const char *scope, const char *key);
/* 0, or -1 after logging (a full disk must not stop the answers). */
int		 state_set(struct state *, const char *scope, const char *key,
		    const char *value);
int		 state_del(struct state *, const char *scope, const char *key);

/* Calls fn for every key of scope, in key order. */
void		 state_each(struct state *, const char *scope,
		    void (*fn)(const char *key, const char *value, void *),
		    void *ctx);

/* 1 if scope has handled id, 0 if not (or on error). */
int		 state_seen(struct state *, const char *scope, const char *id);
int		 state_mark(struct state *, const char *scope, const char *id);
/* Forgets handled ids and replies older than STATE_KEEP_EVENTS_S. */
void		 state_prune(struct state *);

/*
 * The bot's answers: reply is the event that answered id, in thread
 * (NULL or "": none).  An edit of id edits reply, a redaction of id
 * redacts it; a message replying to reply, or in a thread the bot has
 * answered in (or whose root is one of its answers), is addressed to it.
 */
int		 state_reply_put(struct state *, const char *scope,
		    const char *id, const char *reply, const char *thread);
/* The answer to id (malloc'd, the caller frees), or NULL. */
char		*state_reply_get(struct state *, const char *scope,
		    const char *id);
/* 1 if reply is one of the bot's answers. */
int		 state_reply_ours(struct state *, const char *scope,
		    const char *reply);
/* 1 if the bot answered in thread, or thread's root is its answer. */
int		 state_reply_in_thread(struct state *, const char *scope,
		    const char *thread);

/*
 * The end-to-end encryption store (mx_crypto.c): rows of scope, kind
 * ("account", "olm", "megolm", ...) and id, each a value and the time
 * (unix seconds) it was first written.  Values are pickles under the
 * pickle key or public data; the copies made while reading are wiped.
 */
typedef int	 state_crypto_fn(const char *id, const char *value,
		    long long at, void *ctx);
char		*state_crypto_get(struct state *, const char *scope,
		    const char *kind, const char *id);
int		 state_crypto_put(struct state *, const char *scope,
		    const char *kind, const char *id, const char *value);
int		 state_crypto_del(struct state *, const char *scope,
		    const char *kind, const char *id);
/* Calls fn (NULL: none, only counts) for each row of scope/kind whose
 * id starts with prefix (NULL: every one), oldest first, until fn
 * returns non-zero; returns how many rows there were. */
int		 state_crypto_each(struct state *, const char *scope,
		    const char *kind, const char *prefix, state_crypto_fn *fn,
		    void *ctx);

int		 state_begin(struct state *);
int		 state_commit(struct state *);
void		 state_rollback(struct state *);

#endif
