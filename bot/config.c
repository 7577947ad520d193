/*
 * config.c -- reads the INI configuration with libinih and checks it.
 *
 * libinih gives sections, keys and values; this file knows what each key
 * means.  Line numbers come from a reader that counts lines as inih asks
 * for them (Debian's libinih is built without INI_HANDLER_LINENO).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <ini.h>

#include "buf.h"
#include "config.h"
#include "confparse.h"
#include "kb.h"
#include "policy.h"
#include "tz.h"




/*
 * inih joins an indented line to the value above it (a multi-line value):
 * "  channels = #b" under "nick = x" makes the nick "x\nchannels = #b",
 * and the error then names nick, two lines up.  Say what happened and
 * drop the line.  Only after a key: inih reads an indented line that
 * follows a section header (or nothing) as a line of its own.
 */
static void
indented(struct parse *p, char *str)
{
	const char *s = str + strspn(str, " \t");
	int blank = *s == '\0' || strchr("\r\n;#", *s) != NULL;

	if (s == str) {
		if (*s == '[')
			p->after_key = 0;
		else if (!blank)
			p->after_key = 1;
		return;
	}
	if (!blank && p->after_key) {
		perr(p, "line %d is indented: INI continues the previous "
		    "value (remove the indentation)", p->line);
		str[0] = '\0';
	}
}

/*
 * inih's reader: one line at a time, counted.  A line longer than inih's
 * buffer (200 bytes in Debian's build) is reported and skipped whole,
 * rather than read as two broken lines.
 */
static char *
reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	char *r = fgets(str, num, p->fp);
	size_t n;
	int c;

	if (r == NULL)
		return NULL;
	p->line++;
	n = strlen(str);
	if (n == (size_t)num - 1 && str[n - 1] != '\n' && !feof(p->fp)) {
		perr(p, "line longer than %d bytes (for a long password use "
		    "sasl_password_file)", num - 1);
		while ((c = fgetc(p->fp)) != EOF && c != '\n')
			;
		str[0] = '\0';	/* an empty line for inih */
	}
	indented(p, str);
	return r;
}



/* The keys of each section, for "did you mean" (keep with the parsers). */
static const char *const bot_keys[] = {
	"prefix", "nick", "knowledge", "state_dir", "log_level", "owners",
	"ignore", "user_rate", "user_ignore_seconds", "highlight_time",
	"highlight_zone", "highlight_catchup_minutes", NULL
};



















/*
 * Masks are matched against nick!user@host, accounts as account:NAME and
 * Matrix users as @name:server: a bare "alice" matches none of them, and
 * would leave the owner wondering why the bot will not listen.
 */
static void
bare_nicks(struct parse *p, const char *k, char **v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strpbrk(v[i], "!@*?") && strncasecmp(v[i], "account:", 8))
			pwarn(p, "%s: \"%s\" is a bare nick and never matches: "
			    "write %s!*@* or account:%s", k, v[i], v[i], v[i]);
}

