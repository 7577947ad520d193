/*
 * test_config.c -- where the NickServ password may go, as config_load
 * decides it: never to a bare "NickServ" without a warning, never when
 * SASL is configured.  Then each check check-config makes, with its exact
 * message: what run would meet at start, the INI pitfalls, the secret
 * files (L5) and config.example's placeholders.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "config.h"
#include "irc_conf.h"
#include "matrix_conf.h"

static char path[64];

static struct config *
load(const char *text, char *warn, size_t warnlen)
{
	char err[CONFIG_ERR_MAX];
	FILE *f;
	int fd;
	struct config *cf;

	snprintf(path, sizeof(path), "/tmp/techpay-config-XXXXXX");
	assert_true((fd = mkstemp(path)) >= 0);	/* 0600: no "readable" */
	assert_non_null(f = fdopen(fd, "w"));
	fputs(text, f);
	fclose(f);
	cf = config_load(path, err, sizeof(err), warn, warnlen);
	unlink(path);
	if (cf == NULL)
		fail_msg("%s", err);
	return cf;
}

static void
test_01_bare_nickserv_warned(void **s)
{
	char warn[1024];
	struct config *cf = load("[network n]\nservers = 127.0.0.1\n"
	    "tls = no\nnickserv_password = pw\n", warn, sizeof(warn));

	(void)s;
	assert_string_equal(config_nickserv_target(&config_networks(cf)->v[0]),
	    "NickServ");
	assert_non_null(strstr(warn, "IDENTIFY goes to whoever has the nick "
	    "NickServ"));
	config_free(cf);
}

static void
test_02_target_on_the_services_server(void **s)
{
	char warn[1024];
	struct config *cf = load("[network n]\nservers = 127.0.0.1\n"
	    "tls = no\nnickserv_password = pw\n"
	    "nickserv_target = NickServ@services.example\n", warn,
	    sizeof(warn));

	(void)s;
	assert_string_equal(config_nickserv_target(&config_networks(cf)->v[0]),
	    "NickServ@services.example");
	assert_string_equal(warn, "");
	config_free(cf);
}

static void
test_03_not_with_sasl(void **s)
{
	char warn[1024];
	struct config *cf = load("[network n]\nservers = 127.0.0.1\n"
	    "tls = no\nsasl_user = u\nsasl_password = p\n"
	    "nickserv_password = pw\n", warn, sizeof(warn));

	(void)s;
	/* a failed SASL login used to fall back to IDENTIFY */
	assert_null(config_nickserv_target(&config_networks(cf)->v[0]));
	assert_non_null(strstr(warn, "nickserv_password is not used with "
	    "SASL"));
	config_free(cf);
}

static void
test_04_no_password_nothing_sent(void **s)
{
	char warn[1024];
	struct config *cf = load("[network n]\nservers = 127.0.0.1\n",
	    warn, sizeof(warn));

	(void)s;
	assert_null(config_nickserv_target(&config_networks(cf)->v[0]));
	config_free(cf);
}

static void
test_05_loopback_hosts(void **s)
{
	(void)s;
	assert_true(config_host_is_loopback("localhost"));
	assert_true(config_host_is_loopback("127.0.0.1"));
	assert_true(config_host_is_loopback("127.255.0.9"));
	assert_true(config_host_is_loopback("::1"));
	assert_true(config_host_is_loopback("[::1]"));
	assert_false(config_host_is_loopback("128.0.0.1"));
	assert_false(config_host_is_loopback("localhost.evil.example"));
	assert_false(config_host_is_loopback("::2"));
	assert_false(config_host_is_loopback("127.0.0.1.nip.io"));
	assert_false(config_host_is_loopback(""));
}

/* ---- channels ---------------------------------------------------- */

static char err[CONFIG_ERR_MAX], warn_[1024];

