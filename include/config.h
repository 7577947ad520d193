/*
 * config.h -- the configuration file (INI, read with libinih).
 *
 * One [bot] section, the core's, and [KIND NAME] sections of the kinds
 * of network: each kind is an adapter's (adapters.c's registry), reads
 * its own keys (irc_conf.c's [network NAME], matrix_conf.c's [matrix
 * NAME]) and keeps them where the core does not look (config_sections).
 * Every key is documented in config.example.  Parsing collects every
 * error (with its line number) instead of stopping at the first, so
 * `techpay check-config` reports them all at once.
 */
#ifndef TECHPAY_CONFIG_H
#define TECHPAY_CONFIG_H

#include <stddef.h>

#define CONFIG_CHANNELS_MAX	32	/* channels, rooms, highlights */
#define CONFIG_LIST_MAX		32	/* owners, ignore masks */
#define CONFIG_KINDS_MAX	8	/* kinds of section in one file */
#define CONFIG_ERR_MAX		8192
#define CONFIG_WARN_MAX		4096	/* room for the collected warnings */
#define CONFIG_SECRET_MAX	4096	/* bytes of a *_file secret */
#define CONFIG_KEY_LEN		32	/* longest key "did you mean" weighs */
#define CONFIG_SUGGEST_MAX	2	/* edits a "did you mean" may be away */
#define CONFIG_SECTION_LEN	128	/* "KIND NAME" in a message */
/* config.example's nick: a copy left unchanged is refused, not run */
#define CONFIG_NICK_PLACEHOLDER	"CHANGE-ME"

/* One channel or room that gets the daily highlight. */
struct config_highlight {
	char		*target;
	int		 secs;		/* local time; -1: [bot] highlight_time */
	char		*zone;		/* NULL: [bot] highlight_zone */
};

struct config_kind;

struct config {
	char			*path;
	char			*prefix;
	char			*nick;		/* default nick for networks */
	char			*knowledge;	/* NULL: the embedded copy */
	char			*state_dir;
	char			*log_level;	/* error, warn, info, debug */
	char			*owners[CONFIG_LIST_MAX];
	int			 nowners;
	char			*ignore[CONFIG_LIST_MAX];
	int			 nignore;
	int			 user_rate;	/* questions per minute per user */
	int			 user_ignore_s;	/* ignored this long when over */
	int			 highlight_secs;	/* default local time */
	char			*highlight_zone;	/* default IANA zone */
	int			 highlight_catchup_s;
	/* each kind's sections, in a set only the kind reads; the kinds of
	 * the registry, in its order (config_free frees the sets) */
	struct {
		const struct config_kind *kind;
		void			*set;
	}			 kinds[CONFIG_KINDS_MAX];
	int			 nkinds;
	int			 secrets;	/* holds a password */
	int			 knowledge_line;	/* for config_check_start */
	int			 state_dir_line;
};

/*
 * Reads and checks a file.  Returns the config, or NULL with every error
 * written to err as "FILE:LINE: what is wrong" lines.  Warnings (such as
 * a file with passwords that others can read) go to warn either way.
 */
struct config	*config_load(const char *path, char *err, size_t errlen,
		    char *warn, size_t warnlen);
/*
 * What `run` meets at start beyond the file, for check-config: the
 * knowledge (kdir, as -k gives it, else the file's knowledge, else the
 * built-in copy) loads, and state_dir is ours and writable, or can be
 * created.  Nothing is created.  Returns the number of errors, written
 * to err as config_load writes them; warnings go to warn.
 */
int		 config_check_start(const struct config *, const char *kdir,
		    char *err, size_t errlen, char *warn, size_t warnlen);
void		 config_free(struct config *);
/* "2 IRC networks, 1 Matrix account": each kind's count (static buffer). */
const char	*config_summary(const struct config *);
/* The sections of a kind (the kind's own set, which its header names),
 * or NULL when the config has none of that kind. */
const void	*config_sections(const struct config *,
		    const struct config_kind *);
/* The name the bot answers to: the first that a kind's sections name
 * (in the registry's order), else [bot] nick. */
const char	*config_nick(const struct config *);
/* 1 when host (a name or an address, IPv6 bare or in brackets) is this
 * machine: localhost, 127.0.0.0/8 or ::1. */
int		 config_host_is_loopback(const char *host);

#endif
