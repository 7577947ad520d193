/*
 * irc_conf.c -- the [network NAME] sections: the IRC adapter's keys, their
 * defaults and checks, and the copy the adapter keeps (irc_conf.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "confparse.h"
#include "irc_conf.h"
#include "policy.h"
#include "tz.h"

void
config_network_defaults(struct config_network *n)
{
	n->tls = 1;
	n->tls_verify = 1;
	n->sasl_timeout = 15;
	n->flood_burst = 4;
	n->flood_interval_ms = 2000;
	n->max_lines = 3;
	n->ping_after = 120;
	n->ping_timeout = 60;
	n->reconnect_min = 5;
	n->reconnect_max = 300;
}

int
valid_irc_word(const char *s)
{
	if (*s == '\0' || *s == ':')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == ',')
			return 0;
	return 1;
}

static int
channel_name(const char *s)
{
	return strchr("#&+!", s[0]) && valid_irc_word(s);
}

/* Forgets a network's channel_key_file list (keys zeroed). */
static void
free_key_files(struct config_network *n)
{
	struct config_channel *kf = n->key_files;
	int i;

	for (i = 0; i < n->nkey_files; i++) {
		free(kf[i].name);
		if (kf[i].key)
			explicit_bzero(kf[i].key, strlen(kf[i].key));
		free(kf[i].key);
		kf[i].name = kf[i].key = NULL;
	}
	n->nkey_files = 0;
}

/*
 * channel_key_file = #chan PATH, ...: a channel's key from a file, as
 * the other *_file keys (a key in channels sits in the config, which the
 * unit's dynamic user needs readable).  Read here, so that its errors
 * carry this line; check_key_files hands each key to its channel once
 * the file is read, since channels may come later.
 */
static void
key_channel_key_file(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config_network *n = sec;
	struct config_channel *kf = n->key_files;
	char *items[CONFIG_CHANNELS_MAX], *sp;
	int i, j, m;

	(void)k;
	free_key_files(n);		/* a repeated key replaces the list */
	n->key_file_line = p->line;
	m = split_list(p, "channel_key_file", v, items, CONFIG_CHANNELS_MAX);
	for (i = 0; i < m; i++) {
		if ((sp = strpbrk(items[i], " \t")) == NULL) {
			perr(p, "channel_key_file: \"%s\" names no file (write "
			    "%s PATH)", items[i], items[i]);
			free(items[i]);
			continue;
		}
		*sp++ = '\0';
		sp += strspn(sp, " \t");
		if (!strchr("#&+!", items[i][0]) || !valid_irc_word(items[i]))
			perr(p, "channel_key_file: \"%s\" is not a channel "
			    "name", items[i]);
		for (j = 0; j < n->nkey_files; j++)
			if (!strcasecmp(kf[j].name, items[i]))
				perr(p, "channel_key_file: %s is given twice",
				    items[i]);
		kf[n->nkey_files].name = items[i];
		/* a key is one word on the JOIN line */
		if ((kf[n->nkey_files].key = read_secret(p,
		    "channel_key_file", sp)) != NULL &&
		    !valid_irc_word(kf[n->nkey_files].key))
			perr(p, "channel_key_file: %s: a channel key has no "
			    "spaces, commas or control bytes, and does not "
			    "start with a colon", sp);
		n->nkey_files++;
	}
}

/*
 * Each channel_key_file key goes to its channel, which must be one of
 * channels and must not have a key there too (given both ways, as for
 * the other secrets).  Frees what is not handed over.
 */
static void
check_key_files(struct parse *p, struct config_network *n)
{
	struct config_channel *kf = n->key_files;
	int i, j, line = p->line;

	p->line = n->key_file_line;
	for (i = 0; i < n->nkey_files; i++) {
		for (j = 0; j < n->nchannels; j++)
			if (!strcasecmp(kf[i].name, n->channels[j].name))
				break;
		if (j == n->nchannels)
			perr(p, "[network %s]: channel_key_file: %s is not in "
			    "channels", n->name, kf[i].name);
		else if (n->channels[j].key)
			perr(p, "[network %s]: %s has a key in channels and in "
			    "channel_key_file: give one of them", n->name,
			    kf[i].name);
		else {
			n->channels[j].key = kf[i].key;
			kf[i].key = NULL;
		}
	}
	free_key_files(n);
	p->line = line;
}