/* Loads text as a config file with mode; the config, or NULL. */
static struct config *
load_text(const char *text, mode_t mode)
{
	FILE *fp;
	int fd;

	snprintf(path, sizeof(path), "/tmp/techpay-config-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
	return config_load(path, err, sizeof(err), warn_, sizeof(warn_));
}

static void
done(struct config *cf)
{
	config_free(cf);
	unlink(path);
}

#define NET	"[bot]\nprefix = !\n[network x]\nservers = irc.example.org\n" \
		"nick = tpbot\n"

static void
test_06_two_channels_without_a_comma(void **s)
{
	struct config *cf;

	(void)s;
	cf = load_text(NET "channels = #a #b\n", 0600);
	assert_null(cf);
	assert_non_null(strstr(err, ":6: channels: \"#a #b\" looks like two "
	    "channels: separate them with commas"));
	done(cf);
	/* a real key is fine */
	cf = load_text(NET "channels = #a sekrit, #b\n", 0600);
	assert_non_null(cf);
	assert_string_equal(config_networks(cf)->v[0].channels[0].key, "sekrit");
	done(cf);
}

static void
test_07_channel_keys_are_secrets(void **s)
{
	struct config *cf;

	(void)s;
	cf = load_text(NET "channels = #a sekrit\n", 0644);
	assert_non_null(cf);
	assert_non_null(strstr(warn_, "holds passwords and others can read "
	    "it"));
	done(cf);
	cf = load_text(NET "channels = #a\n", 0644);
	assert_non_null(cf);
	assert_string_equal(warn_, "");
	done(cf);
}

/* ---- check-config: what run meets at start ----------------------- */

#define IRC	"[network x]\nservers = 127.0.0.1\ntls = no\n"

static char dir[64];

/* A scratch directory for the files a config names. */
static const char *
scratch(const char *name)
{
	static char p[128];

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/techpay-cfgdir-XXXXXX");
		assert_non_null(mkdtemp(dir));
	}
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return p;
}

static const char *
put(const char *name, const char *text, mode_t mode)
{
	const char *p = scratch(name);
	FILE *fp;

	unlink(p);
	assert_non_null(fp = fopen(p, "w"));
	fputs(text, fp);
	fclose(fp);
	chmod(p, mode);
	return p;
}

/* Loads the text, which must parse, and runs the start checks. */
static int
start_checks(const char *text, const char *kdir)
{
	struct config *cf = load_text(text, 0600);
	int n;

	if (cf == NULL)
		fail_msg("%s", err);
	n = config_check_start(cf, kdir, err, sizeof(err), warn_,
	    sizeof(warn_));
	done(cf);
	return n;
}

static void
test_08_knowledge_loads(void **s)
{
	char text[256];

	(void)s;
	snprintf(text, sizeof(text), "[bot]\nknowledge = %s\n" IRC,
	    scratch("no-such-kb"));
	assert_int_equal(start_checks(text, NULL), 1);
	assert_non_null(strstr(err, ":2: knowledge "));
	assert_non_null(strstr(err, "/no-such-kb does not load:\n"));
	/* the built-in copy loads */
	assert_int_equal(start_checks("[bot]\n" IRC, NULL), 0);
	assert_string_equal(err, "");
}

static void
test_09_state_dir_writable(void **s)
{
	char text[256], want[256];
	const char *f = put("plain-file", "x\n", 0600);

	(void)s;
	snprintf(text, sizeof(text), "[bot]\nstate_dir = %s\n" IRC, f);
	assert_int_equal(start_checks(text, NULL), 1);
	snprintf(want, sizeof(want), ":2: state_dir %s: not a directory\n", f);
	assert_non_null(strstr(err, want));
	snprintf(text, sizeof(text), "[bot]\nstate_dir = %s/sub\n" IRC,
	    scratch("missing"));
	assert_int_equal(start_checks(text, NULL), 1);
	snprintf(want, sizeof(want), ":2: state_dir %s/sub: cannot be created "
	    "in %s: No such file or directory\n", scratch("missing"),
	    scratch("missing"));
	assert_non_null(strstr(err, want));
	/* a missing directory whose parent is ours: run creates it */
	snprintf(text, sizeof(text), "[bot]\nstate_dir = %s\n" IRC,
	    scratch("state"));
	assert_int_equal(start_checks(text, NULL), 0);
}

static void
test_10_secret_file_readable(void **s)
{
	char text[256], want[256];
	struct config *cf;

	(void)s;
	snprintf(text, sizeof(text), IRC "sasl_user = u\n"
	    "sasl_password_file = %s\n", scratch("no-such-pw"));
	assert_null(cf = load_text(text, 0600));
	snprintf(want, sizeof(want), ":5: sasl_password_file: %s: No such "
	    "file or directory\n", scratch("no-such-pw"));
	assert_non_null(strstr(err, want));
	done(cf);
	snprintf(text, sizeof(text), IRC "sasl_user = u\n"
	    "sasl_password_file = %s\n", put("pw", "hunter2\nrest\n", 0600));
	assert_non_null(cf = load_text(text, 0600));
	assert_string_equal(config_networks(cf)->v[0].sasl_password, "hunter2");
	assert_string_equal(warn_, "");
	done(cf);
}

