/*
 * config.c -- reads the INI configuration with libinih and checks it.
 *
 * libinih gives sections, keys and values; this file knows the keys of
 * [bot] and hands each [KIND NAME] section to its kind, found by name
 * among the adapters' (config_kind_at): it knows none of their keys.
 * Line numbers come from a reader that counts lines as inih asks for
 * them (Debian's libinih is built without INI_HANDLER_LINENO).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
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
key_prefix(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config *cf = sec;

	(void)k;
	if (*v == '\0' || strlen(v) > 8 || strchr(v, ' '))
		perr(p, "prefix: 1 to 8 characters, no spaces");
	else
		set_str(&cf->prefix, v);
}

static void
check_nick(struct parse *p, void *sec, const char *k, const char *v)
{
	(void)sec;
	(void)k;
	if (!valid_nick(v))
		perr(p, "nick: \"%s\" is not a valid nick", v);
}

/* knowledge and state_dir: their lines, for config_check_start */
static void
key_knowledge(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config *cf = sec;

	(void)k;
	set_str(&cf->knowledge, v);
	cf->knowledge_line = p->line;
}

static void
key_state_dir(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config *cf = sec;

	(void)k;
	set_str(&cf->state_dir, v);
	cf->state_dir_line = p->line;
}

static void
check_log_level(struct parse *p, void *sec, const char *k, const char *v)
{
	(void)sec;
	(void)k;
	if (strcmp(v, "error") && strcmp(v, "warn") && strcmp(v, "info") &&
	    strcmp(v, "debug"))
		perr(p, "log_level: \"%s\" is not error, warn, info or debug",
		    v);
}

/* owners and ignore: a repeated key wins */
static void
key_owners(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config *cf = sec;

	free_list(cf->owners, cf->nowners);
	cf->nowners = split_list(p, k, v, cf->owners, CONFIG_LIST_MAX);
	bare_nicks(p, k, cf->owners, cf->nowners);
}

static void
key_ignore(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config *cf = sec;

	free_list(cf->ignore, cf->nignore);
	cf->nignore = split_list(p, k, v, cf->ignore, CONFIG_LIST_MAX);
	bare_nicks(p, k, cf->ignore, cf->nignore);
}

static void
key_highlight_time(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config *cf = sec;

	(void)k;
	if ((cf->highlight_secs = tz_parse_time(v)) < 0) {
		perr(p, "highlight_time: \"%s\" is not a time (HH:MM)", v);
		cf->highlight_secs = 9 * 3600;
	}
}

static void
key_highlight_zone(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config *cf = sec;

	(void)k;
	if (!tz_valid(v))
		perr(p, "highlight_zone: \"%s\" is not a time zone (an IANA "
		    "name such as Europe/Berlin)", v);
	else
		set_str(&cf->highlight_zone, v);
}

static void
key_catchup(struct parse *p, void *sec, const char *k, const char *v)
{
	struct config *cf = sec;

	cf->highlight_catchup_s = 60 * parse_int(p, k, v, 0, 1440);
}

#define BOT(f)		offsetof(struct config, f)
#define FN(k, fn)	{ k, CONFIG_FN, 0, fn, 0, 0, 0 }

/* The keys of [bot], in config.example's order. */
static const struct config_key bot_keys[] = {
	FN("prefix", key_prefix),
	{ "nick", CONFIG_STR, BOT(nick), check_nick, 0, 0, 0 },
	FN("knowledge", key_knowledge),
	FN("state_dir", key_state_dir),
	{ "log_level", CONFIG_STR, BOT(log_level), check_log_level, 0, 0, 0 },
	FN("owners", key_owners),
	FN("ignore", key_ignore),
	{ "user_rate", CONFIG_INT, BOT(user_rate), NULL, 1, 1000, 0 },
	{ "user_ignore_seconds", CONFIG_INT, BOT(user_ignore_s), NULL, 1,
	    86400, 0 },
	FN("highlight_time", key_highlight_time),
	FN("highlight_zone", key_highlight_zone),
	FN("highlight_catchup_minutes", key_catchup),
	{ NULL, CONFIG_FN, 0, NULL, 0, 0, 0 }
};

/*
 * What config.example holds for a value the operator must choose.  A copy
 * left unchanged must not run as someone else's bot: the nick is an error
 * (it is what the network sees), the rest are warned about (they fail on
 * their own, at the first login).
 */
static const struct config_placeholder bot_placeholders[] = {
	{ "nick",	CONFIG_NICK_PLACEHOLDER,	1 },
	{ "owners",	"account:you",			0 },
	{ NULL, NULL, 0 }
};

/* Any key of any section, by the tables of [bot] and of every kind. */
static void
placeholder(struct parse *p, const char *k, const char *v)
{
	const struct config_placeholder *ph;
	int i;

	for (i = -1; i < p->cf->nkinds; i++) {
		ph = i < 0 ? bot_placeholders : p->cf->kinds[i].kind->placeholders;
		for (; ph && ph->key; ph++) {
			if (strcmp(k, ph->key) || strcasecmp(v, ph->value))
				continue;
			if (ph->fatal)
				perr(p, "%s: set %s (\"%s\" is config.example's "
				    "placeholder)", k, k, v);
			else
				pwarn(p, "%s: \"%s\" is config.example's "
				    "placeholder", k, v);
		}
	}
}

