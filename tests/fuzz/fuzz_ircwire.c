/*
 * fuzz_ircwire.c -- libFuzzer: the bytes an IRC server sends, as they
 * come off the socket.
 *
 * fuzz_ircserver calls the adapter's handlers with lines it splits
 * itself; this target runs the real path instead.  A server of ours on
 * 127.0.0.1 takes the link's connection (bot/link*.c), waits for
 * libircclient's USER (so the relay is up), and writes the input as it
 * is, then a PING of its own.  The input goes through the link's line
 * splitting (lines(), overlong lines, NULs), its look at each line
 * (CAP, SASL, tags), the relay to libircclient's socket, libircclient's
 * own parser, and the adapter's handlers behind it.  The input is done
 * when libircclient's PONG to our PING comes back, or the link closes.
 *
 * The adapter's file is included so that its static callbacks can be
 * used; the fuzzer links every other object but irc.o.
 */
#include "../../bot/irc.c"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "index.h"
#include "kb.h"
#include "policy.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FZ_WAIT_MS	3000	/* an input never takes longer */
#define FZ_END		"fz-end-of-input"

static struct irc *fz;
static struct loop *fz_loop;
static int fz_listen = -1;

/* One input's server side. */
static struct {
	int		 fd;		/* the link's connection, or -1 */
	const uint8_t	*data;
	size_t		 size;
	int		 sent;
	struct buf	 in;		/* what the bot sent us */
} srv;

static void
setup(void)
{
	static const char *const owners[] = { "account:boss",
	    "boss!*@boss.host" };
	static struct config cf;
	static struct config_networks nets;
	static char err[4096];
	struct policy_conf pc = { owners, 2, NULL, 0, 5, 60 };
	struct router_opts ro = { "!", "fzbot" };
	struct config_network *c = &nets.v[0];
	struct sockaddr_in sa = { 0 };
	socklen_t salen = sizeof(sa);
	struct adapter *ad;
	struct kb *kb;
	struct index *ix;
	struct bot *bot;

	log_set_level(LOG_ERROR);
	if ((kb = kb_load_embedded(err, sizeof(err))) == NULL ||
	    (ix = index_new(kb, NULL, err, sizeof(err))) == NULL)
		abort();
	/* the server: 127.0.0.1, a port of the kernel's choosing */
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fz_listen = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) ==
	    -1 || bind(fz_listen, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(fz_listen, 4) == -1 ||
	    getsockname(fz_listen, (struct sockaddr *)&sa, &salen) == -1)
		abort();
	bot = bot_new(kb, ix, &ro);
	bot_set_policy(bot, &pc);
	cf.prefix = (char *)"!";
	nets.n = 1;
	cf.kinds[0].kind = &irc_config;
	cf.kinds[0].set = &nets;
	cf.nkinds = 1;
	config_network_defaults(c);
	c->name = (char *)"fz";
	c->nicks[0] = (char *)"fzbot";
	c->nnicks = 1;
	c->servers[0].host = (char *)"127.0.0.1";
	c->servers[0].port = ntohs(sa.sin_port);
	c->nservers = 1;
	c->user = (char *)"fz";
	c->realname = (char *)"fz";
	c->tls = 0;
	fz_loop = loop_new();
	ad = irc_ops.new(bot, &cf, NULL);
	fz = ad->priv;
	fz->loop = fz_loop;
	fz->stopping = 1;	/* no reconnect timers between inputs */
	/* libircclient's descriptors join the loop when the link is up
	 * (sess_watch, from link_ready), as in irc_start's runs */
}

/* Writes all of p[0..n) to the (blocking for now) server socket. */
static void
srv_write(const void *p, size_t n)
{
	const char *c = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(srv.fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			return;		/* the link is gone: so is the input */
		}
		c += w;
		n -= (size_t)w;
	}
}

/* The bot's lines to the server: the input goes once USER is out (the
 * relay to libircclient is up); its end is our PING coming back. */
static void
srv_readable(struct loop *l, int fd, int ev, void *ctx)
{
	char tmp[4096];
	ssize_t r;
	int flags;

	(void)ev;
	(void)ctx;
	r = read(fd, tmp, sizeof(tmp));
	if (r == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		loop_stop(l);
		return;
	}
	buf_add(&srv.in, tmp, (size_t)r);
	if (!srv.sent && strstr(buf_str(&srv.in), "\nUSER ") != NULL) {
		srv.sent = 1;
		flags = fcntl(fd, F_GETFL);
		fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
		srv_write(srv.data, srv.size);
		srv_write("\r\nPING :" FZ_END "\r\n", strlen(FZ_END) + 10);
		fcntl(fd, F_SETFL, flags);
	}
	if (srv.sent && strstr(buf_str(&srv.in), "PONG") != NULL &&
	    strstr(buf_str(&srv.in), FZ_END) != NULL)
		loop_stop(l);
}

static void
srv_accept(struct loop *l, int fd, int ev, void *ctx)
{
	(void)ev;
	(void)ctx;
	if (srv.fd != -1)
		return;
	if ((srv.fd = accept4(fd, NULL, NULL, SOCK_NONBLOCK |
	    SOCK_CLOEXEC)) == -1)
		return;
	/* CAP LS and libircclient's NICK, USER come before any input */
	srv.in.len = 0;
	buf_add(&srv.in, "\n", 1);
	if (loop_add_fd(l, srv.fd, LOOP_READ, srv_readable, NULL) == -1)
		loop_stop(l);
}

static long
give_up(struct loop *l, void *ctx)
{
	long *timer = ctx;

	*timer = 0;
	loop_stop(l);
	return LOOP_NOMORE;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net *n;
	long timer;
	int i;

	if (fz == NULL)
		setup();
	n = &fz->nets[0];
	memset(&srv, 0, sizeof(srv));
	srv.fd = -1;
	srv.data = data;
	srv.size = size;
	if (loop_add_fd(fz_loop, fz_listen, LOOP_READ, srv_accept, NULL) == -1)
		abort();
	timer = loop_add_timer(fz_loop, FZ_WAIT_MS, give_up, &timer);
	net_connect(n);
	loop_run(fz_loop);
	if (timer)
		loop_del_timer(fz_loop, timer);
	loop_del_fd(fz_loop, fz_listen);
	if (srv.fd != -1) {
		loop_del_fd(fz_loop, srv.fd);
		close(srv.fd);
	}
	buf_free(&srv.in);
	net_down(n, "end of input");
	if (n->reconnect_timer) {
		loop_del_timer(fz_loop, n->reconnect_timer);
		n->reconnect_timer = 0;
	}
	for (i = 0; i < INVITES_MAX; i++) {
		free(n->invites[i].command);
		memset(&n->invites[i], 0, sizeof(n->invites[i]));
	}
	n->state = NET_DOWN;
	n->nops = n->njoined = 0;
	return 0;
}