static void
test_11_server_url_hints(void **s)
{
	struct config *cf;

	(void)s;
	cf = load_text("[network x]\nservers = ircs://irc.example.org:6697, "
	    "irc.example.org/6697\n", 0600);
	assert_null(cf);
	assert_non_null(strstr(err, ":2: servers: \"ircs://irc.example.org:"
	    "6697\" is a URL: write irc.example.org:6697 and tls = yes\n"));
	assert_non_null(strstr(err, ":2: servers: \"irc.example.org/6697\": "
	    "write irc.example.org:6697\n"));
	done(cf);
}

static void
test_12_highlight_not_joined(void **s)
{
	struct config *cf;

	(void)s;
	cf = load_text("[bot]\nstate_dir = /tmp\n" IRC "channels = #a\n"
	    "highlights = #a, #b 10:00\n", 0600);
	assert_null(cf);
	assert_non_null(strstr(err, ":7: [network x]: highlights: #b is not "
	    "in channels (the bot posts only where it joins)\n"));
	assert_null(strstr(err, "#a is not"));
	done(cf);
}

static void
test_13_matrix_invite_from_empty(void **s)
{
	struct config *cf;

	(void)s;
	cf = load_text("[bot]\nstate_dir = /tmp\n[matrix m]\n"
	    "homeserver = https://hs.test\nuser_id = @b:hs.test\n"
	    "access_token = t\ninvite_from =\n", 0600);
	assert_non_null(cf);
	assert_non_null(strstr(warn_, ": warning: [matrix m]: invite_from is "
	    "empty: nobody can invite the bot (it joins only its rooms)\n"));
	done(cf);
}

static void
test_14_bare_nick_owner(void **s)
{
	struct config *cf;

	(void)s;
	cf = load_text("[bot]\nowners = alice, account:bob, carol!*@*, "
	    "@dan:hs.test\n" IRC, 0600);
	assert_non_null(cf);
	assert_non_null(strstr(warn_, ":2: warning: owners: \"alice\" is a "
	    "bare nick and never matches: write alice!*@* or account:alice\n"));
	assert_null(strstr(warn_, "bob"));
	assert_null(strstr(warn_, "carol"));
	assert_null(strstr(warn_, "dan"));
	done(cf);
}

static void
test_15_example_placeholders(void **s)
{
	struct config *cf;

	(void)s;
	cf = load_text("[bot]\nnick = " CONFIG_NICK_PLACEHOLDER "\n" IRC,
	    0600);
	assert_null(cf);
	assert_non_null(strstr(err, ":2: nick: set nick (\"CHANGE-ME\" is "
	    "config.example's placeholder)\n"));
	done(cf);
	cf = load_text("[bot]\nstate_dir = /tmp\n[matrix m]\n"
	    "homeserver = https://matrix.example.org\n"
	    "user_id = @techpay:example.org\npassword = change-me\n"
	    "invite_from = hs.test\n", 0600);
	assert_non_null(cf);
	assert_non_null(strstr(warn_, ":4: warning: homeserver: \"https://"
	    "matrix.example.org\" is config.example's placeholder\n"));
	assert_non_null(strstr(warn_, ":5: warning: user_id: \"@techpay:"
	    "example.org\" is config.example's placeholder\n"));
	assert_non_null(strstr(warn_, ":6: warning: password: \"change-me\" "
	    "is config.example's placeholder\n"));
	done(cf);
}

static void
test_16_indented_line(void **s)
{
	struct config *cf;

	(void)s;
	cf = load_text(IRC "nick = tp\n  channels = #a\n", 0600);
	assert_null(cf);
	assert_non_null(strstr(err, ":5: line 5 is indented: INI continues "
	    "the previous value (remove the indentation)\n"));
	/* not the nick "tp channels = #a" two lines up */
	assert_null(strstr(err, "is not a valid nick"));
	done(cf);
	/* indented comments, and a first key under a header, are fine */
	cf = load_text("[network x]\n  servers = 127.0.0.1\ntls = no\n"
	    "   # a note\n", 0600);
	assert_non_null(cf);
	done(cf);
}

static void
test_17_did_you_mean(void **s)
{
	struct config *cf;

	(void)s;
	cf = load_text("[bot]\nstatedir = /tmp\n" IRC "chanels = #a\n"
	    "frobnicate = 1\n", 0600);
	assert_null(cf);
	assert_non_null(strstr(err, ":2: unknown key \"statedir\" in [bot]: "
	    "did you mean state_dir?\n"));
	assert_non_null(strstr(err, ":6: unknown key \"chanels\" in "
	    "[network x]: did you mean channels?\n"));
	assert_non_null(strstr(err, ":7: unknown key \"frobnicate\" in "
	    "[network x]\n"));
	done(cf);
}

