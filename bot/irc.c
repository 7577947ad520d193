/*
 * irc.c -- the IRC adapter; see irc.h.
 *
 * One struct net per [network] section.  Its life: DOWN -> (link up)
 * REGISTERING -> (001) UP -> (any loss) DOWN, then a reconnect after a
 * backoff that doubles per failure (plus jitter), rotating through the
 * network's servers.
 *
 * The parts (irc_int.h): this file, the adapter's ops, a network's
 * connection life and the lines the bot writes; irc_reg.c, registration
 * and the server's lines before libircclient; irc_events.c, libircclient's
 * events; irc_people.c, who is who and the answers said to them.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

#include "highlight.h"
#include "irc_int.h"
#include "log.h"
#include "policy.h"
#include "text.h"

static void	net_connect(struct net *);
static void	net_down(struct net *, const char *why);

/* ---- the lines the bot writes ------------------------------------------ */

/* A line to the link: the bot's own (who NULL), or said for who (a
 * free answer's line when is_free: it waits for others' questions). */
static void
vsendf(struct net *n, int urgent, const char *who, int is_free,
    const char *fmt, va_list ap)
{
	char line[IRC_MSG_MAX * 2];

	if (n->link == NULL)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	if (who)
		link_send_for(n->link, who, line, is_free);
	else
		link_send(n->link, line, urgent);
}

void
sendf(struct net *n, int urgent, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsendf(n, urgent, NULL, 0, fmt, ap);
	va_end(ap);
}

/*
 * A line said for the person origin (nick!user@host): it waits in
 * their lane of the send queue, keyed as the limit keys the one who
 * goes over (policy_member_key), so that a neighbour on the same
 * address, with the same ident even, is never in front of you; a new
 * nick buys a lane but no lines (the address's budget is shared).
 * is_free: a free answer's line (help, "more", the limit's notice),
 * sent after other people's questions.
 */
void
sendf_for(struct net *n, const char *origin, int is_free, const char *fmt,
    ...)
{
	struct person p = { n->key, origin ? origin : "", NULL };
	char who[POLICY_KEY_MAX];
	va_list ap;

	policy_member_key(&p, who, sizeof(who));
	va_start(ap, fmt);
	vsendf(n, 0, who, is_free, fmt, ap);
	va_end(ap);
}

void
origin_nick(const char *origin, char *out, size_t n)
{
	size_t len = strcspn(origin ? origin : "", "!@");

	if (len >= n)
		len = n - 1;
	memcpy(out, origin ? origin : "", len);
	out[len] = '\0';
}

/* ---- connection life ------------------------------------------------ */

/*
 * libircclient's wishes change only when it runs (irc_connect, and
 * irc_process_select_descriptors, where it reads, answers a PING or
 * CTCP, and writes): the descriptor set-up is asked for after those,
 * not before every poll.  Connecting: writable; then readable, and
 * writable while it has output.
 */
static void sess_event(struct loop *, int, int, void *);

static void
sess_watch(struct net *n)
{
	struct loop *l = n->irc->loop;
	fd_set in, out;
	int fd, maxfd = -1, ev;

	if (n->sess == NULL)
		return;
	FD_ZERO(&in);
	FD_ZERO(&out);
	irc_add_select_descriptors(n->sess, &in, &out, &maxfd);
	for (fd = 0; fd <= maxfd; fd++) {
		ev = (FD_ISSET(fd, &in) ? LOOP_READ : 0) |
		    (FD_ISSET(fd, &out) ? LOOP_WRITE : 0);
		if (ev == 0)
			continue;
		if (n->sess_fd >= 0 && n->sess_fd != fd)
			loop_del_fd(l, n->sess_fd);
		if (n->sess_fd != fd || n->sess_events != ev)
			loop_add_fd(l, fd, ev, sess_event, n);
		n->sess_fd = fd;
		n->sess_events = ev;
		break;
	}
}