/*
 * A server is host[:port].  URLs and host/port are common guesses (the
 * first from clients' docs, the second from Cisco-style lists): say what
 * to write instead, since "ircs://host" would otherwise be taken as a
 * host named "ircs" with the port "//host".  0 when the item is refused.
 */
static int
server_form(struct parse *p, const char *item)
{
	const char *u = strstr(item, "://"), *h, *slash;
	size_t sl, hl;

	if (u) {
		sl = (size_t)(u - item);
		h = u + 3;
		hl = strcspn(h, "/?#");
		perr(p, "servers: \"%s\" is a URL: write %.*s%s", item,
		    (int)hl, h, sl == 4 && !strncasecmp(item, "ircs", 4) ?
		    " and tls = yes" : sl == 3 && !strncasecmp(item, "irc", 3) ?
		    " and tls = no" : "");
		return 0;
	}
	if ((slash = strchr(item, '/')) != NULL) {
		if (slash[1] != '\0' && strspn(slash + 1, "0123456789") ==
		    strlen(slash + 1))
			perr(p, "servers: \"%s\": write %.*s:%s", item,
			    (int)(slash - item), item, slash + 1);
		else
			perr(p, "servers: \"%s\" is not host[:port]", item);
		return 0;
	}
	return 1;
}

/* servers = host[:port], ...: a repeated key replaces the list (found
 * by fuzz_config: it used to append past the end of the array). */
static void
key_servers(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config_network *n = sec;
	char *items[CONFIG_SERVERS_MAX], *colon;
	struct config_server *s;
	int i, m;

	for (i = 0; i < n->nservers; i++)
		free(n->servers[i].host);
	n->nservers = 0;
	m = split_list(p, k, v, items, CONFIG_SERVERS_MAX);
	for (i = 0; i < m; i++) {
		s = &n->servers[n->nservers];
		if (!server_form(p, items[i])) {
			free(items[i]);
			continue;
		}
		if ((colon = strrchr(items[i], ':')) != NULL) {
			*colon = '\0';
			s->port = parse_int(p, "servers port", colon + 1, 1,
			    65535);
		} else
			s->port = 0;	/* from tls, once the file is read */
		if (!valid_irc_word(items[i]))
			perr(p, "servers: \"%s\" is not a host name", items[i]);
		s->host = items[i];
		n->nservers++;
	}
}

/* nick = main[, alt...] and alt_nicks = alt, ...: slot 0 is the main. */
static void
key_nicks(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config_network *n = sec;
	char *items[CONFIG_NICKS_MAX];
	int i, m, main_nick = !strcmp(k, "nick");

	m = split_list(p, k, v, items, CONFIG_NICKS_MAX);
	for (i = 0; i < m; i++) {
		if (!valid_nick(items[i]))
			perr(p, "%s: \"%s\" is not a valid nick", k, items[i]);
		if (main_nick && i == 0) {
			free(n->nicks[0]);
			n->nicks[0] = items[i];
			if (n->nnicks == 0)
				n->nnicks = 1;
		} else if (n->nnicks < CONFIG_NICKS_MAX) {
			if (n->nnicks == 0)
				n->nnicks = 1;	/* slot 0 stays main */
			n->nicks[n->nnicks++] = items[i];
		} else {
			perr(p, "%s: at most %d nicks", k, CONFIG_NICKS_MAX);
			free(items[i]);
		}
	}
}

static void
key_sasl_mechanism(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config_network *n = sec;

	(void)k;
	if (!strcasecmp(v, "plain"))
		n->sasl_mechanism = CONFIG_SASL_PLAIN;
	else if (!strcasecmp(v, "external"))
		n->sasl_mechanism = CONFIG_SASL_EXTERNAL;
	else if (!strcasecmp(v, "none"))
		n->sasl_mechanism = CONFIG_SASL_NONE;
	else if (*v == '\0')
		n->sasl_mechanism = CONFIG_SASL_AUTO;
	else
		perr(p, "sasl_mechanism: \"%s\" is not plain, external or "
		    "none", v);
}

