/*
 * question.c -- natural questions rewritten as commands.
 *
 * "how much does a cloud architect make?" becomes "salary cloud architect",
 * "which roles need kubernetes?" becomes "whoneeds kubernetes".  Intent
 * comes from a few keyword rules in a fixed order (the specific before the
 * general); the subject is what is left after removing question words.
 * Whatever is not placed becomes "_guess", which answers honestly that the
 * guides do not cover it when no role, skill or category matches.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "router.h"
#include "text.h"

#define Q_WORDS	64

/* Question words removed to leave the subject (a role name). */
static const char *const filler[] = {
	"a", "an", "the", "how", "much", "many", "does", "do", "did", "is",
	"are", "was", "were", "what", "whats", "which", "who", "whom", "make",
	"makes", "making", "earn", "earns", "earning", "get", "gets", "paid",
	"pay", "pays", "paying", "salary", "salaries", "typical", "typically",
	"usually", "average", "avg", "of", "for", "in", "on", "at", "to", "per",
	"year", "yearly", "annual", "annually", "job", "jobs", "role", "roles",
	"position", "positions", "career", "as", "me", "tell", "about", "you",
	"your", "know", "can", "could", "would", "should", "i", "my", "please",
	"actually", "really", "exactly", "money", "compensation", "comp",
	"income", "wage", "wages", "there", "this", "that", "these", "those",
	"range", "guide", "guides", "2026", "us", "usa", "dollars", "dollar",
	"someone", "somebody", "person", "people", "be", "become", "becoming",
	"being", "like", "today", "now", "currently", "nowadays", "it", "its",
	"they", "them", "their", "mean", "means", "and", "tech", "work",
	"working", "works", "kind", "sort", "type", "hey", "hi", "hello",
	"thanks", "so", "generally", "normally", "roughly", "approximately",
	"worth", "describe", "description", "explain", "skill", "skills",
	"need", "needs", "needed", "require", "requires", "required",
	"requirements", "learn", "knowledge", "tools", "stack", "expected",
	"responsibilities", "responsibility", "duties", "day", "daily", NULL
};

static int
in_list(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, w) == 0)
			return 1;
	return 0;
}

static int
in_list_at(const char *w, const char *const *list)
{
	int i;

	for (i = 0; list[i]; i++)
		if (strcmp(list[i], w) == 0)
			return i;
	return -1;
}

static int
has_word(char **w, int n, const char *const *list)
{
	int i;

	for (i = 0; i < n; i++)
		if (in_list(w[i], list))
			return 1;
	return 0;
}

/* " norm " contains " phrase " (word-aligned). */
static int
has_phrase(const char *padded, const char *phrase)
{
	const char *p = padded;
	size_t n = strlen(phrase);

	while ((p = strstr(p, phrase)) != NULL) {
		if (p > padded && p[-1] == ' ' && (p[n] == ' ' || p[n] == '\0'))
			return 1;
		p++;
	}
	return 0;
}

/* The words left after removing filler (and extra), joined. */
static void
subject(char **w, int n, const char *const *extra, struct buf *out)
{
	int i, first = 1;

	for (i = 0; i < n; i++) {
		if (in_list(w[i], filler) || (extra && in_list(w[i], extra)))
			continue;
		buf_printf(out, "%s%s", first ? "" : " ", w[i]);
		first = 0;
	}
}

static void
emit(struct buf *out, const char *cmd, const char *arg)
{
	buf_puts(out, cmd);
	if (arg && *arg) {
		buf_putc(out, ' ');
		buf_puts(out, arg);
	}
}

/*
 * The raw text after the first of the verbs (as whole words, any case),
 * trailing punctuation trimmed; NULL if no verb is there.  Raw, so that
 * "c++" and "ci/cd" survive.
 */
