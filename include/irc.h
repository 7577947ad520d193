/*
 * irc.h -- the IRC adapter: every [network] of the config, in one loop.
 *
 * libircclient parses the protocol and tracks the session; the link
 * (link.h) carries it to the server with TLS, the send queue and the
 * silence check.  This file decides what to do: register (SASL or
 * NickServ), pick a free nick and regain the main one, join channels,
 * answer questions, reconnect with backoff.
 */
#ifndef TECHPAY_IRC_H
#define TECHPAY_IRC_H

#include "adapter.h"

#define IRC_USER_MAX	10	/* user part of our prefix, as servers cap it */
#define IRC_HOST_MAX	63	/* host part, worst case */

extern const struct adapter_ops irc_ops;

#endif