/* nick or nick@server: a message to nick@server reaches only a user of
 * that name on that server (RFC 2812 3.3.1) */
static void
check_nickserv_target(struct parse *p, void *sec, const char *k,
    const char *v)
{
	(void)sec;
	(void)k;
	if (*v && (strpbrk(v, ",:") || strchr("#&+!", *v) ||
	    !valid_irc_word(v)))
		perr(p, "nickserv_target: \"%s\" is not a nick or "
		    "nick@server", v);
}

/* channels = #a, #b key, ...: a repeated key replaces the list. */
static void
key_channels(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config_network *n = sec;
	char *items[CONFIG_CHANNELS_MAX], *sp;
	struct config_channel *c;
	int i, m;

	for (i = 0; i < n->nchannels; i++) {
		free(n->channels[i].name);
		free(n->channels[i].key);
		n->channels[i].key = NULL;
	}
	n->nchannels = 0;
	m = split_list(p, k, v, items, CONFIG_CHANNELS_MAX);
	for (i = 0; i < m; i++) {
		c = &n->channels[n->nchannels++];
		if ((sp = strchr(items[i], ' ')) != NULL) {
			*sp = '\0';
			c->key = xstrdup(sp + 1 + strspn(sp + 1, " "));
			/* a key is a secret like a password */
			p->cf->secrets = 1;
			if (strchr("#&", c->key[0]))
				perr(p, "channels: \"%s %s\" looks like two "
				    "channels: separate them with commas (a "
				    "channel's key follows it after a space)",
				    items[i], c->key);
		}
		c->name = items[i];
		if (!strchr("#&+!", c->name[0]) || !valid_irc_word(c->name))
			perr(p, "channels: \"%s\" is not a channel name",
			    c->name);
	}
}

static void
key_highlights(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config_network *n = sec;

	(void)k;
	free_highlights(n->highlights, n->nhighlights);
	n->nhighlights = parse_highlights(p, v, n->highlights, "channel name",
	    channel_name);
	n->hl_line = p->line;
}

#define NET(f)		offsetof(struct config_network, f)
#define STR(k, f)	{ k, CONFIG_STR, NET(f), NULL, 0, 0, 0 }
#define BOOL(k, f)	{ k, CONFIG_BOOL, NET(f), NULL, 0, 0, 0 }
#define INT(k, f, lo, hi) { k, CONFIG_INT, NET(f), NULL, lo, hi, 0 }
#define SECRET(k, f)	{ k, CONFIG_SECRET, NET(f), NULL, 0, 0, NET(f##_forms) }
#define FN(k, fn)	{ k, CONFIG_FN, 0, fn, 0, 0, 0 }

/* The keys of a [network] section, in config.example's order. */
static const struct config_key net_keys[] = {
	FN("servers", key_servers),
	BOOL("tls", tls),
	BOOL("tls_verify", tls_verify),
	STR("tls_ca_file", tls_ca_file),
	STR("tls_cert_file", tls_cert_file),
	STR("tls_key_file", tls_key_file),
	FN("nick", key_nicks),
	FN("alt_nicks", key_nicks),
	STR("user", user),
	STR("realname", realname),
	SECRET("server_password", server_password),
	SECRET("server_password_file", server_password),
	FN("sasl_mechanism", key_sasl_mechanism),
	STR("sasl_user", sasl_user),
	SECRET("sasl_password", sasl_password),
	SECRET("sasl_password_file", sasl_password),
	BOOL("sasl_required", sasl_required),
	INT("sasl_timeout", sasl_timeout, 1, 600),
	SECRET("nickserv_password", nickserv_password),
	SECRET("nickserv_password_file", nickserv_password),
	{ "nickserv_target", CONFIG_STR, NET(nickserv_target),
	    check_nickserv_target, 0, 0, 0 },
	FN("channels", key_channels),
	FN("channel_key_file", key_channel_key_file),
	FN("highlights", key_highlights),
	INT("flood_burst", flood_burst, 1, 100),
	INT("flood_interval_ms", flood_interval_ms, 0, 60000),
	INT("max_lines", max_lines, 1, 20),
	INT("ping_after", ping_after, 1, 3600),
	INT("ping_timeout", ping_timeout, 1, 3600),
	INT("reconnect_min", reconnect_min, 1, 3600),
	INT("reconnect_max", reconnect_max, 1, 86400),
	{ NULL, CONFIG_FN, 0, NULL, 0, 0, 0 }
};

