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
	struct config_highlight highlights[CONFIG_CHANNELS_MAX];
	int		 nhighlights;	/* not in config_matrix_copy */
};

/* The [matrix] sections of a config, in the file's order. */
struct config_accounts {
	struct config_matrix	 v[CONFIG_MATRIX_MAX];
	int			 n;
};

extern const struct config_kind matrix_config;

/* A config's Matrix accounts (an empty set when it has none). */
const struct config_accounts *config_accounts(const struct config *);
/* Applies the defaults of config.example to an account (for tests). */
void		 config_matrix_defaults(struct config_matrix *);
/* 1 when the account's homeserver is http:// to another machine (only
 * accepted with allow_insecure_http = yes): its password and token cross
 * the network in clear. */
int		 config_matrix_insecure(const struct config_matrix *);
/* Deep copies that outlive the config (the _clear calls free them). */
void		 config_matrix_copy(struct config_matrix *dst,
		    const struct config_matrix *src);
void		 config_matrix_clear(struct config_matrix *);

#endif
