/*
 * confparse.h -- what the config's readers share (config.c and the
 * section files of each adapter kind: irc_conf.c, matrix_conf.c): a kind
 * of section (struct config_kind), and keys read by a table of rows.
 *
 * Not a public interface: config.h is.  Errors are collected with their
 * line (perr), warnings too (pwarn), so check-config reports every one.
 */
#ifndef TECHPAY_CONFPARSE_H
#define TECHPAY_CONFPARSE_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "config.h"

struct config_kind;

struct parse {
	struct config		*cf;
	FILE			*fp;
	int			 line;
	struct buf		 errs;
	int			 nerr;
	struct buf		 warns;	/* lines for config_load's warn */
	int			 after_key;	/* an indented line continues */
	const struct config_kind *kind;	/* the section's; NULL: unknown */
};

/* How a secret was given, in a section's *_forms (set_secret). */
#define SECRET_INLINE	1	/* KEY = value */
#define SECRET_FILE	2	/* KEY_file = path */

/*
 * A key's row: its name, how its value is read, where it goes (offset in
 * the section's struct) and what checks it.  A section's keys are one
 * table, ended by a row with a NULL name, read by config_set: a key is
 * listed once, and "did you mean" weighs the same names.
 */
enum config_type {
	CONFIG_STR,	/* char *; "" is NULL */
	CONFIG_BOOL,	/* int: yes/no, true/false, on/off, 1/0 */
	CONFIG_INT,	/* int from lo to hi */
	CONFIG_SECRET,	/* char *, with forms (KEY and KEY_file) */
	CONFIG_FN	/* read by check alone */
};

typedef void config_check_fn(struct parse *, void *sec, const char *k,
		    const char *v);

struct config_key {
	const char	*name;
	enum config_type type;
	size_t		 offset;	/* of the value in the section */
	/* CONFIG_FN: reads the value; other types: looks at it before it
	 * is stored (an error is reported, the value kept); or NULL */
	config_check_fn	*check;
	long		 lo, hi;	/* CONFIG_INT's range */
	size_t		 forms;		/* CONFIG_SECRET: its int *_forms */
};

/* A key config.example leaves for the operator to choose. */
struct config_placeholder {
	const char	*key;
	const char	*value;
	int		 fatal;		/* an error; else a warning */
};

/*
 * A kind of [KIND NAME] section, as OpenSMTPD finds its table backends
 * by name: the reader finds the kind through the one registry of
 * adapters (config_kind_at, from adapters.c) and hands it its sections;
 * the kind keeps them in a set of its own, which nobody else reads but
 * its adapter (through the kind's header).
 */
struct config_kind {
	const char	*section;	/* "network": [network NAME] */
	const char	*noun;		/* "IRC network", for the summary */
	/* why the sections need [bot] state_dir, or NULL when they do not */
	const char	*state_why;
	/* keys config.example leaves to choose; the name ends the list */
	const struct config_placeholder *placeholders;
	void		*(*new)(void);		/* an empty set */
	/* The section called name in the set: found, or made (NULL after
	 * an error, such as too many) */
	void		*(*open)(struct parse *, void *set, const char *name);
	void		(*key)(struct parse *, void *sec, const char *k,
			    const char *v);
	/* every section of the set, once the file is read */
	void		(*check)(struct parse *, void *set);
	int		(*count)(const void *set);	/* sections */
	int		(*nhighlights)(const void *set);
	/* the nick the first section goes by, or NULL (config_nick) */
	const char	*(*nick)(const void *set);
	void		(*free)(void *set);
};

/* The kinds of section, the i-th or NULL past the last: those of the
 * registry of adapters (adapters.c) that have sections. */
const struct config_kind *config_kind_at(int i);

/*
 * Key k of sec (the section called section in messages) by its row in
 * keys; a key not there is an error that names the nearest one.
 */
void	config_set(struct parse *, const struct config_key *keys, void *sec,
	    const char *section, const char *k, const char *v);

void	perr(struct parse *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	pwarn(struct parse *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* The first line of a secret file (checked: mode, size, type). */
char	*read_secret(struct parse *, const char *key, const char *path);
/* KEY = value or KEY_file = path into *dst; both ways is an error. */
void	 set_secret(struct parse *, const char *section, const char *k,
	    const char *v, char **dst, int *forms);
char	*trimdup(const char *s, size_t n);
int	 split_list(struct parse *, const char *key, const char *v,
	    char **out, int max);
int	 parse_bool(struct parse *, const char *key, const char *v);
int	 parse_int(struct parse *, const char *key, const char *v, long lo,
	    long hi);
void	 set_str(char **dst, const char *v);
int	 valid_nick(const char *n);
void	 free_list(char **v, int n);
int	 parse_highlights(struct parse *, const char *v,
	    struct config_highlight *out, const char *what,
	    int (*target_ok)(const char *));
void	 free_highlights(struct config_highlight *, int n);
char	*dupnull(const char *s);

#endif