static void
network_key(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config_network *n = sec;
	char label[CONFIG_SECTION_LEN];

	snprintf(label, sizeof(label), "network %s", n->name);
	config_set(p, net_keys, n, label, k, v);
}

/* The [network NAME] section called name: found, or made. */
static void *
open_network(struct parse *p, void *set, const char *name)
{
	struct config_networks *ns = set;
	struct config_network *n;
	int i;

	for (i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i].name, name))
			return &ns->v[i];
	if (ns->n == CONFIG_NETWORKS_MAX) {
		perr(p, "at most %d networks", CONFIG_NETWORKS_MAX);
		return NULL;
	}
	n = &ns->v[ns->n++];
	config_network_defaults(n);
	n->name = xstrdup(name);
	return n;
}

enum config_sasl
config_sasl(const struct config_network *n)
{
	if (n->sasl_mechanism != CONFIG_SASL_AUTO)
		return n->sasl_mechanism;
	if (n->sasl_password)
		return CONFIG_SASL_PLAIN;
	/* a certificate without a password: log in with the certificate */
	if (n->tls && n->tls_cert_file)
		return CONFIG_SASL_EXTERNAL;
	return CONFIG_SASL_NONE;
}

static void
check_sasl(struct parse *p, const struct config_network *n)
{
	switch (n->sasl_mechanism) {
	case CONFIG_SASL_EXTERNAL:
		if (n->tls_cert_file == NULL)
			perr(p, "[network %s]: sasl_mechanism = external needs "
			    "a client certificate (tls_cert_file and "
			    "tls_key_file)", n->name);
		if (!n->tls)
			perr(p, "[network %s]: sasl_mechanism = external needs "
			    "tls = yes (the certificate is sent in the TLS "
			    "handshake)", n->name);
		if (n->sasl_user || n->sasl_password)
			perr(p, "[network %s]: sasl_mechanism = external logs "
			    "in with the certificate: sasl_user and "
			    "sasl_password are for plain", n->name);
		break;
	case CONFIG_SASL_PLAIN:
		if (n->sasl_user == NULL || n->sasl_password == NULL)
			perr(p, "[network %s]: sasl_mechanism = plain needs "
			    "sasl_user and sasl_password", n->name);
		break;
	default:
		if ((n->sasl_user == NULL) != (n->sasl_password == NULL))
			perr(p, "[network %s]: sasl_user and sasl_password go "
			    "together", n->name);
		break;
	}
	if (n->sasl_required && config_sasl(n) == CONFIG_SASL_NONE)
		perr(p, "[network %s]: sasl_required needs sasl_user and "
		    "sasl_password, or a client certificate (tls_cert_file)",
		    n->name);
}

const char *
config_nickserv_target(const struct config_network *n)
{
	if (n->nickserv_password == NULL || *n->nickserv_password == '\0' ||
	    config_sasl(n) != CONFIG_SASL_NONE)
		return NULL;
	return n->nickserv_target ? n->nickserv_target : "NickServ";
}

/*
 * IDENTIFY to the bare nick NickServ goes to whoever holds that nick: on
 * a network that does not reserve service nicks (or while services are
 * split off) that can be anyone.  Warned, not refused: most networks do
 * reserve them, and SASL is the real fix.
 */
static void
check_nickserv(struct parse *p, const struct config_network *n)
{
	const char *t = config_nickserv_target(n);

	if (n->nickserv_password && *n->nickserv_password &&
	    config_sasl(n) != CONFIG_SASL_NONE)
		buf_printf(&p->warns, "%s: warning: [network %s]: "
		    "nickserv_password is not used with SASL\n", p->cf->path,
		    n->name);
	else if (t && strchr(t, '@') == NULL)
		buf_printf(&p->warns, "%s: warning: [network %s]: IDENTIFY "
		    "goes to whoever has the nick %s; prefer SASL, or set "
		    "nickserv_target = %s@<services server>\n", p->cf->path,
		    n->name, t, t);
}

