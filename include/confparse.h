/*
 * confparse.h -- what the config's readers share (config.c and the
 * section files of each adapter kind: irc_conf.c, matrix_conf.c).
 *
 * Not a public interface: config.h is.  Errors are collected with their
 * line (perr), warnings too (pwarn), so check-config reports every one.
 */
#ifndef TECHPAY_CONFPARSE_H
#define TECHPAY_CONFPARSE_H

#include <stdio.h>

#include "buf.h"
#include "config.h"

struct parse {
	struct config		*cf;
	FILE			*fp;
	int			 line;
	struct buf		 errs;
	int			 nerr;
	struct config_network	*net;	/* current [network] section */
	struct config_matrix	*mx;	/* current [matrix] section */
	int			 in_bot;
	struct buf		 warns;	/* lines for config_load's warn */
	int			 after_key;	/* an indented line continues */
	int			 hl_line[CONFIG_NETWORKS_MAX];	/* highlights = */
	/* channel_key_file's keys, per network: read at the key, handed
	 * to their channels by irc_check once channels is known (which
	 * frees what it does not hand over) */
	struct config_channel	 key_files[CONFIG_NETWORKS_MAX]
				    [CONFIG_CHANNELS_MAX];
	int			 nkey_files[CONFIG_NETWORKS_MAX];
	int			 key_file_line[CONFIG_NETWORKS_MAX];
};

/* How a secret was given, in a section's *_forms (set_secret). */
#define SECRET_INLINE	1	/* KEY = value */
#define SECRET_FILE	2	/* KEY_file = path */

/*
 * A kind of [KIND NAME] section: open finds or makes the section called
 * name (NULL after an error), key reads one key of it, check looks at
 * every section of the kind once the file is read.
 */
struct section_kind {
	const char	*kind;
	void		*(*open)(struct parse *, const char *name);
	void		(*key)(struct parse *, void *, const char *k,
			    const char *v);
	void		(*check)(struct parse *);
};

extern const struct section_kind irc_section;	/* [network NAME] */
extern const struct section_kind matrix_section;	/* [matrix NAME] */

void	perr(struct parse *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	pwarn(struct parse *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* The first line of a secret file (checked: mode, size, type). */
char	*read_secret(struct parse *, const char *key, const char *path);
/* KEY = value or KEY_file = path into *dst; both ways is an error. */
void	 set_secret(struct parse *, const char *section, const char *k,
	    const char *v, char **dst, int *forms);
void	 unknown_key(struct parse *, const char *const *keys, const char *k,
	    const char *section);
char	*trimdup(const char *s, size_t n);
int	 split_list(struct parse *, const char *key, const char *v,
	    char **out, int max);
int	 parse_bool(struct parse *, const char *key, const char *v);
int	 parse_int(struct parse *, const char *key, const char *v, long lo,
	    long hi);
void	 set_str(char **dst, const char *v);
int	 valid_nick(const char *n);
void	 free_list(char **v, int n);
int	 valid_irc_word(const char *s);
int	 parse_highlights(struct parse *, const char *v,
	    struct config_highlight *out, int matrix);
void	 free_highlights(struct config_highlight *, int n);
char	*dupnull(const char *s);

#endif
