/*
 * test_config.c -- what check-config says about a config file: each case
 * is a small file and the exact message it must give (or not give).
 */
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "config.h"

static char path[64];
static char err[CONFIG_ERR_MAX], warn[1024];

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
	return config_load(path, err, sizeof(err), warn, sizeof(warn));
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
test_01_two_channels_without_a_comma(void **s)
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
test_02_channel_keys_are_secrets(void **s)
{
	struct config *cf;

	(void)s;
	cf = load_text(NET "channels = #a sekrit\n", 0644);
	assert_non_null(cf);
	assert_non_null(strstr(warn, "holds passwords and others can read "
	    "it"));
	done(cf);
	cf = load_text(NET "channels = #a\n", 0644);
	assert_non_null(cf);
	assert_string_equal(warn, "");
	done(cf);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_two_channels_without_a_comma),
		cmocka_unit_test(test_02_channel_keys_are_secrets),
	};

	return cmocka_run_group_tests_name("config", t, NULL, NULL);
}
