/*
 * test_config.c -- where the NickServ password may go, as config_load
 * decides it: never to a bare "NickServ" without a warning, never when
 * SASL is configured.
 */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "config.h"

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
	assert_string_equal(config_nickserv_target(&cf->networks[0]),
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
	assert_string_equal(config_nickserv_target(&cf->networks[0]),
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
	assert_null(config_nickserv_target(&cf->networks[0]));
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
	assert_null(config_nickserv_target(&cf->networks[0]));
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
	assert_string_equal(cf->networks[0].channels[0].key, "sekrit");
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
	};

	return cmocka_run_group_tests_name("config", t, NULL, NULL);
}