/*
 * Lets libircclient read and write.  Its recv and send retry EAGAIN in
 * a loop, so the read bit is set only when a byte (or the end) is there
 * to read: a readiness from poll may be stale once the link has made it
 * read the same bytes earlier in the round (link_passed).
 */
static void
sess_run(struct net *n, int ev)
{
	fd_set in, out;
	char c;

	if (n->sess == NULL || n->sess_fd < 0)
		return;
	FD_ZERO(&in);
	FD_ZERO(&out);
	if ((ev & LOOP_READ) && (recv(n->sess_fd, &c, 1, MSG_PEEK |
	    MSG_DONTWAIT) >= 0 || (errno != EAGAIN && errno != EINTR)))
		FD_SET(n->sess_fd, &in);
	if (ev & LOOP_WRITE)
		FD_SET(n->sess_fd, &out);
	if (!FD_ISSET(n->sess_fd, &in) && !FD_ISSET(n->sess_fd, &out))
		return;
	if (irc_process_select_descriptors(n->sess, &in, &out) != 0 ||
	    !irc_is_connected(n->sess)) {
		net_down(n, irc_strerror(irc_errno(n->sess)));
		return;
	}
	sess_watch(n);
}

static void
sess_event(struct loop *l, int fd, int ev, void *ctx)
{
	(void)l;
	(void)fd;
	sess_run(ctx, ev);
}

/* The link wrote server lines to libircclient's socket: it reads them
 * in this round, not after another poll. */
static void
link_passed(struct link *k, void *ctx)
{
	struct net *n = ctx;

	(void)k;
	if (n->sess_events & LOOP_READ)	/* connected, not connecting */
		sess_run(n, LOOP_READ);
}

/*
 * PASS goes first, before CAP, NICK and USER: some servers take it only
 * then.  Not through irc_connect's password: libircclient would send it
 * after the link's CAP LS, and without the ':' a password with a space
 * needs.  Urgent lines leave in the order sent (each brings its token).
 */
static void
send_pass(struct net *n, struct link *k)
{
	const char *pw = n->cf->server_password;
	char line[IRC_MSG_MAX];

	snprintf(line, sizeof(line), "PASS %s%s",
	    strchr(pw, ' ') || pw[0] == ':' ? ":" : "", pw);
	link_send(k, line, 1);	/* the link logs it redacted */
	explicit_bzero(line, sizeof(line));
}

/* Tells the link which local socket is libircclient's, so that the
 * relay takes that connection and no other. */
static void
session_fd_to_link(struct net *n, struct link *k)
{
	fd_set in, out;
	int maxfd = -1;

	FD_ZERO(&in);
	FD_ZERO(&out);
	irc_add_select_descriptors(n->sess, &in, &out, &maxfd);
	if (maxfd >= 0)
		link_expect_peer(k, maxfd);
}

static void
link_ready(struct link *k, void *ctx)
{
	struct net *n = ctx;

	if (n->cf->server_password)
		send_pass(n, k);
	n->sasl_mech = config_sasl(n->cf);
	n->sasl_account[0] = '\0';
	n->sasl = n->sasl_mech != CONFIG_SASL_NONE ? SASL_LS : SASL_OFF;
	/* before libircclient's NICK and USER: registration waits for CAP
	 * END (account-tag always, SASL when configured) */
	n->cap = CAP_LS;
	n->tag_offered = n->account_tag = n->sasl_offered = 0;
	link_send(k, "CAP LS 302", 1);
	n->sasl_timer = loop_add_timer(n->irc->loop,
	    n->cf->sasl_timeout * 1000L, sasl_timeout, n);
	n->sess = irc_create_session(&irc_callbacks);
	irc_set_ctx(n->sess, n);
	irc_set_ctcp_version(n->sess, "techpay " TECHPAY_VERSION);
	n->nick_try = 0;
	snprintf(n->nick, sizeof(n->nick), "%s", n->cf->nicks[0]);
	modes_default(n);
	if (irc_connect(n->sess, "127.0.0.1", (unsigned short)link_local_port(k),
	    NULL, n->nick, n->cf->user, n->cf->realname) != 0) {
		log_error("%s: cannot start the IRC session: %s", n->cf->name,
		    irc_strerror(irc_errno(n->sess)));
		net_down(n, "session start failed");
		return;
	}
	session_fd_to_link(n, k);
	sess_watch(n);
	n->state = NET_REGISTERING;
}

