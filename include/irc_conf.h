/*
 * irc_conf.h -- the [network NAME] sections: the IRC adapter's part of
 * the config (irc_conf.c reads and checks them; irc.c keeps a copy).
 *
 * A kind of section as confparse.h describes it (irc_config), found by
 * name through the IRC adapter's entry in adapters.c.
 */
#ifndef TECHPAY_IRC_CONF_H
#define TECHPAY_IRC_CONF_H

#include "config.h"

#define CONFIG_SERVERS_MAX	8
#define CONFIG_NICKS_MAX	4
#define CONFIG_NETWORKS_MAX	8

struct config_server {
	char		*host;
	int		 port;
};

struct config_channel {
	char		*name;
	char		*key;		/* NULL when none */
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
	/* while parsing: channel_key_file's keys, read at the key and
	 * handed to their channels once channels is known (the check
	 * frees what it does not hand over); the lines, for errors */
	struct config_channel	 key_files[CONFIG_CHANNELS_MAX];
	int			 nkey_files;
	int			 key_file_line;
	int			 hl_line;	/* highlights = */
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

/* The [network] sections of a config, in the file's order. */
struct config_networks {
	struct config_network	 v[CONFIG_NETWORKS_MAX];
	int			 n;
};

extern const struct config_kind irc_config;

/* No space, control byte or comma, and no colon first: a word that
 * goes on an IRC line as it is (a host, a channel, a key). */
int		 valid_irc_word(const char *);
/* A config's networks (an empty set when it has none). */
const struct config_networks *config_networks(const struct config *);
/* Applies the defaults of config.example to a network (for tests). */
void		 config_network_defaults(struct config_network *);
/* The SASL mechanism a network uses: CONFIG_SASL_AUTO resolved. */
enum config_sasl config_sasl(const struct config_network *);
/* Where PRIVMSG IDENTIFY goes (nickserv_target, else "NickServ"), or
 * NULL when it is not sent: no nickserv_password, or SASL is configured
 * (a failed SASL login must not fall back to telling the password to
 * whoever holds the nick NickServ). */
const char	*config_nickserv_target(const struct config_network *);
/* Deep copies that outlive the config (the _clear calls free them). */
void		 config_network_copy(struct config_network *dst,
		    const struct config_network *src);
void		 config_network_clear(struct config_network *);

#endif
