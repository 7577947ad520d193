/*
 * notify.h -- telling the service manager how the daemon is doing:
 * systemd's notification protocol (sd_notify(3)), without libsystemd.
 *
 * The protocol is one datagram of "VAR=value" lines to the AF_UNIX
 * socket named by $NOTIFY_SOCKET: a path ("/run/systemd/notify") or,
 * after '@', an abstract name.  systemd documents it as stable and meant
 * to be reimplemented; the daemon sends READY=1 (with STATUS=),
 * RELOADING=1 (with MONOTONIC_USEC=) and STOPPING=1.  Without
 * $NOTIFY_SOCKET (not started by systemd) each call does nothing.
 */
#ifndef TECHPAY_NOTIFY_H
#define TECHPAY_NOTIFY_H

#include <stddef.h>

#define NOTIFY_ERR_MAX	256	/* room for why a notification failed */
#define NOTIFY_MSG_MAX	4096	/* bytes of one notification, at most */

/*
 * Sends state (one or more "VAR=value" lines) to $NOTIFY_SOCKET; 0 when
 * it went out or there is nobody to tell, -1 with err filled (a socket
 * name that is neither a path nor '@', too long, or unreachable).
 */
int	 notify_send(const char *state, char *err, size_t errlen);
/* The same, the state formatted (cut at NOTIFY_MSG_MAX - 1 bytes). */
int	 notify_sendf(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* RELOADING=1 with MONOTONIC_USEC= of now (CLOCK_MONOTONIC), as
 * systemd wants them together; READY=1 ends the reload. */
int	 notify_reloading(char *err, size_t errlen);

#endif