static void
test_18_h_mm_accepted(void **s)
{
	struct config *cf;

	(void)s;
	cf = load_text("[bot]\nstate_dir = /tmp\nhighlight_time = 9:00\n"
	    IRC "channels = #a\nhighlights = #a 7:30\n", 0600);
	if (cf == NULL)
		fail_msg("%s", err);
	assert_int_equal(cf->highlight_secs, 9 * 3600);
	assert_int_equal(config_networks(cf)->v[0].highlights[0].secs, 7 * 3600 + 1800);
	done(cf);
}

static void
test_19_secret_file_mode_size_type(void **s)
{
	char text[256], want[256], big[CONFIG_SECRET_MAX + 2];
	const char *f;
	struct config *cf;

	(void)s;
	/* readable by others: warned */
	f = put("pw-644", "hunter2\n", 0644);
	snprintf(text, sizeof(text), IRC "server_password_file = %s\n", f);
	assert_non_null(cf = load_text(text, 0600));
	snprintf(want, sizeof(want), ":4: warning: server_password_file: %s is "
	    "readable by group or others (chmod 600 %s)\n", f, f);
	assert_non_null(strstr(warn_, want));
	done(cf);
	/* writable by others: refused */
	f = put("pw-620", "hunter2\n", 0620);
	snprintf(text, sizeof(text), IRC "server_password_file = %s\n", f);
	assert_null(cf = load_text(text, 0600));
	snprintf(want, sizeof(want), ":4: server_password_file: %s is writable "
	    "by group or others (chmod 600 %s)\n", f, f);
	assert_non_null(strstr(err, want));
	done(cf);
	/* over the cap: refused, not read */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	f = put("pw-big", big, 0600);
	snprintf(text, sizeof(text), IRC "server_password_file = %s\n", f);
	assert_null(cf = load_text(text, 0600));
	snprintf(want, sizeof(want), ":4: server_password_file: %s is larger "
	    "than %d bytes (a secret is one line)\n", f, CONFIG_SECRET_MAX);
	assert_non_null(strstr(err, want));
	done(cf);
	/* a FIFO with no writer: refused at once, not waited on */
	f = scratch("pw-fifo");
	unlink(f);
	assert_int_equal(mkfifo(f, 0600), 0);
	snprintf(text, sizeof(text), IRC "sasl_user = u\n"
	    "sasl_password_file = %s\n", f);
	assert_null(cf = load_text(text, 0600));
	snprintf(want, sizeof(want), ":5: sasl_password_file: %s is not a "
	    "regular file\n", f);
	assert_non_null(strstr(err, want));
	done(cf);
}

static void
test_20_config_writable_by_others(void **s)
{
	struct config *cf;

	(void)s;
	cf = load_text(IRC, 0664);
	assert_null(cf);
	assert_non_null(strstr(err, ":0: the file is writable by group or "
	    "others (chmod 600 "));
	done(cf);
	cf = load_text(IRC, 0644);	/* readable, no secrets: fine */
	assert_non_null(cf);
	done(cf);
}

static void
test_21_homeserver_with_a_path(void **s)
{
	struct config *cf;

	(void)s;
	cf = load_text("[bot]\nstate_dir = /tmp\n[matrix m]\n"
	    "homeserver = https://hs.example.net/_matrix/client\n"
	    "user_id = @bot:hs.example.net\naccess_token = t\n"
	    "invite_from = @me:hs.example.net\n", 0600);
	assert_null(cf);
	assert_non_null(strstr(err, "homeserver: \"https://hs.example.net/"
	    "_matrix/client\" has a path: give the server's base URL "
	    "(https://hs.example.net)"));
	done(cf);
}

/* ---- N11: every secret from a file, and not both ways ------------- */

/* The errors of text, which must not load. */
static void
refused(const char *text, const char *want)
{
	struct config *cf = load_text(text, 0600);

	if (cf != NULL)
		fail_msg("accepted: %s", text);
	if (strstr(err, want) == NULL)
		fail_msg("want \"%s\" in: %s", want, err);
	done(cf);
}

