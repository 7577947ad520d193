/*
 * matrix_conf.h -- the [matrix NAME] sections: the Matrix adapter's part
 * of the config (matrix_conf.c reads and checks them; matrix.c keeps a
 * copy).
 *
 * A kind of section as confparse.h describes it (matrix_config), found
 * by name through the Matrix adapter's entry in adapters.c.
 */
#ifndef TECHPAY_MATRIX_CONF_H
#define TECHPAY_MATRIX_CONF_H

#include "config.h"

#define CONFIG_MATRIX_MAX	4
#define MXID_LEN_MAX		255	/* bytes of any Matrix identifier */

/*
 * The kinds of Matrix identifier, for matrix_id_ok (the spec's appendix,
 * "Identifier grammar"): what a key or a command takes is a mask of them.
 */
#define MXID_ROOM	0x1	/* !opaque:server, or !opaque (room v12) */
#define MXID_ALIAS	0x2	/* #name:server */
#define MXID_USER	0x4	/* @name:server */

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
	int		 encryption;	/* end-to-end, mx_crypto.h */
	char		*pickle_key_file;	/* NULL: made in state_dir */
	char		*recovery_key_file;	/* NULL: the recovery key logged */
	struct config_highlight highlights[CONFIG_CHANNELS_MAX];
	int		 nhighlights;	/* not in config_matrix_copy */
};

/* The [matrix] sections of a config, in the file's order. */
struct config_accounts {
	struct config_matrix	 v[CONFIG_MATRIX_MAX];
	int			 n;
};

extern const struct config_kind matrix_config;

/*
 * 1 when s is an identifier of one of the kinds (MXID_*) as the spec
 * writes it: the sigil, a local part of visible characters without ':'
 * (or a comma, which separates list items), then ':' and a server name,
 * which only a room id may leave out.  The one check of room ids,
 * aliases and user ids for the config, commands and invites alike.
 */
int		 matrix_id_ok(const char *s, int kinds);
/* 1 when s (n bytes) is a server name: host[:port], the host a DNS
 * name, an IPv4 address or an [IPv6] literal. */
int		 matrix_server_ok(const char *s, size_t n);

/* A config's Matrix accounts (an empty set when it has none). */
const struct config_accounts *config_accounts(const struct config *);
/* Applies the defaults of config.example to an account (for tests). */
void		 config_matrix_defaults(struct config_matrix *);
/* 1 when the account's homeserver is http:// to another machine (only
 * accepted with allow_insecure_http = yes): its password and token cross
 * the network in clear. */
int		 config_matrix_insecure(const struct config_matrix *);
/* 1 when url is http:// to another machine (not loopback). */
int		 config_url_cleartext(const char *url);
/* Deep copies that outlive the config (the _clear calls free them). */
void		 config_matrix_copy(struct config_matrix *dst,
		    const struct config_matrix *src);
void		 config_matrix_clear(struct config_matrix *);

#endif