static void
bot_key(struct parse *p, const char *k, const char *v)
{
	struct config *cf = p->cf;

	if (!strcmp(k, "prefix")) {
		if (*v == '\0' || strlen(v) > 8 || strchr(v, ' '))
			perr(p, "prefix: 1 to 8 characters, no spaces");
		else
			set_str(&cf->prefix, v);
	} else if (!strcmp(k, "nick")) {
		if (!valid_nick(v))
			perr(p, "nick: \"%s\" is not a valid nick", v);
		set_str(&cf->nick, v);
	} else if (!strcmp(k, "knowledge")) {
		set_str(&cf->knowledge, v);
		cf->knowledge_line = p->line;
	} else if (!strcmp(k, "state_dir")) {
		set_str(&cf->state_dir, v);
		cf->state_dir_line = p->line;
	}
	else if (!strcmp(k, "log_level")) {
		if (strcmp(v, "error") && strcmp(v, "warn") &&
		    strcmp(v, "info") && strcmp(v, "debug"))
			perr(p, "log_level: \"%s\" is not error, warn, info "
			    "or debug", v);
		set_str(&cf->log_level, v);
	} else if (!strcmp(k, "owners")) {
		free_list(cf->owners, cf->nowners);	/* a repeated key wins */
		cf->nowners = split_list(p, k, v, cf->owners, CONFIG_LIST_MAX);
		bare_nicks(p, k, cf->owners, cf->nowners);
	} else if (!strcmp(k, "ignore")) {
		free_list(cf->ignore, cf->nignore);
		cf->nignore = split_list(p, k, v, cf->ignore, CONFIG_LIST_MAX);
		bare_nicks(p, k, cf->ignore, cf->nignore);
	}
	else if (!strcmp(k, "user_rate"))
		cf->user_rate = parse_int(p, k, v, 1, 1000);
	else if (!strcmp(k, "user_ignore_seconds"))
		cf->user_ignore_s = parse_int(p, k, v, 1, 86400);
	else if (!strcmp(k, "highlight_time")) {
		if ((cf->highlight_secs = tz_parse_time(v)) < 0) {
			perr(p, "highlight_time: \"%s\" is not a time (HH:MM)",
			    v);
			cf->highlight_secs = 9 * 3600;
		}
	} else if (!strcmp(k, "highlight_zone")) {
		if (!tz_valid(v))
			perr(p, "highlight_zone: \"%s\" is not a time zone (an "
			    "IANA name such as Europe/Berlin)", v);
		else
			set_str(&cf->highlight_zone, v);
	} else if (!strcmp(k, "highlight_catchup_minutes"))
		cf->highlight_catchup_s = 60 * parse_int(p, k, v, 0, 1440);
	else
		unknown_key(p, bot_keys, k, "bot");
}

/*
 * What config.example holds for a value the operator must choose.  A copy
 * left unchanged must not run as someone else's bot: the nick is an error
 * (it is what the network sees), the rest are warned about (they fail on
 * their own, at the first login).
 */
static const struct {
	const char	*key;
	const char	*value;
	int		 fatal;
} placeholders[] = {
	{ "nick",		CONFIG_NICK_PLACEHOLDER,	1 },
	{ "password",		"change-me",			0 },
	{ "sasl_password",	"change-me",			0 },
	{ "server_password",	"change-me",			0 },
	{ "nickserv_password",	"change-me",			0 },
	{ "access_token",	"change-me",			0 },
	{ "homeserver",		"https://matrix.example.org",	0 },
	{ "user_id",		"@techpay:example.org",		0 },
	{ "invite_from",	"@you:example.org",		0 },
	{ "rooms",		"#techpay:example.org",		0 },
	{ "owners",		"account:you",			0 },
};

static void
placeholder(struct parse *p, const char *k, const char *v)
{
	size_t i;

	for (i = 0; i < sizeof(placeholders) / sizeof(placeholders[0]); i++) {
		if (strcmp(k, placeholders[i].key) ||
		    strcasecmp(v, placeholders[i].value))
			continue;
		if (placeholders[i].fatal)
			perr(p, "%s: set %s (\"%s\" is config.example's "
			    "placeholder)", k, k, v);
		else
			pwarn(p, "%s: \"%s\" is config.example's placeholder",
			    k, v);
	}
}





/*
 * The kinds of [KIND NAME] section, found by name as OpenSMTPD finds its
 * table backends: each kind is one adapter's, and its keys and checks sit
 * in a file of its own beside the adapter (irc_conf.c, matrix_conf.c).
 * A new kind of network is one line here.
 */
static const struct section_kind *const section_kinds_[] = {
	&irc_section, &matrix_section, NULL
};

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	const struct section_kind *sk;
	size_t n = strcspn(section, " ");
	void *sec;
	int k;

	if (name == NULL)	/* a new section (INI_CALL_HANDLER_ON_NEW_SECTION) */
		return 1;
	placeholder(p, name, value);
	if (!strcmp(section, "bot")) {
		bot_key(p, name, value);
		return 1;
	}
	for (k = 0; (sk = section_kinds_[k]) != NULL; k++)
		if (strlen(sk->kind) == n && !strncmp(section, sk->kind, n) &&
		    section[n] == ' ') {
			if ((sec = sk->open(p, section + n +
			    strspn(section + n, " "))) != NULL)
				sk->key(p, sec, name, value);
			return 1;
		}
	perr(p, "unknown section [%s] (use [bot], [network NAME] or "
	    "[matrix NAME])", section);
	return 1;
}