/*
 * The bot posts a highlight only in a channel it is in, and it joins
 * only its channels: a highlight for another (a typo, or a channel left
 * out of channels) would wait every day for nothing.
 */
static void
check_highlights(struct parse *p, const struct config_network *n)
{
	int i, j, line = p->line;

	p->line = n->hl_line;
	for (i = 0; i < n->nhighlights; i++) {
		for (j = 0; j < n->nchannels; j++)
			if (!strcasecmp(n->highlights[i].target,
			    n->channels[j].name))
				break;
		if (j == n->nchannels)
			perr(p, "[network %s]: highlights: %s is not in "
			    "channels (the bot posts only where it joins)",
			    n->name, n->highlights[i].target);
	}
	p->line = line;
}

void
config_network_copy(struct config_network *dst,
    const struct config_network *src)
{
	int i;

	*dst = *src;
	dst->name = dupnull(src->name);
	for (i = 0; i < src->nservers; i++)
		dst->servers[i].host = dupnull(src->servers[i].host);
	for (i = 0; i < CONFIG_NICKS_MAX; i++)
		dst->nicks[i] = dupnull(src->nicks[i]);
	for (i = 0; i < src->nchannels; i++) {
		dst->channels[i].name = dupnull(src->channels[i].name);
		dst->channels[i].key = dupnull(src->channels[i].key);
	}
	/* highlights are the highlights module's, not the network's */
	memset(dst->highlights, 0, sizeof(dst->highlights));
	dst->nhighlights = 0;
	memset(dst->key_files, 0, sizeof(dst->key_files));	/* parsing's */
	dst->nkey_files = 0;
	dst->tls_ca_file = dupnull(src->tls_ca_file);
	dst->tls_cert_file = dupnull(src->tls_cert_file);
	dst->tls_key_file = dupnull(src->tls_key_file);
	dst->user = dupnull(src->user);
	dst->realname = dupnull(src->realname);
	dst->server_password = dupnull(src->server_password);
	dst->sasl_user = dupnull(src->sasl_user);
	dst->sasl_password = dupnull(src->sasl_password);
	dst->nickserv_password = dupnull(src->nickserv_password);
	dst->nickserv_target = dupnull(src->nickserv_target);
}

void
config_network_clear(struct config_network *n)
{
	int j;

	free(n->name);
	for (j = 0; j < n->nservers; j++)
		free(n->servers[j].host);
	for (j = 0; j < CONFIG_NICKS_MAX; j++)
		free(n->nicks[j]);
	for (j = 0; j < n->nchannels; j++) {
		free(n->channels[j].name);
		free(n->channels[j].key);
	}
	free_highlights(n->highlights, n->nhighlights);
	free_key_files(n);
	free(n->tls_ca_file);
	free(n->tls_cert_file);
	if (n->sasl_password)
		explicit_bzero(n->sasl_password, strlen(n->sasl_password));
	if (n->server_password)
		explicit_bzero(n->server_password, strlen(n->server_password));
	if (n->nickserv_password)
		explicit_bzero(n->nickserv_password,
		    strlen(n->nickserv_password));
	free(n->tls_key_file);
	free(n->user);
	free(n->realname);
	free(n->server_password);
	free(n->sasl_user);
	free(n->sasl_password);
	free(n->nickserv_password);
	free(n->nickserv_target);
	memset(n, 0, sizeof(*n));
}

