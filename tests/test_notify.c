/*
 * test_notify.c -- systemd's notification protocol without libsystemd:
 * each message read back from a real AF_UNIX datagram socket bound where
 * $NOTIFY_SOCKET says (a path, or an abstract '@' name), with the
 * sender's credentials as the manager checks them; bad socket names are
 * clear errors.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "notify.h"

static char dir[] = "/tmp/techpay-notify-XXXXXX";
static char path[128];
static int rfd = -1;		/* the manager's end */

/* A datagram socket bound at name ("@x": abstract), SO_PASSCRED on, and
 * NOTIFY_SOCKET naming it. */
static void
listen_at(const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	int one = 1;

	rfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(rfd >= 0);
	memcpy(sa.sun_path, name, n);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	assert_int_equal(bind(rfd, (struct sockaddr *)&sa,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)), 0);
	assert_int_equal(setsockopt(rfd, SOL_SOCKET, SO_PASSCRED, &one,
	    sizeof(one)), 0);
	setenv("NOTIFY_SOCKET", name, 1);
}

/* The next datagram, whole, into out; *pid: the sender's, from the
 * kernel. */
static void
receive(char *out, size_t max, pid_t *pid)
{
	union {
		struct cmsghdr	 h;
		char		 b[CMSG_SPACE(sizeof(struct ucred))];
	} ctl;
	struct iovec iov = { out, max - 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
	    .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	struct cmsghdr *c;
	ssize_t n;

	n = recvmsg(rfd, &m, MSG_DONTWAIT);
	assert_true(n >= 0);
	assert_false(m.msg_flags & MSG_TRUNC);
	out[n] = '\0';
	*pid = 0;
	for (c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_CREDENTIALS) {
			struct ucred u;

			memcpy(&u, CMSG_DATA(c), sizeof(u));
			*pid = u.pid;
		}
}

/* Nothing more was sent. */
static void
nothing_more(void)
{
	char b[16];

	assert_true(recv(rfd, b, sizeof(b), MSG_DONTWAIT) < 0);
}

static int
setup(void **s)
{
	(void)s;
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/notify", dir);
	return 0;
}

static int
teardown(void **s)
{
	(void)s;
	unlink(path);
	rmdir(dir);
	return 0;
}

static int
after_each(void **s)
{
	(void)s;
	if (rfd >= 0)
		close(rfd);
	rfd = -1;
	unlink(path);
	unsetenv("NOTIFY_SOCKET");
	return 0;
}

static void
test_01_no_socket_no_message_no_error(void **s)
{
	char err[NOTIFY_ERR_MAX] = "";

	(void)s;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(notify_send("READY=1", err, sizeof(err)), 0);
	assert_string_equal(err, "");
	setenv("NOTIFY_SOCKET", "", 1);
	assert_int_equal(notify_send("READY=1", err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

static void
test_02_path_socket_gets_the_datagram(void **s)
{
	char err[NOTIFY_ERR_MAX], got[NOTIFY_MSG_MAX];
	pid_t pid;

	(void)s;
	listen_at(path);
	assert_int_equal(notify_sendf(err, sizeof(err),
	    "READY=1\nSTATUS=running (%s)", "1 IRC network"), 0);
	receive(got, sizeof(got), &pid);
	assert_string_equal(got, "READY=1\nSTATUS=running (1 IRC network)");
	assert_int_equal(pid, getpid());	/* NotifyAccess=main */
	assert_int_equal(notify_send("STOPPING=1", err, sizeof(err)), 0);
	receive(got, sizeof(got), &pid);
	assert_string_equal(got, "STOPPING=1");
	nothing_more();
}

static void
test_03_abstract_socket(void **s)
{
	char err[NOTIFY_ERR_MAX], got[NOTIFY_MSG_MAX], name[64];
	pid_t pid;

	(void)s;
	snprintf(name, sizeof(name), "@techpay-notify-test-%ld",
	    (long)getpid());
	listen_at(name);
	assert_int_equal(notify_send("STOPPING=1", err, sizeof(err)), 0);
	receive(got, sizeof(got), &pid);
	assert_string_equal(got, "STOPPING=1");
	assert_int_equal(pid, getpid());
	nothing_more();
}

static void
test_04_reloading_carries_the_monotonic_clock(void **s)
{
	char err[NOTIFY_ERR_MAX], got[NOTIFY_MSG_MAX], *end;
	unsigned long long before, after, at;
	struct timespec ts;
	pid_t pid;

	(void)s;
	listen_at(path);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	before = (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL;
	assert_int_equal(notify_reloading(err, sizeof(err)), 0);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	after = (unsigned long long)ts.tv_sec * 1000000ULL +
	    (unsigned long long)ts.tv_nsec / 1000ULL;
	receive(got, sizeof(got), &pid);
	assert_true(strncmp(got, "RELOADING=1\nMONOTONIC_USEC=", 27) == 0);
	at = strtoull(got + 27, &end, 10);
	assert_true(*end == '\0' && end > got + 27);
	assert_true(at >= before && at <= after);
}

static void
test_05_bad_names_are_clear_errors(void **s)
{
	char err[NOTIFY_ERR_MAX], longname[200];

	(void)s;
	setenv("NOTIFY_SOCKET", "run/notify", 1);
	assert_int_equal(notify_send("READY=1", err, sizeof(err)), -1);
	assert_has(err, "neither an absolute path nor an abstract name");
	memset(longname, 'x', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	setenv("NOTIFY_SOCKET", longname, 1);
	assert_int_equal(notify_send("READY=1", err, sizeof(err)), -1);
	assert_has(err, "a socket name of 199 bytes");
	setenv("NOTIFY_SOCKET", "@", 1);
	assert_int_equal(notify_send("READY=1", err, sizeof(err)), -1);
	assert_has(err, "a socket name of 1 bytes");
	/* nobody listening there: the error says where */
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(notify_send("READY=1", err, sizeof(err)), -1);
	assert_has(err, path);
}

static void
test_06_long_message_is_one_datagram(void **s)
{
	char err[NOTIFY_ERR_MAX], got[NOTIFY_MSG_MAX], status[2048];
	pid_t pid;

	(void)s;
	listen_at(path);
	memset(status, 'y', sizeof(status) - 1);
	status[sizeof(status) - 1] = '\0';
	assert_int_equal(notify_sendf(err, sizeof(err), "STATUS=%s", status),
	    0);
	receive(got, sizeof(got), &pid);
	assert_int_equal(strlen(got), 7 + sizeof(status) - 1);
	assert_true(strncmp(got, "STATUS=yyy", 10) == 0);
	nothing_more();
}

int
main(void)
{
#define T(f)	cmocka_unit_test_teardown(f, after_each)
	const struct CMUnitTest t[] = {
		T(test_01_no_socket_no_message_no_error),
		T(test_02_path_socket_gets_the_datagram),
		T(test_03_abstract_socket),
		T(test_04_reloading_carries_the_monotonic_clock),
		T(test_05_bad_names_are_clear_errors),
		T(test_06_long_message_is_one_datagram),
	};
#undef T

	return cmocka_run_group_tests_name("notify", t, setup, teardown);
}
