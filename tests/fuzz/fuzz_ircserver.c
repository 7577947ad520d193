/*
 * fuzz_ircserver.c -- libFuzzer: what an IRC server sends.
 *
 * Each input is a session's worth of server lines.  Every line goes where
 * a real one goes: IRCv3 tags taken off (an account tag kept for the
 * handlers), the adapter's own look at it (CAP, SASL, PASS errors), then, as libircclient would deliver it, the
 * adapter's event handlers (registration, WHOIS replies, NICK, QUIT,
 * JOIN, PART, KICK, MODE, INVITE, PRIVMSG to channels and in private,
 * CTCP), and through them the policy, the router and the send queue.
 * libircclient's own parser is not ours and is not fuzzed here; the
 * handlers get what it would pass them.
 *
 * The adapter's files are included so that their static handlers can be
 * called (events, registration, the connection); the fuzzer links every
 * other object but theirs.
 */
#include "../../bot/irc.c"
#include "../../bot/irc_events.c"
#include "../../bot/irc_reg.c"

#include "index.h"
#include "kb.h"
#include "policy.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FZ_LINES	64	/* server lines per input */
#define FZ_PARAMS	16

static struct irc *fz;
static struct loop *fz_loop;

static void
setup(void)
{
	static const char *const owners[] = { "account:boss", "boss!*@boss.host" };
	static struct config cf;
	static struct config_networks nets;
	static char err[4096];
	struct policy_conf pc = { owners, 2, NULL, 0, 5, 60 };
	struct router_opts ro = { "!", "fzbot" };
	struct config_network *c = &nets.v[0];
	struct adapter *ad;
	struct kb *kb;
	struct index *ix;
	struct bot *bot;

	log_set_level(LOG_ERROR);
	if ((kb = kb_load_embedded(err, sizeof(err))) == NULL ||
	    (ix = index_new(kb, NULL, err, sizeof(err))) == NULL)
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
	c->servers[0].port = 6667;
	c->nservers = 1;
	c->user = (char *)"fz";
	c->realname = (char *)"fz";
	c->tls = 0;
	fz_loop = loop_new();
	ad = irc_ops.new(bot, &cf, NULL);
	fz = ad->priv;
	fz->loop = fz_loop;
	fz->stopping = 1;	/* no reconnect timers between inputs */
}

/* One server line, as libircclient would hand it to the handlers. */
static void
dispatch(struct net *n, char *line)
{
	char *origin = NULL, *cmd, *par[FZ_PARAMS], *p = line;
	const char *cp[FZ_PARAMS];
	int np, i;

	if (*p == '@')
		p += strcspn(p, " ") + strspn(p + strcspn(p, " "), " ");
	if (*p == ':') {
		origin = p + 1;
		p += strcspn(p, " ");
		if (*p)
			*p++ = '\0';
	}
	np = parse_line(p, &cmd, par, FZ_PARAMS);
	for (i = 0; i < np; i++)
		cp[i] = par[i];
	if (isdigit((unsigned char)cmd[0]) && strlen(cmd) == 3) {
		if (atoi(cmd) == 1)
			ev_connect(n->sess, cmd, origin, cp, (unsigned)np);
		else
			ev_numeric(n->sess, (unsigned)atoi(cmd), origin, cp,
			    (unsigned)np);
	} else if (!strcmp(cmd, "NICK"))
		ev_nick(n->sess, cmd, origin, cp, (unsigned)np);
	else if (!strcmp(cmd, "QUIT"))
		ev_quit(n->sess, cmd, origin, cp, (unsigned)np);
	else if (!strcmp(cmd, "JOIN"))
		ev_join(n->sess, cmd, origin, cp, (unsigned)np);
	else if (!strcmp(cmd, "PART"))
		ev_part(n->sess, cmd, origin, cp, (unsigned)np);
	else if (!strcmp(cmd, "KICK"))
		ev_kick(n->sess, cmd, origin, cp, (unsigned)np);
	else if (!strcmp(cmd, "MODE"))
		ev_mode(n->sess, cmd, origin, cp, (unsigned)np);
	else if (!strcmp(cmd, "INVITE"))
		ev_invite(n->sess, cmd, origin, cp, (unsigned)np);
	else if (!strcmp(cmd, "PRIVMSG") && np >= 2) {
		if (cp[1][0] == '\001') {	/* CTCP: the body without \001 */
			par[1][strcspn(par[1] + 1, "\001") + 1] = '\0';
			cp[1] = par[1] + 1;
			ev_ctcp(n->sess, cmd, origin, cp + 1, 1);
		} else if (strchr("#&+!", cp[0][0]))
			ev_channel(n->sess, cmd, origin, cp, (unsigned)np);
		else
			ev_privmsg(n->sess, cmd, origin, cp, (unsigned)np);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct link_cbs cbs = {
		link_ready, link_server_line, link_closed
	};
	struct link_conf lc = { .host = "127.0.0.1", .port = 6667,
	    .flood_burst = 4, .flood_interval_ms = 2000, .ping_after = 120,
	    .ping_timeout = 60 };
	struct net *n;
	char *text, *line, *save;
	int lines = 0;

	if (fz == NULL)
		setup();
	n = &fz->nets[0];
	n->link = link_new(fz_loop, &lc, &cbs, n);	/* never started */
	n->sess = irc_create_session(&irc_callbacks);
	irc_set_ctx(n->sess, n);
	n->state = NET_REGISTERING;
	n->sasl = size > 0 && (data[0] & 1) ? SASL_LS : SASL_OFF;
	n->sasl_mech = size > 0 && (data[0] & 2) ? CONFIG_SASL_EXTERNAL :
	    CONFIG_SASL_PLAIN;
	n->cap = size > 0 && (data[0] & 8) ? CAP_DONE : CAP_LS;
	n->account_tag = size > 0 && (data[0] & 4);
	snprintf(n->nick, sizeof(n->nick), "fzbot");
	text = xstrndup((const char *)data, size);
	for (line = strtok_r(text, "\r\n", &save); line && lines < FZ_LINES;
	    line = strtok_r(NULL, "\r\n", &save), lines++) {
		char *copy;

		if (strlen(line) > IRC_MSG_MAX)
			line[IRC_MSG_MAX] = '\0';
		/* a tagged line goes on untagged (an account tag kept in
		 * the prefix), as link_pass would hand it to libircclient */
		copy = line[0] == '@' ? untag(line) : xstrdup(line);
		if (!registration_line(n, copy))
			dispatch(n, copy);
		free(copy);
		if (n->link == NULL)	/* the handlers closed it */
			break;
	}
	free(text);
	net_down(n, "end of input");
	for (lines = 0; lines < INVITES_MAX; lines++) {
		free(n->invites[lines].command);
		memset(&n->invites[lines], 0, sizeof(n->invites[lines]));
	}
	n->state = NET_DOWN;
	n->nops = n->njoined = 0;
	return 0;
}