static void
link_closed(struct link *k, const char *why, void *ctx)
{
	struct net *n = ctx;

	(void)k;
	n->link = NULL;		/* the link frees itself after this */
	net_down(n, why);
}

static long
reconnect_fire(struct loop *l, void *ctx)
{
	struct net *n = ctx;

	(void)l;
	n->reconnect_timer = 0;
	n->server = (n->server + 1) % n->cf->nservers;
	net_connect(n);
	return LOOP_NOMORE;
}

/* Tears the connection down and, unless stopping, schedules the next. */
static void
net_down(struct net *n, const char *why)
{
	struct irc *irc = n->irc;
	long delay;

	if (n->sess_fd >= 0)
		loop_del_fd(irc->loop, n->sess_fd);
	n->sess_fd = -1;
	n->sess_events = 0;
	if (n->sess) {
		irc_destroy_session(n->sess);
		n->sess = NULL;
	}
	if (n->link) {
		struct link *k = n->link;

		n->link = NULL;
		link_free(k);
	}
	if (n->sasl_timer) {
		loop_del_timer(irc->loop, n->sasl_timer);
		n->sasl_timer = 0;
	}
	if (n->regain_timer) {
		loop_del_timer(irc->loop, n->regain_timer);
		n->regain_timer = 0;
	}
	if (n->state == NET_DOWN && n->reconnect_timer)
		return;
	n->state = NET_DOWN;
	n->nops = 0;
	n->njoined = 0;
	if (irc->stopping) {
		log_info("%s: disconnected (%s)", n->cf->name, why);
		return;
	}
	if (n->gone) {
		log_info("%s: disconnected (%s); removed from the config",
		    n->cf->name, why);
		return;
	}
	/* a refused login waits longest */
	delay = policy_backoff_ms(n->cf->reconnect_min, n->cf->reconnect_max,
	    n->auth_failed ? 64 : n->failures);
	n->failures++;
	log_warn("%s: disconnected (%s); reconnecting in %.1f s", n->cf->name,
	    why, delay / 1000.0);
	n->reconnect_timer = loop_add_timer(irc->loop, delay, reconnect_fire, n);
}

static void
net_connect(struct net *n)
{
	const struct config_network *c = n->cf;
	const struct config_server *sv = &c->servers[n->server];
	struct link_conf lc = {
		.host = sv->host, .port = sv->port, .tls = c->tls,
		.tls_verify = c->tls_verify, .ca_file = c->tls_ca_file,
		.cert_file = c->tls_cert_file, .key_file = c->tls_key_file,
		.flood_burst = c->flood_burst,
		.flood_interval_ms = c->flood_interval_ms,
		.ping_after = c->ping_after, .ping_timeout = c->ping_timeout,
	};
	static const struct link_cbs cbs = {
		link_ready, link_server_line, link_closed, link_passed
	};
	char err[256];

	log_info("%s: connecting to %s:%d%s", c->name, sv->host, sv->port,
	    c->tls ? " (TLS)" : "");
	if (c->tls && !c->tls_verify)
		log_warn("%s: tls_verify = no: the server's certificate is NOT "
		    "checked; anyone on the path can read and change traffic",
		    c->name);
	n->link = link_new(n->irc->loop, &lc, &cbs, n);
	if (link_start(n->link, err, sizeof(err)) == -1) {
		struct link *k = n->link;

		n->link = NULL;
		link_free(k);
		net_down(n, err);
	}
}

