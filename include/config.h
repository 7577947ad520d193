/*
 * config.h -- the configuration file (INI, read with libinih).
 *
 * One [bot] section, one [network NAME] section per IRC network and one
 * [matrix NAME] section per Matrix account; every
 * key is documented in config.example.  Parsing collects every error (with
 * its line number) instead of stopping at the first, so `techpay
 * check-config` reports them all at once.
 */
#ifndef TECHPAY_CONFIG_H
#define TECHPAY_CONFIG_H

#include <stddef.h>

#define CONFIG_SERVERS_MAX	8
#define CONFIG_CHANNELS_MAX	32
#define CONFIG_NICKS_MAX	4
#define CONFIG_LIST_MAX		32	/* owners, ignore masks */
#define CONFIG_NETWORKS_MAX	8
#define CONFIG_MATRIX_MAX	4
#define CONFIG_ERR_MAX		8192
#define CONFIG_WARN_MAX		4096	/* room for the collected warnings */
#define CONFIG_SECRET_MAX	4096	/* bytes of a *_file secret */
#define CONFIG_KEY_LEN		32	/* longest key "did you mean" weighs */
#define CONFIG_SUGGEST_MAX	2	/* edits a "did you mean" may be away */
#define CONFIG_SECTION_LEN	128	/* "network NAME" in a message */
/* config.example's nick: a copy left unchanged is refused, not run */
#define CONFIG_NICK_PLACEHOLDER	"CHANGE-ME"

struct config_server {
	char		*host;
	int		 port;
};

struct config_channel {
	char		*name;
	char		*key;		/* NULL when none */
};

/* One channel or room that gets the daily highlight. */
struct config_highlight {
	char		*target;
	int		 secs;		/* local time; -1: [bot] highlight_time */
	char		*zone;		/* NULL: [bot] highlight_zone */
};

/*
 * SASL mechanism of a network.  AUTO (the default) picks PLAIN when a
 * sasl_password is given, else EXTERNAL when a client certificate is
 * (tls_cert_file with tls = yes), else none: config_sasl() says which.
 */
enum config_sasl {
	CONFIG_SASL_AUTO,
	CONFIG_SASL_NONE,
	CONFIG_SASL_PLAIN,
	CONFIG_SASL_EXTERNAL
};

struct config_network {
	char			*name;
	struct config_server	 servers[CONFIG_SERVERS_MAX];
	int			 nservers;
	int			 tls;
	int			 tls_verify;
	char			*tls_ca_file;	/* NULL: the system's CAs */
	char			*tls_cert_file;	/* client certificate */
	char			*tls_key_file;
	char			*nicks[CONFIG_NICKS_MAX];	/* [0] is the main one */
	int			 nnicks;
	char			*user;
	char			*realname;
	char			*server_password;	/* PASS; NULL: none */
	enum config_sasl	 sasl_mechanism;	/* as written */
	char			*sasl_user;
	char			*sasl_password;
	int			 sasl_required;
	int			 sasl_timeout;	/* seconds */
	char			*nickserv_password;
	char			*nickserv_target;	/* NULL: "NickServ" */
	/* while parsing: how each secret was given (confparse.h's
	 * SECRET_INLINE, SECRET_FILE), to refuse both ways */
	int			 server_password_forms;
	int			 sasl_password_forms;
	int			 nickserv_password_forms;
	struct config_channel	 channels[CONFIG_CHANNELS_MAX];
	int			 nchannels;
	struct config_highlight	 highlights[CONFIG_CHANNELS_MAX];
	int			 nhighlights;
	int			 flood_burst;		/* lines sent at once */
	int			 flood_interval_ms;	/* then one per this */
	int			 max_lines;		/* per answer, then "more" */
	int			 ping_after;	/* silence (s) before our PING */
	int			 ping_timeout;	/* s to wait for any reply */
	int			 reconnect_min;	/* s, doubled per failure */
	int			 reconnect_max;
};

/* One [matrix NAME] section: an account on a homeserver. */
struct config_matrix {
	char		*name;
	char		*homeserver;	/* https://matrix.example.org */
	char		*user_id;	/* @techpay:example.org */
	char		*access_token;	/* or password: log in once */
	char		*password;
	int		 access_token_forms;	/* as in config_network */
	int		 password_forms;
	char		*device_name;
	char		*invite_from[CONFIG_LIST_MAX];	/* @user:hs or hs */
	int		 ninvite_from;
	char		*rooms[CONFIG_CHANNELS_MAX];	/* !id:hs or #alias:hs */
	int		 nrooms;		/* joined at start */
	char		*tls_ca_file;
	int		 tls_verify;
	int		 allow_insecure_http;	/* http:// to a remote host */
	int		 sync_timeout;	/* s the server holds a /sync */
	int		 max_bytes;	/* of a plain answer, then "more" */
	int		 reconnect_min;	/* s, doubled per failure */
	int		 reconnect_max;
	struct config_highlight highlights[CONFIG_CHANNELS_MAX];
	int		 nhighlights;	/* not in config_matrix_copy */
};

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
	struct config_network	 networks[CONFIG_NETWORKS_MAX];
	int			 nnetworks;
	struct config_matrix	 matrix[CONFIG_MATRIX_MAX];
	int			 nmatrix;
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
/* "2 IRC networks, 1 Matrix account" (a static buffer). */
const char	*config_summary(const struct config *);
/* Applies the defaults of config.example to a network (for tests). */
void		 config_network_defaults(struct config_network *);
void		 config_matrix_defaults(struct config_matrix *);
/* The SASL mechanism a network uses: CONFIG_SASL_AUTO resolved. */
enum config_sasl config_sasl(const struct config_network *);
/* 1 when host (a name or an address, IPv6 bare or in brackets) is this
 * machine: localhost, 127.0.0.0/8 or ::1. */
int		 config_host_is_loopback(const char *host);
/* 1 when the account's homeserver is http:// to another machine (only
 * accepted with allow_insecure_http = yes): its password and token cross
 * the network in clear. */
int		 config_matrix_insecure(const struct config_matrix *);
/* Where PRIVMSG IDENTIFY goes (nickserv_target, else "NickServ"), or
 * NULL when it is not sent: no nickserv_password, or SASL is configured
 * (a failed SASL login must not fall back to telling the password to
 * whoever holds the nick NickServ). */
const char	*config_nickserv_target(const struct config_network *);
/* Deep copies that outlive the config (the _clear calls free them). */
void		 config_network_copy(struct config_network *dst,
		    const struct config_network *src);
void		 config_network_clear(struct config_network *);
void		 config_matrix_copy(struct config_matrix *dst,
		    const struct config_matrix *src);
void		 config_matrix_clear(struct config_matrix *);

#endif
