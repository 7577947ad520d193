/*
 * resolve.h -- host names resolved off the loop.
 *
 * getaddrinfo blocks for as long as the resolver takes; inside the one
 * event loop that would freeze every network and every Matrix account.
 * A lookup here runs in glibc's getaddrinfo_a threads; its completion
 * reaches the loop through a pipe, and the callback runs on the loop like
 * any other event.  A lookup that takes longer than its timeout is given
 * up (the callback says so) and its result, should it come later, is
 * thrown away.
 */
#ifndef TECHPAY_RESOLVE_H
#define TECHPAY_RESOLVE_H

#include <netdb.h>

#include "loop.h"

#define RESOLVE_TIMEOUT_MS	10000	/* then the next server is tried */
#define RESOLVE_ERR_MAX		160

struct resolve;

/* res: the addresses (the callee frees them with freeaddrinfo), or NULL
 * with err saying why. */
typedef void	(*resolve_cb)(struct addrinfo *res, const char *err,
		    void *ctx);

/* Starts a lookup; NULL with err filled when it cannot even start. */
struct resolve	*resolve_start(struct loop *, const char *host,
		    const char *port, int timeout_ms, resolve_cb, void *ctx,
		    char *err, size_t errlen);
/* No callback after this; the lookup's memory goes when it ends. */
void		 resolve_cancel(struct resolve *);

#endif