/* Every [network] section, once the file is read. */
static void
irc_check(struct parse *p, void *set)
{
	struct config_networks *ns = set;
	struct config *cf = p->cf;
	int i, j, remote;

	for (i = 0; i < ns->n; i++) {
		struct config_network *n = &ns->v[i];

		if (n->nservers == 0)
			perr(p, "[network %s]: servers is missing", n->name);
		for (j = 0; j < n->nservers; j++)
			if (n->servers[j].port == 0)
				n->servers[j].port = n->tls ? 6697 : 6667;
		if (n->nicks[0] == NULL) {
			n->nicks[0] = xstrdup(cf->nick ? cf->nick : "techpay");
			if (n->nnicks == 0)
				n->nnicks = 1;
		}
		check_sasl(p, n);
		check_nickserv(p, n);
		if ((n->tls_cert_file == NULL) != (n->tls_key_file == NULL))
			perr(p, "[network %s]: tls_cert_file and tls_key_file "
			    "go together", n->name);
		/* a certificate that cannot be read fails every connect */
		if (n->tls_cert_file && access(n->tls_cert_file, R_OK) == -1)
			perr(p, "[network %s]: tls_cert_file: %s: %s", n->name,
			    n->tls_cert_file, strerror(errno));
		if (n->tls_key_file && access(n->tls_key_file, R_OK) == -1)
			perr(p, "[network %s]: tls_key_file: %s: %s", n->name,
			    n->tls_key_file, strerror(errno));
		if (n->tls_ca_file && access(n->tls_ca_file, R_OK) == -1)
			perr(p, "[network %s]: tls_ca_file: %s: %s", n->name,
			    n->tls_ca_file, strerror(errno));
		if (n->reconnect_min > n->reconnect_max)
			perr(p, "[network %s]: reconnect_min is above "
			    "reconnect_max", n->name);
		check_highlights(p, n);
		check_key_files(p, n);
		if (n->user == NULL)
			n->user = xstrdup("techpay");
		if (n->realname == NULL)
			n->realname = xstrdup("techpay salary bot");
	}
	for (i = 0; i < ns->n; i++) {
		struct config_network *n = &ns->v[i];

		if (n->tls)
			continue;
		for (j = 0, remote = 0; j < n->nservers; j++)
			remote |= !config_host_is_loopback(n->servers[j].host);
		if (!remote)
			continue;
		if (config_sasl(n) == CONFIG_SASL_PLAIN) {
			if (n->sasl_required)
				perr(p, "[network %s]: sasl_required with SASL "
				    "PLAIN and tls = no: the password would "
				    "cross the network in clear; set tls = "
				    "yes", n->name);
			else
				buf_printf(&p->warns, "%s: warning: [network "
				    "%s]: SASL PLAIN with tls = no: the "
				    "password crosses the network in clear\n",
				    cf->path, n->name);
		}
		if (config_nickserv_target(n))
			buf_printf(&p->warns, "%s: warning: [network %s]: "
			    "nickserv_password with tls = no: the password "
			    "crosses the network in clear\n", cf->path,
			    n->name);
	}
}

static void *
irc_set_new(void)
{
	return xcalloc(1, sizeof(struct config_networks));
}

static void
irc_set_free(void *set)
{
	struct config_networks *ns = set;
	int i;

	for (i = 0; i < ns->n; i++)
		config_network_clear(&ns->v[i]);
	free(ns);
}

static int
irc_count(const void *set)
{
	return ((const struct config_networks *)set)->n;
}

static int
irc_nhighlights(const void *set)
{
	const struct config_networks *ns = set;
	int i, n = 0;

	for (i = 0; i < ns->n; i++)
		n += ns->v[i].nhighlights;
	return n;
}

/* The first network's main nick: the name the answers go by. */
static const char *
irc_nick(const void *set)
{
	const struct config_networks *ns = set;

	return ns->n > 0 ? ns->v[0].nicks[0] : NULL;
}

const struct config_networks *
config_networks(const struct config *cf)
{
	static const struct config_networks none;
	const struct config_networks *ns = config_sections(cf, &irc_config);

	return ns ? ns : &none;
}

static const struct config_placeholder irc_placeholders[] = {
	{ "sasl_password",	"change-me",	0 },
	{ "server_password",	"change-me",	0 },
	{ "nickserv_password",	"change-me",	0 },
	{ NULL, NULL, 0 }
};

const struct config_kind irc_config = {
	.section = "network",
	.noun = "IRC network",
	.state_why = NULL,
	.placeholders = irc_placeholders,
	.new = irc_set_new,
	.open = open_network,
	.key = network_key,
	.check = irc_check,
	.count = irc_count,
	.nhighlights = irc_nhighlights,
	.nick = irc_nick,
	.free = irc_set_free,
};