static void
test_22_every_secret_has_a_file_form(void **s)
{
	char text[512], want[384], nk[128], ck[128];
	struct config *cf;

	(void)s;
	/* put's answer is a static buffer: copied */
	snprintf(nk, sizeof(nk), "%s", put("nickserv", "hunter2\n", 0600));
	snprintf(ck, sizeof(ck), "%s", put("chankey", "k3y\n", 0600));
	/* the key file before channels: handed over once both are read */
	snprintf(text, sizeof(text), IRC "nickserv_password_file = %s\n"
	    "nickserv_target = NickServ@services.example\n"
	    "channel_key_file = #keyed %s\nchannels = #open, #Keyed\n", nk, ck);
	assert_non_null(cf = load_text(text, 0644));
	assert_string_equal(config_networks(cf)->v[0].nickserv_password, "hunter2");
	assert_string_equal(config_nickserv_target(&config_networks(cf)->v[0]),
	    "NickServ@services.example");
	assert_null(config_networks(cf)->v[0].channels[0].key);
	assert_string_equal(config_networks(cf)->v[0].channels[1].key, "k3y");
	/* no secret in the file: it may be readable (the unit's dynamic
	 * user needs that) without a warning */
	assert_string_equal(warn_, "");
	done(cf);
	/* the same checks as every *_file secret */
	snprintf(nk, sizeof(nk), "%s", put("nickserv-620", "hunter2\n",
	    0620));
	snprintf(text, sizeof(text), IRC "nickserv_password_file = %s\n", nk);
	snprintf(want, sizeof(want), ":4: nickserv_password_file: %s is "
	    "writable by group or others (chmod 600 %s)\n", nk, nk);
	refused(text, want);
	snprintf(text, sizeof(text), IRC "channels = #k\n"
	    "channel_key_file = #k %s\n", scratch("no-such-key"));
	snprintf(want, sizeof(want), ":5: channel_key_file: %s: No such file "
	    "or directory\n", scratch("no-such-key"));
	refused(text, want);
	/* the channel must be joined, and the file named */
	snprintf(text, sizeof(text), IRC "channels = #a\n"
	    "channel_key_file = #b %s\n", ck);
	refused(text, ":5: [network x]: channel_key_file: #b is not in "
	    "channels\n");
	refused(IRC "channels = #a\nchannel_key_file = #a\n",
	    ":5: channel_key_file: \"#a\" names no file (write #a PATH)\n");
	snprintf(text, sizeof(text), IRC "channels = #a\n"
	    "channel_key_file = #a %s, #A %s\n", ck, ck);
	refused(text, ":5: channel_key_file: #A is given twice\n");
	/* a key is one word on the JOIN line */
	snprintf(ck, sizeof(ck), "%s", put("chankey-sp", "two words\n",
	    0600));
	snprintf(text, sizeof(text), IRC "channels = #a\n"
	    "channel_key_file = #a %s\n", ck);
	refused(text, "a channel key has no spaces, commas or control bytes");
}

static void
test_23_secret_given_both_ways(void **s)
{
	static const char *const keys[] = {
		"server_password", "sasl_password", "nickserv_password", NULL
	};
	char text[512], want[256];
	const char *f = put("secret", "hunter2\n", 0600);
	struct config *cf;
	int i;

	(void)s;
	for (i = 0; keys[i]; i++) {
		/* either order: the second line is the error */
		snprintf(text, sizeof(text), IRC "sasl_user = u\n%s = x\n"
		    "%s_file = %s\n", keys[i], keys[i], f);
		snprintf(want, sizeof(want), ":6: [network x]: %s and %s_file: "
		    "give one of them\n", keys[i], keys[i]);
		refused(text, want);
		snprintf(text, sizeof(text), IRC "sasl_user = u\n%s_file = %s\n"
		    "%s = x\n", keys[i], f, keys[i]);
		refused(text, want);
	}
	snprintf(text, sizeof(text), "[bot]\nstate_dir = /tmp\n[matrix m]\n"
	    "homeserver = https://hs.example.net\nuser_id = @b:hs.example.net\n"
	    "invite_from = hs.example.net\naccess_token = t\n"
	    "access_token_file = %s\n", f);
	refused(text, ":8: [matrix m]: access_token and access_token_file: "
	    "give one of them\n");
	snprintf(text, sizeof(text), "[bot]\nstate_dir = /tmp\n[matrix m]\n"
	    "homeserver = https://hs.example.net\nuser_id = @b:hs.example.net\n"
	    "invite_from = hs.example.net\npassword_file = %s\npassword = p\n",
	    f);
	refused(text, ":8: [matrix m]: password and password_file: give one "
	    "of them\n");
	/* a channel's key in channels and from a file */
	snprintf(text, sizeof(text), IRC "channels = #k inline\n"
	    "channel_key_file = #k %s\n", f);
	refused(text, ":5: [network x]: #k has a key in channels and in "
	    "channel_key_file: give one of them\n");
	/* an empty value is neither way: config.example's empty pairs */
	snprintf(text, sizeof(text), IRC "server_password =\n"
	    "server_password_file = %s\nnickserv_password_file =\n"
	    "nickserv_password = pw\n", f);
	assert_non_null(cf = load_text(text, 0600));
	assert_string_equal(config_networks(cf)->v[0].server_password, "hunter2");
	assert_string_equal(config_networks(cf)->v[0].nickserv_password, "pw");
	done(cf);
}