static char *
tail_after(const char *text, const char *const *verbs)
{
	size_t len = strlen(text), vl, i;
	const char *const *v;
	char *t;

	for (i = 0; i < len; i++) {
		if (i > 0 && isalnum((unsigned char)text[i - 1]))
			continue;
		for (v = verbs; *v; v++) {
			vl = strlen(*v);
			if (strncasecmp(text + i, *v, vl) == 0 &&
			    (text[i + vl] == ' ')) {
				t = xstrdup(text + i + vl + 1);
				len = strlen(t);
				while (len > 0 && strchr("?!. ", t[len - 1]))
					t[--len] = '\0';
				return t;
			}
		}
	}
	return NULL;
}

static const char *const currency_words[] = {
	"pound", "pounds", "gbp", "sterling", "quid", "euro", "euros", "eur",
	"yen", "jpy", "rupee", "rupees", "inr", "cad", "aud", "chf", "franc",
	"francs", "yuan", "rmb", "cny", "won", "krona", "kronor", "zloty",
	"peso", "pesos", "real", "reais", "rand", "ruble", "rubles", NULL
};
static const char *const currency_signs[] = {
	"£", "€", "¥", "₹", "₩", "₽", NULL
};
static const char *const top_words[] = {
	"highest", "most", "best", "top", "richest", "biggest", "largest",
	"lowest", "least", "worst", NULL
};
static const char *const pay_words[] = {
	"paid", "paying", "pay", "pays", "earn", "earns", "earner", "earners",
	"money", "salary", "salaries", "compensation", "job", "jobs", "role",
	"roles", "career", "careers", "lucrative", NULL
};
static const char *const salary_words[] = {
	"salary", "salaries", "pay", "paid", "pays", "make", "makes", "earn",
	"earns", "compensation", "comp", "money", "wage", "wages", "income",
	"worth", NULL
};
static const char *const above_words[] = {
	"above", "over", "exceed", "exceeds", "beyond", "greater", NULL
};
static const char *const below_words[] = {
	"below", "under", "less", NULL
};
static const char *const need_verbs[] = {
	"need", "needs", "require", "requires", "use", "uses", "using", "list",
	"lists", "mention", "mentions", "want", "wants", "involve", "involves",
	"with", NULL
};
static const char *const skill_tail_filler[] = {
	"skill", "skills", "knowledge", "experience", "expertise", NULL
};

const char *
question_currency(const char *text)
{
	char *norm = text_norm(text, strlen(text)), *w[Q_WORDS];
	const char *const *cs, *found = NULL;
	int n, i;

	for (cs = currency_signs; *cs && !found; cs++)
		if (strstr(text, *cs))
			found = *cs;
	n = text_words(norm, w, Q_WORDS);
	for (i = 0; i < n && !found; i++)
		if (in_list(w[i], currency_words))
			found = *(currency_words + (size_t)(
			    in_list_at(w[i], currency_words)));
	free(norm);
	return found;
}

