/*
 * test_link.c -- the IRC link on real loopback sockets (bot/link.c,
 * link_up.c, link_local.c): a server of the test's takes the link's
 * connection and the test plays libircclient on the local side.  The
 * server's lines reach libircclient's socket before the passed callback
 * runs (one loop round per line); the server_line callback keeps lines
 * from libircclient and link_pass hands others; libircclient's lines and
 * the bot's reach the server with no CR or LF inside and capped; a
 * stranger on 127.0.0.1 is turned away; the bucket holds lines back;
 * the server's close is reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"
#include "link.h"
#include "loop.h"

#define WAIT_MS	3000	/* no step of these tests takes longer */

struct t {
	struct loop	*l;
	struct link	*k;
	int		 srv;		/* the test's server, listening */
	int		 up;		/* its side of the link's connection */
	int		 cli;		/* "libircclient" */
	int		 stranger;	/* another process on the host */
	int		 ready, passed, closed;
	int		 avail_at_passed;	/* bytes readable then */
	char		 why[256];
	int		 consume_cap;	/* server_line keeps CAP lines */
	int		 (*until)(struct t *);
};

static struct t T;
/* One loop for the file: the resolver registers its pipe with the loop
 * it first sees (resolve.c), and a new loop may reuse a freed one's
 * address. */
static struct loop *L;

static int
tcp_connect(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((unsigned short)port);
	assert_int_not_equal(fd, -1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

static void
on_ready(struct link *k, void *ctx)
{
	struct t *t = ctx;

	t->ready++;
	if (t->stranger == -2)	/* a stranger gets there first */
		t->stranger = tcp_connect(link_local_port(k));
	t->cli = tcp_connect(link_local_port(k));
	link_expect_peer(k, t->cli);
}

static int
on_line(struct link *k, char *line, void *ctx)
{
	struct t *t = ctx;

	if (t->consume_cap && strncmp(line, "CAP ", 4) == 0) {
		if (strstr(line, "rewrite"))
			link_pass(k, "NOTICE * :rewritten");
		return 1;
	}
	return 0;
}

static void
on_closed(struct link *k, const char *why, void *ctx)
{
	struct t *t = ctx;

	(void)k;
	t->closed++;
	snprintf(t->why, sizeof(t->why), "%s", why);
	t->k = NULL;	/* it frees itself */
	loop_stop(t->l);
}

static void
on_passed(struct link *k, void *ctx)
{
	struct t *t = ctx;

	(void)k;
	t->passed++;
	assert_int_equal(ioctl(t->cli, FIONREAD, &t->avail_at_passed), 0);
	if (t->until && t->until(t))
		loop_stop(t->l);
}

/* Stops the loop when until says so, or after WAIT_MS. */
static long
check(struct loop *l, void *ctx)
{
	struct t *t = ctx;

	if (t->until && t->until(t)) {
		loop_stop(l);
		return LOOP_NOMORE;
	}
	return 5;
}

static long
give_up(struct loop *l, void *ctx)
{
	(void)ctx;
	loop_stop(l);
	return LOOP_NOMORE;
}

static void
run_until(int (*until)(struct t *))
{
	long c, g;

	T.until = until;
	c = loop_add_timer(T.l, 1, check, &T);
	g = loop_add_timer(T.l, WAIT_MS, give_up, &T);
	loop_run(T.l);
	loop_del_timer(T.l, c);
	loop_del_timer(T.l, g);
	T.until = NULL;
}

static int
is_ready(struct t *t)
{
	return t->ready > 0;
}

static int
has_passed(struct t *t)
{
	return t->passed > 0;
}

static int
is_closed(struct t *t)
{
	return t->closed > 0;
}

static int
never(struct t *t)
{
	(void)t;
	return 0;
}

/* A link to the test's server, with libircclient's side connected. */
static void
start(int burst, int interval_ms)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	struct link_conf c = { .host = "127.0.0.1", .flood_burst = burst,
	    .flood_interval_ms = interval_ms, .ping_after = 120,
	    .ping_timeout = 60 };
	static const struct link_cbs cbs = { on_ready, on_line, on_closed,
	    on_passed };
	char err[256];
	int stranger = T.stranger;

	memset(&T, 0, sizeof(T));
	T.stranger = stranger;
	T.cli = T.up = -1;
	T.l = L;
	T.srv = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(T.srv, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(T.srv, 4), 0);
	assert_int_equal(getsockname(T.srv, (struct sockaddr *)&sa, &len), 0);
	c.port = ntohs(sa.sin_port);
	T.k = link_new(T.l, &c, &cbs, &T);
	assert_int_equal(link_start(T.k, err, sizeof(err)), 0);
	run_until(is_ready);
	assert_int_equal(T.ready, 1);
	T.up = accept(T.srv, NULL, NULL);
	assert_int_not_equal(T.up, -1);
	run_until(never);	/* lets the relay take the local connection */
	T.until = NULL;
}

static void
stop(void)
{
	link_free(T.k);
	if (T.cli >= 0)
		close(T.cli);
	if (T.stranger >= 0)
		close(T.stranger);
	close(T.up);
	close(T.srv);
	T.stranger = 0;
}

/* Reads what fd has within WAIT_MS until want has come; 1 if it did. */
static int
read_for(int fd, const char *want, char *got, size_t n)
{
	size_t have = 0;
	ssize_t r;
	struct timeval tv = { 0, 50 * 1000 };
	int tries;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	got[0] = '\0';
	for (tries = 0; tries < WAIT_MS / 50 && !strstr(got, want); tries++) {
		r = recv(fd, got + have, n - 1 - have, 0);
		if (r > 0)
			have += (size_t)r;
		got[have] = '\0';
		if (r == 0)
			break;
	}
	return strstr(got, want) != NULL;
}

static void
test_01_server_lines_are_there_when_passed_runs(void **s)
{
	static const char lines[] =
	    ":a!b@c PRIVMSG #c :hi\r\n:a!b@c PRIVMSG #c :again\r\n";
	char got[1024];

	(void)s;
	start(10, 0);
	assert_int_equal(write(T.up, lines, strlen(lines)),
	    (ssize_t)strlen(lines));
	run_until(has_passed);
	assert_true(T.passed >= 1);
	/* both lines were on libircclient's socket, in this round */
	assert_int_equal(T.avail_at_passed, (int)strlen(lines));
	assert_true(read_for(T.cli, "again\r\n", got, sizeof(got)));
	assert_string_equal(got, lines);
	stop();
}

static void
test_02_session_lines_reach_the_server(void **s)
{
	char got[1024];

	(void)s;
	start(10, 0);
	assert_int_equal(write(T.cli, "NICK bot\r\nUSER u 0 * :r\r\n", 25), 25);
	run_until(never);
	assert_true(read_for(T.up, "USER u 0 * :r\r\n", got, sizeof(got)));
	assert_string_equal(got, "NICK bot\r\nUSER u 0 * :r\r\n");
	stop();
}

static void
test_03_server_line_callback_keeps_and_rewrites(void **s)
{
	static const char lines[] = "CAP * LS :sasl\r\nCAP * ACK rewrite\r\n"
	    ":srv 001 bot :Welcome\r\n";
	char got[1024];

	(void)s;
	start(10, 0);
	T.consume_cap = 1;
	assert_int_equal(write(T.up, lines, strlen(lines)),
	    (ssize_t)strlen(lines));
	run_until(has_passed);
	assert_true(read_for(T.cli, "Welcome\r\n", got, sizeof(got)));
	assert_string_equal(got, "NOTICE * :rewritten\r\n"
	    ":srv 001 bot :Welcome\r\n");
	stop();
}

/* The bot's own line: CR and LF inside become spaces, the line is cut
 * to IRC_MSG_MAX with CR LF. */
static void
test_04_bot_lines_cleaned_and_capped(void **s)
{
	char got[2048], big[1000];

	(void)s;
	start(10, 0);
	link_send(T.k, "PRIVMSG #c :one\r\nQUIT :injected", 0);
	assert_true(read_for(T.up, "injected\r\n", got, sizeof(got)));
	assert_string_equal(got, "PRIVMSG #c :one  QUIT :injected\r\n");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "PRIVMSG #c :", 12);
	link_send(T.k, big, 0);
	assert_true(read_for(T.up, "\r\n", got, sizeof(got)));
	assert_int_equal(strlen(got), IRC_MSG_MAX);
	stop();
}