/* ---- Matrix identifiers -------------------------------------------- */

#define V12	"!KIn1HtsaBkfX96DIK7AOWvgTDxZjebUJ1li4-5oxGMI"
#define MXHEAD	"[bot]\nstate_dir = /tmp\n[matrix m]\n" \
		"homeserver = https://hs.test\nuser_id = @b:hs.test\n" \
		"access_token = t\ninvite_from = @me:hs.test\n"

static void
test_24_matrix_id_forms(void **s)
{
	static const struct {
		const char	*id;
		int		 kinds;	/* of MXID_ROOM|ALIAS|USER it is */
	} ok[] = {
		{ "!abc:example.org", MXID_ROOM },
		{ V12, MXID_ROOM },		/* room version 12 */
		{ "!abc:example.org:8448", MXID_ROOM },
		{ "!abc:[1234:5678::abcd]:5678", MXID_ROOM },
		{ "!abc:1.2.3.4", MXID_ROOM },
		{ "!abc:localhost", MXID_ROOM },
		{ "#techpay:example.org", MXID_ALIAS },
		{ "#caf\xc3\xa9:example.org", MXID_ALIAS },	/* UTF-8 */
		{ "@alice:example.org", MXID_USER },
		{ "@a.b_c=d-e/f+g:hs.test:8008", MXID_USER },
	};
	static const char *const bad[] = {
		"", "!", "#", "@", "techpay", "example.org",
		"!:example.org",		/* no opaque part */
		"!abc",				/* no server, not a v12 hash */
		V12 "x",			/* 44: not a hash */
		"!KIn1HtsaBkfX96DIK7AOWvgTDxZjebUJ1li4+5oxGMI",	/* '+' */
		"!abc:", "!abc:exa mple.org", "!abc:example.org:",
		"!abc:example.org:123456", "!abc:example.org:80x",
		"!abc:[::1", "!abc:[zz::1]", "!a,b:example.org",
		"#noserver", "#a b:example.org", "#:example.org",
		"@alice", "@:example.org", "@alice:", "@al ice:example.org",
		"alice@example.org", "https://example.org/#/room/!a:b",
		"!abc:example.org\r\nQUIT",
	};
	char longid[MXID_LEN_MAX + 2];
	size_t i;

	(void)s;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (!matrix_id_ok(ok[i].id, ok[i].kinds))
			fail_msg("refused: %s", ok[i].id);
		/* the right sigil only: a user id is not a room */
		if (matrix_id_ok(ok[i].id, ~ok[i].kinds &
		    (MXID_ROOM | MXID_ALIAS | MXID_USER)))
			fail_msg("taken as another kind: %s", ok[i].id);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (matrix_id_ok(bad[i], MXID_ROOM | MXID_ALIAS | MXID_USER))
			fail_msg("accepted: \"%s\"", bad[i]);
	assert_false(matrix_id_ok(NULL, MXID_ROOM));
	/* 255 bytes at most */
	memset(longid, 'a', sizeof(longid) - 1);
	longid[0] = '!';
	memcpy(longid + MXID_LEN_MAX - 4, ":h.x", 5);
	assert_int_equal(strlen(longid), MXID_LEN_MAX);
	assert_true(matrix_id_ok(longid, MXID_ROOM));
	memcpy(longid + MXID_LEN_MAX - 4, "a:h.x", 6);
	assert_false(matrix_id_ok(longid, MXID_ROOM));
	/* server names alone */
	assert_true(matrix_server_ok("example.org", 11));
	assert_true(matrix_server_ok("example.org:8448", 16));
	assert_true(matrix_server_ok("[::1]", 5));
	assert_false(matrix_server_ok("example.org:", 12));
	assert_false(matrix_server_ok("exa_mple.org", 12));
	assert_false(matrix_server_ok("", 0));
}