/*
 * Credentials sent without TLS to another machine: refused for a Matrix
 * homeserver unless allow_insecure_http says it is meant, and for SASL
 * PLAIN with sasl_required (asking for SASL is asking for a safe login);
 * otherwise a warning.  Loopback is fine: nothing crosses a network (the
 * tests, a local bouncer or homeserver).
 */




static void
check(struct parse *p)
{
	const struct section_kind *sk;
	struct config *cf = p->cf;
	int i, j;

	p->line = 0;	/* whole-file errors carry line 0 */
	if (cf->nnetworks == 0 && cf->nmatrix == 0)
		perr(p, "no [network NAME] or [matrix NAME] section: nothing "
		    "to connect to");
	if (cf->nmatrix > 0 && cf->state_dir == NULL)
		perr(p, "[matrix]: state_dir is missing in [bot] (the sync "
		    "position and login are kept there)");
	for (i = 0, j = 0; i < cf->nnetworks; i++)
		j += cf->networks[i].nhighlights;
	for (i = 0; i < cf->nmatrix; i++)
		j += cf->matrix[i].nhighlights;
	if (j > 0 && cf->state_dir == NULL)
		perr(p, "highlights: state_dir is missing in [bot] (what was "
		    "posted where is kept there)");
	/* each kind of section checks its own */
	for (i = 0; (sk = section_kinds_[i]) != NULL; i++)
		sk->check(p);
}

/*
 * Opens the file without blocking, as a regular file only: a FIFO given
 * as -c would hang check-config (and a start) with nothing said.
 */
static FILE *
open_config(const char *path, struct stat *st, char *err, size_t errlen)
{
	FILE *fp;
	int fd;

	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC)) == -1 || fstat(fd, st) == -1) {
		snprintf(err, errlen, "%s: %s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "%s: not a regular file\n", path);
		close(fd);
		return NULL;
	}
	if ((fp = fdopen(fd, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s\n", path, strerror(errno));
		close(fd);
	}
	return fp;
}

struct config *
config_load(const char *path, char *err, size_t errlen, char *warn,
    size_t warnlen)
{
	struct parse p = {0};
	struct stat st;
	int rc;

	err[0] = warn[0] = '\0';
	p.cf = xcalloc(1, sizeof(*p.cf));
	p.cf->path = xstrdup(path);
	p.cf->prefix = xstrdup("!");
	p.cf->nick = xstrdup("techpay");
	p.cf->log_level = xstrdup("info");
	p.cf->user_rate = POLICY_RATE_DEFAULT;
	p.cf->user_ignore_s = 300;
	p.cf->highlight_secs = 9 * 3600;
	p.cf->highlight_zone = xstrdup("UTC");
	p.cf->highlight_catchup_s = 3 * 3600;
	if ((p.fp = open_config(path, &st, err, errlen)) == NULL) {
		config_free(p.cf);
		return NULL;
	}
	rc = ini_parse_stream(reader, &p, handler, &p);
	if (rc > 0) {		/* a syntax error inih could not read past */
		p.line = rc;
		perr(&p, "not an INI line (expected [section] or key = value)");
	}
	if (p.cf->secrets && (st.st_mode & (S_IRGRP | S_IROTH)))
		snprintf(warn, warnlen, "%s: warning: the file holds passwords "
		    "and others can read it (chmod 600 %s)\n", path, path);
	fclose(p.fp);
	check(&p);
	/* whoever can write the file decides whom the bot obeys, where it
	 * logs in and with what: as good as running it */
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		perr(&p, "the file is writable by group or others (chmod 600 "
		    "%s)", path);
	if (p.warns.len) {
		size_t w = strlen(warn);

		snprintf(warn + w, warnlen - w, "%s", buf_str(&p.warns));
		buf_free(&p.warns);
	}
	if (p.nerr) {
		snprintf(err, errlen, "%s", buf_str(&p.errs));
		buf_free(&p.errs);
		config_free(p.cf);
		return NULL;
	}
	buf_free(&p.errs);
	return p.cf;
}

/*
 * state_dir as state_open will meet it, without creating it: a directory
 * of ours that we can write and others cannot, or a missing one whose
 * parent lets us create it.
 */
static void
check_state_dir(struct parse *p, const char *dir)
{
	char parent[PATH_MAX];
	struct stat st;

	if (stat(dir, &st) == -1) {
		if (errno != ENOENT) {
			perr(p, "state_dir %s: %s", dir, strerror(errno));
			return;
		}
		if ((size_t)snprintf(parent, sizeof(parent), "%s", dir) >=
		    sizeof(parent)) {
			perr(p, "state_dir %s: path too long", dir);
			return;
		}
		if (faccessat(AT_FDCWD, dirname(parent), W_OK | X_OK,
		    AT_EACCESS) == -1)
			perr(p, "state_dir %s: cannot be created in %s: %s", dir,
			    parent, strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode))
		perr(p, "state_dir %s: not a directory", dir);
	else if (st.st_uid != geteuid() || (st.st_mode & (S_IWGRP | S_IWOTH)))
		perr(p, "state_dir %s: must be owned by uid %lu and not "
		    "writable by group or others (it is uid %lu, mode %03o); "
		    "chown it or chmod 700 %s", dir, (unsigned long)geteuid(),
		    (unsigned long)st.st_uid, (unsigned)(st.st_mode & 0777),
		    dir);
	else if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) == -1)
		perr(p, "state_dir %s: not writable by uid %lu: %s", dir,
		    (unsigned long)geteuid(), strerror(errno));
}