/* ops->act: an owner's join or part, on the network that asked. */
static int
irc_act(struct adapter *ad, const struct message *m, enum action what,
    const char *arg, char *err, size_t errlen)
{
	struct irc *irc = ad->priv;
	int i;

	/* one channel: a list could hold "0", which parts all */
	if (!strchr("#&+!", arg[0]) || !valid_irc_word(arg)) {
		snprintf(err, errlen, "not a channel name");
		return -1;
	}
	for (i = 0; i < irc->nnets; i++) {
		struct net *n = &irc->nets[i];

		if (m->network == NULL || strcmp(n->key, m->network) != 0)
			continue;
		if (what == ACT_JOIN)
			sendf(n, 0, "JOIN %s", arg);
		else if (what == ACT_PART)
			sendf(n, 0, "PART %s :%s", arg, "asked by an owner");
	}
	return 0;
}

/* ---- adapter ops -------------------------------------------------------- */

static int
irc_start(struct adapter *ad, struct loop *l, char *err, size_t errlen)
{
	struct irc *irc = ad->priv;
	int i;

	(void)err;
	(void)errlen;
	irc->loop = l;
	for (i = 0; i < irc->nnets; i++)
		net_connect(&irc->nets[i]);
	return 0;
}

/* Says goodbye on one network; the reconnect timer is off for good. */
static void
net_quit(struct net *n)
{
	if (n->reconnect_timer) {
		loop_del_timer(n->irc->loop, n->reconnect_timer);
		n->reconnect_timer = 0;
	}
	if (n->sess && n->state != NET_DOWN)
		sendf(n, 1, "QUIT :%s", QUIT_MESSAGE);
}

static void
irc_stop(struct adapter *ad)
{
	struct irc *irc = ad->priv;
	int i;

	irc->stopping = 1;
	for (i = 0; i < irc->nnets; i++)
		net_quit(&irc->nets[i]);
}

static void
irc_free(struct adapter *ad)
{
	struct irc *irc;
	int i, j;

	if (ad == NULL)
		return;
	irc = ad->priv;
	irc->stopping = 1;
	for (i = 0; i < irc->nnets; i++) {
		if (irc->nets[i].reconnect_timer)
			loop_del_timer(irc->loop, irc->nets[i].reconnect_timer);
		irc->nets[i].reconnect_timer = 1;	/* no new one */
		net_down(&irc->nets[i], "shutdown");
	}
	for (i = 0; i < irc->nnets; i++) {
		for (j = 0; j < INVITES_MAX; j++)
			free(irc->nets[i].invites[j].command);
		config_network_clear(irc->nets[i].cf);
		free(irc->nets[i].cf);
	}
	answer_free(&irc->ans);
	free(irc);
}

static struct net *
net_by_key(struct irc *irc, const char *network)
{
	int i;

	for (i = 0; i < irc->nnets; i++)
		if (!irc->nets[i].gone && strcmp(irc->nets[i].key, network) == 0)
			return &irc->nets[i];
	return NULL;
}

/* A daily highlight: one line to a channel we are in. */
static int
irc_post(struct adapter *ad, const char *network, const char *target,
    const char *id, const struct answer *a)
{
	struct net *n = net_by_key(ad->priv, network);
	const char *text = buf_str(&a->text);

	(void)id;
	if (n == NULL || n->state != NET_UP || !joined_is(n, target))
		return -1;
	/* cut once, by the scheduler, for irc_line_max (which is never
	 * more than payload_max) */
	sendf(n, 0, "PRIVMSG %s :%s", target, text);
	return 0;
}

static size_t
irc_line_max(struct adapter *ad, const char *network, const char *target)
{
	struct net *n = net_by_key(ad->priv, network);
	size_t max = n ? payload_max(n, target) : ANSWER_LINE_MAX;

	/* an answer's one line, and never more than the server relays */
	return max < ANSWER_LINE_MAX ? max : ANSWER_LINE_MAX;
}

static int
irc_pending(struct adapter *ad)
{
	struct irc *irc = ad->priv;
	int i, n = 0;

	for (i = 0; i < irc->nnets; i++)
		if (irc->nets[i].link)
			n += link_queued(irc->nets[i].link) + 1;
	return n;
}