static void
test_25_v12_room_ids_in_rooms_and_highlights(void **s)
{
	const struct config_matrix *m;
	struct config *cf;

	(void)s;
	cf = load_text(MXHEAD "rooms = " V12 ", !old:hs.test, #a:hs.test\n"
	    "highlights = " V12 " 10:00 UTC, !old:hs.test\n", 0600);
	if (cf == NULL)
		fail_msg("%s", err);
	m = &config_accounts(cf)->v[0];
	assert_int_equal(m->nrooms, 3);
	assert_string_equal(m->rooms[0], V12);
	assert_int_equal(m->nhighlights, 2);
	assert_string_equal(m->highlights[0].target, V12);
	done(cf);
	refused(MXHEAD "rooms = techpay\n", ":8: rooms: \"techpay\" is not a "
	    "room id (!id:server, or !id alone in version 12 rooms) or alias "
	    "(#name:server)\n");
	refused(MXHEAD "rooms = !short\n", "\"!short\" is not a room id");
	refused(MXHEAD "rooms = #noserver\n", "\"#noserver\" is not a room id");
	/* a highlight is posted to a room id, not an alias */
	refused(MXHEAD "highlights = #a:hs.test\n", ":8: highlights: "
	    "\"#a:hs.test\" is not a room id (!id:server, or !id alone in "
	    "version 12 rooms)\n");
	refused(MXHEAD "highlights = !short 10:00\n", "\"!short\" is not a "
	    "room id");
	/* the account's own id, with the same grammar */
	refused("[bot]\nstate_dir = /tmp\n[matrix m]\n"
	    "homeserver = https://hs.test\nuser_id = @b c:hs.test\n"
	    "access_token = t\n", ":5: user_id: \"@b c:hs.test\" is not a "
	    "Matrix user id (@name:server)\n");
}

static void
test_26_invite_from_forms(void **s)
{
	static const struct {
		const char	*entry;
		const char	*why;
	} never[] = {
		{ "alice", "neither a user id nor a server name" },
		{ "*", "no wildcards: a server name takes everyone there" },
		{ "@*:hs.test", "no wildcards" },
		{ "https://hs.test", "a URL, not a server name" },
		{ "alice@hs.test", "an e-mail style address; a Matrix user id "
		    "is @name:server" },
		{ "@a:hs.test @b:hs.test", "two entries? separate them with "
		    "commas" },
		{ "@alice", "not a whole user id" },
		{ ":", "neither a user id nor a server name" },
		{ ":exa_mple", "neither a user id nor a server name" },
	};
	const struct config_matrix *m;
	struct config *cf;
	char text[512], want[512];
	size_t i;

	(void)s;
	for (i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
		snprintf(text, sizeof(text), "[bot]\nstate_dir = /tmp\n"
		    "[matrix m]\nhomeserver = https://hs.test\n"
		    "user_id = @b:hs.test\naccess_token = t\n"
		    "invite_from = @ok:hs.test, %s\n", never[i].entry);
		snprintf(want, sizeof(want), ":7: invite_from: \"%s\" never "
		    "matches (%s", never[i].entry, never[i].why);
		refused(text, want);
	}
	assert_non_null(strstr(err, "): write a user id (@alice:example.org) "
	    "or a server name (example.org, or :name for a server without a "
	    "dot)\n"));
	/* what matches: user ids, and servers however they are named; an
	 * explicit ":" is dropped (a sender's server is compared without) */
	cf = load_text("[bot]\nstate_dir = /tmp\n[matrix m]\n"
	    "homeserver = https://hs.test\nuser_id = @b:hs.test\n"
	    "access_token = t\ninvite_from = @alice:hs.test, hs.test, "
	    "localhost, hs.test:8448, [::1]:8008, 10.0.0.1, :matrixhost, "
	    ":hs.example\n", 0600);
	if (cf == NULL)
		fail_msg("%s", err);
	m = &config_accounts(cf)->v[0];
	assert_int_equal(m->ninvite_from, 8);
	assert_string_equal(m->invite_from[0], "@alice:hs.test");
	assert_string_equal(m->invite_from[2], "localhost");
	assert_string_equal(m->invite_from[6], "matrixhost");
	assert_string_equal(m->invite_from[7], "hs.example");
	done(cf);
}

/* Owners may invite the bot: with a Matrix owner, an empty invite_from
 * is not "nobody can invite". */