/* "[bot], [network NAME] or [matrix NAME]": the sections of the kinds
 * known, after those, for the messages that list them. */
static void
section_list(const struct config *cf, const char *first, char *out,
    size_t outlen)
{
	size_t o = 0;
	int i;

	out[0] = '\0';
	if (first)
		o = (size_t)snprintf(out, outlen, "%s", first);
	for (i = 0; i < cf->nkinds && o < outlen; i++)
		o += (size_t)snprintf(out + o, outlen - o, "%s[%s NAME]",
		    o == 0 ? "" : i == cf->nkinds - 1 ? " or " : ", ",
		    cf->kinds[i].kind->section);
}

/* The section called "KIND NAME" of a known kind: the kind's, or NULL. */
static void *
open_section(struct parse *p, const char *section)
{
	const struct config_kind *k;
	size_t n = strcspn(section, " ");
	int i;

	for (i = 0; i < p->cf->nkinds; i++) {
		k = p->cf->kinds[i].kind;
		if (strlen(k->section) == n && !strncmp(section, k->section, n) &&
		    section[n] == ' ') {
			p->kind = k;
			return k->open(p, p->cf->kinds[i].set, section + n +
			    strspn(section + n, " "));
		}
	}
	p->kind = NULL;
	return NULL;
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse *p = user;
	char list[CONFIG_SECTION_LEN * 2];
	void *sec;

	if (name == NULL)	/* a new section (INI_CALL_HANDLER_ON_NEW_SECTION) */
		return 1;
	placeholder(p, name, value);
	if (!strcmp(section, "bot")) {
		config_set(p, bot_keys, p->cf, "bot", name, value);
		return 1;
	}
	if ((sec = open_section(p, section)) != NULL)
		p->kind->key(p, sec, name, value);
	else if (p->kind == NULL) {
		section_list(p->cf, "[bot]", list, sizeof(list));
		perr(p, "unknown section [%s] (use %s)", section, list);
	}
	return 1;
}

/*
 * The whole file: something to connect to, state_dir where a kind or a
 * highlight needs it, then each kind's own checks.
 */
static void
check(struct parse *p)
{
	const struct config_kind *k;
	struct config *cf = p->cf;
	char list[CONFIG_SECTION_LEN * 2];
	int i, n = 0, nhl = 0;

	p->line = 0;	/* whole-file errors carry line 0 */
	for (i = 0; i < cf->nkinds; i++) {
		n += cf->kinds[i].kind->count(cf->kinds[i].set);
		nhl += cf->kinds[i].kind->nhighlights(cf->kinds[i].set);
	}
	if (n == 0) {
		section_list(cf, NULL, list, sizeof(list));
		perr(p, "no %s section: nothing to connect to", list);
	}
	for (i = 0; i < cf->nkinds; i++) {
		k = cf->kinds[i].kind;
		if (k->state_why && cf->state_dir == NULL &&
		    k->count(cf->kinds[i].set) > 0)
			perr(p, "[%s]: state_dir is missing in [bot] (%s)",
			    k->section, k->state_why);
	}
	if (nhl > 0 && cf->state_dir == NULL)
		perr(p, "highlights: state_dir is missing in [bot] (what was "
		    "posted where is kept there)");
	for (i = 0; i < cf->nkinds; i++)
		cf->kinds[i].kind->check(p, cf->kinds[i].set);
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
	const struct config_kind *kind;
	struct parse p = {0};
	struct stat st;
	int rc, k;

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
	for (k = 0; (kind = config_kind_at(k)) != NULL &&
	    p.cf->nkinds < CONFIG_KINDS_MAX; k++) {
		p.cf->kinds[p.cf->nkinds].kind = kind;
		p.cf->kinds[p.cf->nkinds++].set = kind->new();
	}
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
	static char s[CONFIG_SECTION_LEN * 2];
	size_t o = 0;
	int i, n;

	s[0] = '\0';
	for (i = 0; i < cf->nkinds && o < sizeof(s); i++) {
		n = cf->kinds[i].kind->count(cf->kinds[i].set);
		o += (size_t)snprintf(s + o, sizeof(s) - o, "%s%d %s%s",
		    i ? ", " : "", n, cf->kinds[i].kind->noun, n == 1 ? "" :
		    "s");
	}
	return s;
}

const void *
config_sections(const struct config *cf, const struct config_kind *kind)
{
	int i;

	for (i = 0; i < cf->nkinds; i++)
		if (cf->kinds[i].kind == kind)
			return cf->kinds[i].set;
	return NULL;
}

const char *
config_nick(const struct config *cf)
{
	const char *nick;
	int i;

	for (i = 0; i < cf->nkinds; i++)
		if (cf->kinds[i].kind->nick &&
		    (nick = cf->kinds[i].kind->nick(cf->kinds[i].set)) != NULL)
			return nick;
	return cf->nick;
}

void
config_free(struct config *cf)
{
	int i;

	if (cf == NULL)
		return;
	for (i = 0; i < cf->nkinds; i++)
		cf->kinds[i].kind->free(cf->kinds[i].set);
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
