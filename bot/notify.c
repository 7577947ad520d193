/*
 * notify.c -- systemd's notification protocol (see notify.h): one
 * datagram to the AF_UNIX socket in $NOTIFY_SOCKET.
 *
 * As sd_notify(3) does it: a path must be absolute, '@' starts an
 * abstract name (sent without its '@' and without a trailing NUL), the
 * socket is opened for the one message and closed, and SIGPIPE is never
 * raised.  The credentials the manager checks (NotifyAccess=main) are
 * attached by the kernel: the sender is the daemon itself.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "notify.h"

int
notify_send(const char *state, char *err, size_t errlen)
{
	const char *name = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t salen;
	size_t n;
	ssize_t sent;
	int fd;

	if (name == NULL || *name == '\0')
		return 0;
	n = strlen(name);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (name[0] != '/' && name[0] != '@') {
		snprintf(err, errlen, "NOTIFY_SOCKET=%s: neither an absolute "
		    "path nor an abstract name (@name)", name);
		return -1;
	}
	if (n >= sizeof(sa.sun_path) || (name[0] == '@' && n < 2)) {
		snprintf(err, errlen, "NOTIFY_SOCKET: a socket name of %zu "
		    "bytes (1 to %zu)", n, sizeof(sa.sun_path) - 1);
		return -1;
	}
	memcpy(sa.sun_path, name, n);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';	/* abstract: the length ends it */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
	    (name[0] == '/'));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "NOTIFY_SOCKET: socket: %s",
		    strerror(errno));
		return -1;
	}
	n = strlen(state);
	sent = sendto(fd, state, n, MSG_NOSIGNAL,
	    (const struct sockaddr *)&sa, salen);
	if (sent < 0 || (size_t)sent != n) {
		snprintf(err, errlen, "NOTIFY_SOCKET=%s: %s", name,
		    sent < 0 ? strerror(errno) : "message cut short");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
notify_sendf(char *err, size_t errlen, const char *fmt, ...)
{
	char msg[NOTIFY_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return notify_send(msg, err, errlen);
}

int
notify_reloading(char *err, size_t errlen)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return notify_sendf(err, errlen, "RELOADING=1\nMONOTONIC_USEC=%llu",
	    (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL);
}