static void
test_05_a_stranger_is_turned_away(void **s)
{
	char got[256], c;

	(void)s;
	T.stranger = -2;	/* on_ready connects one first */
	start(10, 0);
	assert_true(T.stranger >= 0);
	/* the stranger's connection is closed: end of file */
	assert_int_equal(recv(T.stranger, &c, 1, 0), 0);
	/* and the session still relays */
	assert_int_equal(write(T.up, "PING :z\r\n", 9), 9);
	run_until(has_passed);
	assert_true(read_for(T.cli, "PING :z\r\n", got, sizeof(got)));
	stop();
}

static void
test_06_the_bucket_holds_lines_back(void **s)
{
	char got[2048];
	int i;

	(void)s;
	start(2, 60000);
	for (i = 0; i < 5; i++)
		link_send_for(T.k, "alice", "PRIVMSG #c :x", 0);
	assert_true(read_for(T.up, "x\r\nPRIVMSG #c :x\r\n", got,
	    sizeof(got)));
	assert_string_equal(got, "PRIVMSG #c :x\r\nPRIVMSG #c :x\r\n");
	assert_int_equal(link_queued(T.k), 3);
	/* a PONG is urgent: it leaves at once all the same */
	link_send(T.k, "PONG :p", 1);
	assert_true(read_for(T.up, "PONG :p\r\n", got, sizeof(got)));
	assert_int_equal(link_queued(T.k), 3);
	stop();
}

static void
test_07_the_server_closing_is_reported(void **s)
{
	(void)s;
	start(10, 0);
	close(T.up);
	T.up = open("/dev/null", O_RDONLY);	/* stop() closes it */
	run_until(is_closed);
	assert_int_equal(T.closed, 1);
	assert_string_equal(T.why, "the server closed the connection");
	stop();
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_server_lines_are_there_when_passed_runs),
		cmocka_unit_test(test_02_session_lines_reach_the_server),
		cmocka_unit_test(test_03_server_line_callback_keeps_and_rewrites),
		cmocka_unit_test(test_04_bot_lines_cleaned_and_capped),
		cmocka_unit_test(test_05_a_stranger_is_turned_away),
		cmocka_unit_test(test_06_the_bucket_holds_lines_back),
		cmocka_unit_test(test_07_the_server_closing_is_reported),
	};

	int failed;

	L = loop_new();
	failed = cmocka_run_group_tests_name("link", t, NULL, NULL);
	loop_free(L);
	return failed;
}