static void
irc_highlights(struct adapter *ad, const struct config *cf,
    struct highlights *hl)
{
	const struct config_networks *ns = config_networks(cf);
	char net[96];
	int i;

	(void)ad;
	for (i = 0; i < ns->n; i++) {
		snprintf(net, sizeof(net), "irc:%s", ns->v[i].name);
		hl_add_all(hl, net, ns->v[i].highlights, ns->v[i].nhighlights);
	}
}

static int
irc_has(struct adapter *ad, const char *network)
{
	return net_by_key(ad->priv, network) != NULL;
}

/* A network of the config, copied: the config may go on a reload. */
static struct net *
net_add(struct irc *irc, const struct config_network *c)
{
	struct net *n;

	if (irc->nnets >= CONFIG_NETWORKS_MAX)
		return NULL;
	n = &irc->nets[irc->nnets++];
	memset(n, 0, sizeof(*n));
	n->irc = irc;
	n->cf = xcalloc(1, sizeof(*n->cf));
	config_network_copy(n->cf, c);
	snprintf(n->key, sizeof(n->key), "irc:%s", c->name);
	n->sess_fd = -1;
	return n;
}

static void
irc_reconfigure(struct adapter *ad, const struct config *cf)
{
	const struct config_networks *ns = config_networks(cf);
	struct irc *irc = ad->priv;
	struct config_network *old;
	struct net *n;
	int i, j;

	for (i = 0; i < irc->nnets; i++) {
		n = &irc->nets[i];
		if (n->gone)
			continue;
		for (j = 0; j < ns->n; j++)
			if (!strcmp(ns->v[j].name, n->cf->name))
				break;
		if (j == ns->n) {
			log_info("%s: removed from the config: disconnecting",
			    n->cf->name);
			n->gone = 1;
			net_quit(n);
			continue;
		}
		/* the new settings apply now; the server list from the
		 * next connect */
		old = n->cf;
		n->cf = xcalloc(1, sizeof(*n->cf));
		config_network_copy(n->cf, &ns->v[j]);
		config_network_clear(old);
		free(old);
		if (n->server >= n->cf->nservers)
			n->server = 0;
		if (n->state == NET_UP)
			join_all(n);	/* joins any new channel */
	}
	for (j = 0; j < ns->n; j++) {
		for (i = 0; i < irc->nnets; i++)
			if (!irc->nets[i].gone &&
			    !strcmp(ns->v[j].name, irc->nets[i].cf->name))
				break;
		if (i < irc->nnets)
			continue;
		if ((n = net_add(irc, &ns->v[j])) == NULL) {
			log_warn("%s: not added: at most %d networks",
			    ns->v[j].name, CONFIG_NETWORKS_MAX);
			continue;
		}
		log_info("%s: added to the config: connecting", n->cf->name);
		if (irc->loop)
			net_connect(n);
	}
}

static struct adapter *
irc_new(struct bot *bot, const struct config *cf, struct state *st)
{
	struct irc *irc;
	int i;

	(void)st;
	if (config_networks(cf)->n == 0)
		return NULL;
	irc = xcalloc(1, sizeof(*irc));
	irc->ad.ops = &irc_ops;
	irc->ad.bot = bot;
	irc->ad.priv = irc;
	answer_init(&irc->ans);
	srandom((unsigned)time(NULL) ^ (unsigned)loop_now_ms());
	for (i = 0; i < config_networks(cf)->n; i++)
		net_add(irc, &config_networks(cf)->v[i]);
	return &irc->ad;
}

const struct adapter_ops irc_ops = {
	.name = "irc",
	.conf = &irc_config,
	.new = irc_new,
	.reconfigure = irc_reconfigure,
	.start = irc_start,
	.stop = irc_stop,
	.free = irc_free,
	.pending = irc_pending,
	/* no .failed: a network that refuses us is retried, never fatal */
	.post = irc_post,
	.highlights = irc_highlights,
	.act = irc_act,
	.line_max = irc_line_max,
	.has = irc_has,
};