void
question_route(const char *text, struct buf *out)
{
	char *norm = text_norm(text, strlen(text)), *padded, *w[Q_WORDS];
	char *copy, *tail;
	const struct command *cmd;
	struct buf subj = {0};
	const char *cur;
	int n, i;

	padded = xmalloc(strlen(norm) + 3);
	padded[0] = ' ';
	strcpy(padded + 1, norm);
	strcat(padded, " ");
	copy = xstrdup(norm);
	n = text_words(copy, w, Q_WORDS);

	if (n == 0) {
		emit(out, "help", NULL);
		goto done;
	}
	if ((cur = question_currency(text)) != NULL) {
		emit(out, "_currency", cur);
		goto done;
	}
	/* A bare command word first: "salary sre", "top 3", "help". */
	if ((cmd = command_find(w[0], strlen(w[0]))) != NULL && !(cmd->flags & CMD_HIDDEN) &&
	    !(strcmp(cmd->name, "skills") == 0 && n > 1 &&
	    in_list(w[1], (const char *const[]){ "that", "to", "which",
	    "across", "for", NULL }))) {
		const char *rest = text;

		while (*rest == ' ')
			rest++;
		rest += strcspn(rest, " ");
		while (*rest == ' ')
			rest++;
		emit(out, cmd->name, rest);
		goto done;
	}
	if (has_phrase(padded, "meta skill") || has_phrase(padded, "metaskill") ||
	    has_phrase(padded, "meta skills") || has_phrase(padded, "metaskills") ||
	    has_phrase(padded, "across roles") ||
	    has_phrase(padded, "multipliers")) {
		emit(out, "metaskills", NULL);
		goto done;
	}
	if (has_phrase(padded, "market value") || has_phrase(padded, "key skills")
	    || has_phrase(padded, "resume")) {
		emit(out, "keyskills", NULL);
		goto done;
	}
	if (strstr(norm, "negotiat") || has_phrase(padded, "beyond base") ||
	    has_phrase(padded, "perks") || has_phrase(padded, "benefits") ||
	    has_phrase(padded, "tips") || has_phrase(padded, "bonus") ||
	    has_phrase(padded, "bonuses") || has_phrase(padded, "equity")) {
		emit(out, "tips", NULL);
		goto done;
	}
	if (strstr(norm, "conclu") || has_phrase(padded, "final thoughts") ||
	    has_phrase(padded, "takeaway") || has_phrase(padded, "takeaways")) {
		emit(out, "conclusions", NULL);
		goto done;
	}
	if (has_phrase(padded, "sources") || has_phrase(padded, "source") ||
	    has_phrase(padded, "which guides") ||
	    has_phrase(padded, "where do you get")) {
		emit(out, "sources", NULL);
		goto done;
	}
	if (has_phrase(padded, "role of the day") ||
	    has_phrase(padded, "highlight") ||
	    has_phrase(padded, "todays role")) {
		emit(out, "highlight", NULL);
		goto done;
	}
	if (parse_amount(text) > 0) {
		int above = has_word(w, n, above_words) ||
		    has_phrase(padded, "more than") ||
		    has_phrase(padded, "at least");
		int below = has_word(w, n, below_words) ||
		    has_phrase(padded, "less than");

		if (above || below) {
			const char *m = "";

			if (has_phrase(padded, "top of the range") ||
			    has_phrase(padded, "max") || strstr(norm, "ceiling"))
				m = " by max";
			else if (has_phrase(padded, "bottom of the range") ||
			    has_phrase(padded, "start") ||
			    has_phrase(padded, "starting") ||
			    has_phrase(padded, "min") || strstr(norm, "entry"))
				m = " by min";
			else if (has_phrase(padded, "midpoint") ||
			    has_phrase(padded, "middle"))
				m = " by mid";
			buf_printf(out, "%s %ld%s", above && !below ? "above" :
			    "below", parse_amount(text), m);
			goto done;
		}
	}
	if (has_phrase(padded, "range") && (has_phrase(padded, "overall") ||
	    has_phrase(padded, "all") || has_phrase(padded, "whole") ||
	    has_phrase(padded, "entire") || has_phrase(padded, "guide") ||
	    has_phrase(padded, "guides"))) {
		emit(out, "range", NULL);
		goto done;
	}
	if (has_phrase(padded, "vs") || has_phrase(padded, "versus") ||
	    has_phrase(padded, "compare") ||
	    has_phrase(padded, "difference between") ||
	    (has_phrase(padded, "or") && (has_phrase(padded, "more") ||
	    has_phrase(padded, "better") || has_phrase(padded, "higher")))) {
		static const char *const cmp_fill[] = {
			"compare", "comparison", "difference", "between", "more",
			"better", "higher", "than", "vs", "versus", "or", "with",
			NULL
		};
		struct buf l = {0}, r = {0};
		int at = -1;

		for (i = 0; i < n && at < 0; i++)
			if (in_list(w[i], (const char *const[]){ "vs", "versus",
			    "or", "and", "with", NULL }))
				at = i;
		if (at > 0) {
			subject(w, at, cmp_fill, &l);
			subject(w + at + 1, n - at - 1, cmp_fill, &r);
		}
		if (l.len && r.len) {
			buf_printf(out, "compare %s vs %s", buf_str(&l),
			    buf_str(&r));
			buf_free(&l);
			buf_free(&r);
			goto done;
		}
		buf_free(&l);
		buf_free(&r);
	}
	if ((has_phrase(padded, "which roles") || has_phrase(padded, "what roles")
	    || has_phrase(padded, "which jobs") || has_phrase(padded, "what jobs")
	    || has_phrase(padded, "who needs") || has_phrase(padded, "who uses")
	    || has_phrase(padded, "roles need") || has_phrase(padded, "jobs need")
	    || has_phrase(padded, "who") || has_phrase(padded, "which")) &&
	    !has_word(w, n, top_words) &&
	    (tail = tail_after(text, need_verbs)) != NULL) {
		char *tn = text_norm(tail, strlen(tail)), *tw[16];
		char *tc = xstrdup(tail);
		int k = text_words(tn, tw, 16);

		/* drop a trailing "skills"/"experience" but keep the raw form */
		if (k > 1 && in_list(tw[k - 1], skill_tail_filler)) {
			char *sp = strrchr(tc, ' ');

			if (sp)
				*sp = '\0';
		}
		emit(out, "whoneeds", tc);
		free(tc);
		free(tn);
		free(tail);
		goto done;
	}
	if (has_word(w, n, top_words) && (has_word(w, n, pay_words) ||
	    has_phrase(padded, "earns the most") || has_phrase(padded, "who"))) {
		int lowest = has_phrase(padded, "lowest") ||
		    has_phrase(padded, "least") || has_phrase(padded, "worst");

		buf_puts(out, "top");
		for (i = 0; i < n; i++)
			if (isdigit((unsigned char)w[i][0]) && atoi(w[i]) > 0 &&
			    atoi(w[i]) <= 50)
				buf_printf(out, " %d", atoi(w[i]));
		if (lowest)
			buf_puts(out, " lowest");
		if (has_phrase(padded, "starting") ||
		    has_phrase(padded, "bottom of the range"))
			buf_puts(out, " by min");
		else if (has_phrase(padded, "top of the range") ||
		    has_phrase(padded, "ceiling"))
			buf_puts(out, " by max");
		goto done;
	}
	subject(w, n, NULL, &subj);
	if (has_word(w, n, (const char *const[]){ "skill", "skills", "learn",
	    "stack", "tools", "requirements", "knowledge", NULL })) {
		emit(out, "skills", buf_str(&subj));
		goto done;
	}
	if ((has_phrase(padded, "what does") || has_phrase(padded, "what do"))
	    && (w[n - 1][0] == 'd' && strcmp(w[n - 1], "do") == 0)) {
		emit(out, "role", buf_str(&subj));
		goto done;
	}
	if (has_phrase(padded, "what is") || has_phrase(padded, "whats a") ||
	    has_phrase(padded, "whats an") || has_phrase(padded, "who is") ||
	    has_phrase(padded, "tell me about") || has_phrase(padded, "describe") ||
	    has_phrase(padded, "explain") || strstr(norm, "responsib") ||
	    has_phrase(padded, "duties") || has_phrase(padded, "day to day")) {
		if (!has_word(w, n, salary_words)) {
			emit(out, "role", buf_str(&subj));
			goto done;
		}
	}
	if (has_word(w, n, salary_words) || has_phrase(padded, "how much")) {
		emit(out, "salary", buf_str(&subj));
		goto done;
	}
	if (has_phrase(padded, "roles") || has_phrase(padded, "jobs") ||
	    has_phrase(padded, "list")) {
		emit(out, "roles", buf_str(&subj));
		goto done;
	}
	if (has_phrase(padded, "help") || has_phrase(padded, "what can you do") ||
	    has_phrase(padded, "commands")) {
		emit(out, "help", NULL);
		goto done;
	}
	emit(out, "_guess", buf_str(&subj));
done:
	buf_free(&subj);
	free(copy);
	free(padded);
	free(norm);
}
