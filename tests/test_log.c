/*
 * test_log.c -- what reaches the log: one record is one line, whatever
 * the network put in a message.
 */
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "log.h"

#define CAPTURE_MAX	4096

/* Runs fn with standard error going to a file; what was written. */
static void
capture(void (*fn)(void), char *out, size_t outlen)
{
	FILE *f = tmpfile();
	int saved;
	size_t n;

	assert_non_null(f);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(f), 2) >= 0);
	fn();
	fflush(stderr);
	assert_true(dup2(saved, 2) >= 0);
	close(saved);
	rewind(f);
	n = fread(out, 1, outlen - 1, f);
	out[n] = '\0';
	fclose(f);
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void
forged(void)
{
	/* as a Matrix kick reason or a remote room id could carry it */
	log_warn("removed by %s: %s", "@eve:example",
	    "bye\n2026-12-01T00:00:00Z error: FORGED\r\x1b[31m");
}

static void
test_01_newline_in_message_stays_one_line(void **s)
{
	char out[CAPTURE_MAX];

	(void)s;
	capture(forged, out, sizeof(out));
	assert_int_equal(count_lines(out), 1);
	assert_non_null(strstr(out, "bye?2026-12-01T00:00:00Z error: FORGED??"
	    "[31m\n"));
	assert_null(strchr(out, '\r'));
	assert_null(strchr(out, '\x1b'));
}

static void
forged_unicode(void)
{
	/* valid UTF-8 that still moves or hides text: NEL, the 8-bit CSI,
	 * a line separator, RLO, an isolate, a zero-width space; é stays */
	log_warn("kicked: %s", "a\xc2\x85" "b\xc2\x9b" "31m\xe2\x80\xa8"
	    "c\xe2\x80\xae" "d\xe2\x81\xa6" "e\xe2\x80\x8b" "f\xc3\xa9");
}

static void
test_04_c1_and_format_characters_shown_as_marks(void **s)
{
	char out[CAPTURE_MAX];

	(void)s;
	capture(forged_unicode, out, sizeof(out));
	assert_int_equal(count_lines(out), 1);
	assert_non_null(strstr(out, "kicked: a?b?31m?c?d?e?f\xc3\xa9\n"));
}

static void
several(void)
{
	log_lines(LOG_ERROR, "  ", "a.ini:1: one\na.ini:2: two\n\n");
}

static void
test_02_log_lines_one_record_per_line(void **s)
{
	char out[CAPTURE_MAX], *second;

	(void)s;
	capture(several, out, sizeof(out));
	assert_int_equal(count_lines(out), 2);
	assert_non_null(strstr(out, "error:   a.ini:1: one\n"));
	assert_non_null(second = strstr(out, "error:   a.ini:2: two\n"));
	/* each line is a whole record, with its own time stamp */
	assert_true(second > out && second[-1] == ' ');
	assert_true(strchr(out, '\n') + 1 < second);
}

static void
warned(void)
{
	struct stat st;
	char js[64];

	/* stderr is the capture file now: make it "the journal" */
	fstat(2, &st);
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", js, 1);
	log_init();
	log_warn("a warning for the journal");
	log_error("and an error");
	unsetenv("JOURNAL_STREAM");
	log_init();
	log_warn("back on a terminal");
}

static void
test_03_journal_lines_carry_priority_not_time(void **s)
{
	char out[CAPTURE_MAX];

	(void)s;
	capture(warned, out, sizeof(out));
	assert_non_null(strstr(out, "<4>a warning for the journal\n"
	    "<3>and an error\n"));
	assert_non_null(strstr(out, "Z warn: back on a terminal\n"));
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_newline_in_message_stays_one_line),
		cmocka_unit_test(test_02_log_lines_one_record_per_line),
		cmocka_unit_test(test_03_journal_lines_carry_priority_not_time),
		cmocka_unit_test(test_04_c1_and_format_characters_shown_as_marks),
	};

	return cmocka_run_group_tests_name("log", t, NULL, NULL);
}