static void
test_27_owners_may_invite(void **s)
{
	struct config *cf;

	(void)s;
	cf = load_text("[bot]\nstate_dir = /tmp\nowners = @me:hs.test\n"
	    "[matrix m]\nhomeserver = https://hs.test\nuser_id = @b:hs.test\n"
	    "access_token = t\n", 0600);
	assert_non_null(cf);
	assert_null(strstr(warn_, "invite_from"));
	done(cf);
	cf = load_text("[bot]\nstate_dir = /tmp\nowners = account:me\n"
	    "[matrix m]\nhomeserver = https://hs.test\nuser_id = @b:hs.test\n"
	    "access_token = t\n", 0600);
	assert_non_null(cf);
	assert_non_null(strstr(warn_, "[matrix m]: invite_from is empty: "
	    "nobody can invite the bot"));
	done(cf);
}

static void
test_28_matrix_encryption_keys(void **s)
{
	const struct config_accounts *as;
	struct config *cf;

	(void)s;
	cf = load_text("[bot]\nstate_dir = /tmp\n[matrix m]\n"
	    "homeserver = https://hs.test\nuser_id = @b:hs.test\n"
	    "access_token = t\ninvite_from = hs.test\n", 0600);
	assert_non_null(cf);
	as = config_accounts(cf);
	assert_int_equal(as->v[0].encryption, 1);	/* the default */
	assert_null(as->v[0].pickle_key_file);
	assert_null(as->v[0].recovery_key_file);
	done(cf);
	cf = load_text("[bot]\nstate_dir = /tmp\n[matrix m]\n"
	    "homeserver = https://hs.test\nuser_id = @b:hs.test\n"
	    "access_token = t\ninvite_from = hs.test\nencryption = no\n"
	    "recovery_key_file = /tmp/rk\n", 0600);
	assert_non_null(cf);
	as = config_accounts(cf);
	assert_int_equal(as->v[0].encryption, 0);
	assert_string_equal(as->v[0].recovery_key_file, "/tmp/rk");
	done(cf);
	cf = load_text("[bot]\nstate_dir = /tmp\n[matrix m]\n"
	    "homeserver = https://hs.test\nuser_id = @b:hs.test\n"
	    "access_token = t\ninvite_from = hs.test\nencryption = yes\n"
	    "pickle_key_file = /nonexistent/pickle.key\n", 0600);
	assert_null(cf);
	unlink(path);
	assert_non_null(strstr(err, "[matrix m]: pickle_key_file: "
	    "/nonexistent/pickle.key: No such file or directory"));
	cf = load_text("[bot]\nstate_dir = /tmp\n[matrix m]\n"
	    "homeserver = https://hs.test\nuser_id = @b:hs.test\n"
	    "access_token = t\ninvite_from = hs.test\nencryption = maybe\n",
	    0600);
	assert_null(cf);
	unlink(path);
	assert_non_null(strstr(err, "encryption"));
}

static void
cleanup(void)
{
	char cmd[128];

	if (dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "%s failed\n", cmd);
	}
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_bare_nickserv_warned),
		cmocka_unit_test(test_02_target_on_the_services_server),
		cmocka_unit_test(test_03_not_with_sasl),
		cmocka_unit_test(test_04_no_password_nothing_sent),
		cmocka_unit_test(test_05_loopback_hosts),
		cmocka_unit_test(test_06_two_channels_without_a_comma),
		cmocka_unit_test(test_07_channel_keys_are_secrets),
		cmocka_unit_test(test_08_knowledge_loads),
		cmocka_unit_test(test_09_state_dir_writable),
		cmocka_unit_test(test_10_secret_file_readable),
		cmocka_unit_test(test_11_server_url_hints),
		cmocka_unit_test(test_12_highlight_not_joined),
		cmocka_unit_test(test_13_matrix_invite_from_empty),
		cmocka_unit_test(test_14_bare_nick_owner),
		cmocka_unit_test(test_15_example_placeholders),
		cmocka_unit_test(test_16_indented_line),
		cmocka_unit_test(test_17_did_you_mean),
		cmocka_unit_test(test_18_h_mm_accepted),
		cmocka_unit_test(test_19_secret_file_mode_size_type),
		cmocka_unit_test(test_20_config_writable_by_others),
		cmocka_unit_test(test_21_homeserver_with_a_path),
		cmocka_unit_test(test_22_every_secret_has_a_file_form),
		cmocka_unit_test(test_23_secret_given_both_ways),
		cmocka_unit_test(test_24_matrix_id_forms),
		cmocka_unit_test(test_25_v12_room_ids_in_rooms_and_highlights),
		cmocka_unit_test(test_26_invite_from_forms),
		cmocka_unit_test(test_27_owners_may_invite),
		cmocka_unit_test(test_28_matrix_encryption_keys),
	};
	int rc;

	rc = cmocka_run_group_tests_name("config", t, NULL, NULL);
	cleanup();
	return rc;
}