int
config_check_start(const struct config *cf, const char *kdir, char *err,
    size_t errlen, char *warn, size_t warnlen)
{
	static char kerr[KB_ERR_MAX];
	struct parse p = {0};
	struct kb *kb;
	const char *dir = kdir ? kdir : cf->knowledge;

	err[0] = warn[0] = '\0';
	p.cf = (struct config *)cf;	/* perr reads only the path */
	/* -k overrides the file's knowledge: its errors have no line */
	p.line = kdir ? 0 : cf->knowledge_line;
	kb = dir ? kb_load_dir(dir, kerr, sizeof(kerr)) :
	    kb_load_embedded(kerr, sizeof(kerr));
	if (kb == NULL) {
		perr(&p, "knowledge %s does not load:", dir ? dir :
		    "(built in)");
		buf_printf(&p.errs, "%s", kerr);
	}
	kb_free(kb);
	if (cf->state_dir) {
		p.line = cf->state_dir_line;
		check_state_dir(&p, cf->state_dir);
	}
	snprintf(err, errlen, "%s", buf_str(&p.errs));
	snprintf(warn, warnlen, "%s", buf_str(&p.warns));
	buf_free(&p.errs);
	buf_free(&p.warns);
	return p.nerr;
}


const char *
config_summary(const struct config *cf)
{
	static char s[96];

	snprintf(s, sizeof(s), "%d IRC network%s, %d Matrix account%s",
	    cf->nnetworks, cf->nnetworks == 1 ? "" : "s", cf->nmatrix,
	    cf->nmatrix == 1 ? "" : "s");
	return s;
}





void
config_free(struct config *cf)
{
	int i;

	if (cf == NULL)
		return;
	for (i = 0; i < cf->nnetworks; i++)
		config_network_clear(&cf->networks[i]);
	for (i = 0; i < cf->nmatrix; i++)
		config_matrix_clear(&cf->matrix[i]);
	free_list(cf->owners, cf->nowners);
	free_list(cf->ignore, cf->nignore);
	free(cf->path);
	free(cf->prefix);
	free(cf->nick);
	free(cf->knowledge);
	free(cf->state_dir);
	free(cf->log_level);
	free(cf->highlight_zone);
	free(cf);
}
