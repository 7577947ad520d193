/*
 * test_intent.c -- the classifier's parts: the features a question gives,
 * the scoring of a model, the choice among feasible intents, the
 * held-out split, and that the model built from tests/data/labelled/
 * reads its own training part well (a floor, so a broken build of the
 * model shows; make eval measures the held-out part).
 */
#include "testutil.h"

#include "intent.h"
#include "question.h"

#define FEATS_MAX	256

struct feats {
	char	 f[FEATS_MAX][INTENT_FEAT_MAX];
	int	 n;
};

static void
collect(const char *f, void *arg)
{
	struct feats *s = arg;

	if (s->n < FEATS_MAX)
		snprintf(s->f[s->n++], INTENT_FEAT_MAX, "%s", f);
}

static int
has(const struct feats *s, const char *f)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->f[i], f) == 0)
			return 1;
	return 0;
}

static void
features_of(const char *text, struct feats *s)
{
	struct intent q;

	memset(s, 0, sizeof(*s));
	question_parse(F.ix, text, strlen(text), &q);
	intent_features(&q, &intent_lexicon_builtin, collect, s);
	question_free(&q);
}

/* 1 a role's words become one "<role>" token, whatever the role */
static void
test_01_role_token(void **st)
{
	struct feats a, b;

	(void)st;
	features_of("how much does a site reliability engineer make", &a);
	features_of("how much does a devops engineer make", &b);
	assert_true(has(&a, "b:a_<role>"));
	assert_true(has(&a, "b:<role>_make"));
	assert_true(has(&b, "b:<role>_make"));
	assert_false(has(&a, "w:reliability"));
	assert_true(has(&a, "e:r1"));
}

/* 2 amounts, skills and two roles are features of their own */
static void
test_02_entities(void **st)
{
	struct feats a, b;

	(void)st;
	features_of("which roles pay over 150k", &a);
	assert_true(has(&a, "e:amount"));
	assert_true(has(&a, "w:<num>"));
	features_of("sre vs devops, who needs python", &b);
	assert_true(has(&b, "e:r2"));
	assert_true(has(&b, "e:skill"));
}

/* 3 a word left as typed gives its character trigrams, edges marked */
static void
test_03_trigrams(void **st)
{
	struct feats a;

	(void)st;
	features_of("salery plz", &a);
	assert_true(has(&a, "c:#sa") || has(&a, "w:salary"));
	features_of("whatever happened to wages", &a);
	assert_true(has(&a, "c:#wa"));
	assert_true(has(&a, "c:es#"));
}

/* A vocabulary and a model made by hand: two features, three classes. */
static const char *const m_feats[] = { "w:hello", "w:pay" };
static const int m_off[] = { 0, 1, 3 };
static const unsigned short m_cls[] = { 0, 1, 2 };
static const float m_w[] = { 4.0f, 3.0f, -1.0f };
static const float m_bias[] = { -2.0f, -2.0f, -2.0f };
static const char *const m_labels[] = { "hello", "salary", "position" };
static const struct intent_model hand = { 3, m_off, m_cls, m_w, m_bias,
    m_labels };
static int m_slots[4];
static struct intent_vocab hand_vocab = { 2, m_feats, m_slots, 4, NULL };

/* The slots laid out as intent_train lays them. */
static void
hand_slots(void)
{
	int i;
	unsigned h;

	for (i = 0; i < 4; i++)
		m_slots[i] = -1;
	for (i = 0; i < 2; i++) {
		for (h = intent_hash(m_feats[i]) & 3; m_slots[h] >= 0;
		    h = (h + 1) & 3)
			;
		m_slots[h] = i;
	}
}

/* 4 scores are the normalised one-vs-rest logistic of the weights, each
 * feature counted once */
static void
test_04_score(void **st)
{
	struct intent q;
	double p[3], once;

	(void)st;
	hand_slots();
	question_parse(F.ix, "pay", 3, &q);
	intent_read(&hand_vocab, &q);
	assert_int_equal(q.nfeat, 1);
	assert_int_equal(intent_score(&hand, &q, p), 1);
	assert_true(p[1] > p[0] && p[0] > p[2]);
	assert_true(p[0] + p[1] + p[2] > 0.999 && p[0] + p[1] + p[2] < 1.001);
	once = p[1];
	question_free(&q);
	question_parse(F.ix, "pay pay pay", 11, &q);
	intent_read(&hand_vocab, &q);
	intent_score(&hand, &q, p);
	assert_true(p[1] > once - 1e-9 && p[1] < once + 1e-9);
	question_free(&q);
	question_parse(F.ix, "hello", 5, &q);
	intent_read(&hand_vocab, &q);
	assert_int_equal(intent_score(&hand, &q, p), 0);
	question_free(&q);
}

/* 5 an intent that needs an amount is skipped without one */
static void
test_05_feasible(void **st)
{
	static const float w2[] = { 4.0f, 3.0f, 9.0f };
	struct intent_model m = hand;
	struct intent q;

	(void)st;
	m.w = w2;		/* "pay" now says position loudest */
	question_parse(F.ix, "pay", 3, &q);
	hand_slots();
	intent_choose(&hand_vocab, &m, NULL, &q);
	assert_int_equal(q.kind, I_SALARY);
	assert_int_equal(q.top[0].kind, I_SALARY);
	question_free(&q);
	question_parse(F.ix, "pay 150k", 8, &q);
	intent_choose(&hand_vocab, &m, NULL, &q);
	assert_int_equal(q.kind, I_POSITION);
	question_free(&q);
}

/* 6 the split is a fifth, and the same every time */
static void
test_06_heldout(void **st)
{
	char id[32];
	int i, n = 0;

	(void)st;
	for (i = 0; i < 5000; i++) {
		snprintf(id, sizeof(id), "salary-x-%d", i);
		n += intent_heldout(id);
		assert_int_equal(intent_heldout(id), intent_heldout(id));
	}
	assert_true(n > 800 && n < 1200);
}

/* 7 the built-in model knows every label it was given and names only
 * intents the parser has (or aspects the knowledge has) */
static void
test_07_builtin_labels(void **st)
{
	int i;

	(void)st;
	assert_true(intent_model_builtin.nclass >= 20);
	assert_true(intent_vocab_builtin.nfeat > 1000);
	for (i = 0; i < intent_model_builtin.nclass; i++)
		if (intent_kind_of(intent_model_builtin.labels[i]) == I_COUNT)
			fail_msg("label %s is no intent",
			    intent_model_builtin.labels[i]);
	for (i = 0; i < aspect_model_builtin.nclass; i++)
		if (kb_aspect_of(aspect_model_builtin.labels[i]) < 0)
			fail_msg("label %s is no aspect",
			    aspect_model_builtin.labels[i]);
}

/* 8 a plain question far from any sample still gets a sure intent */
static void
test_08_builtin_reads(void **st)
{
	static const struct { const char *text; enum intent_kind k; } c[] = {
		{ "yo how much do cloud architects pull in these days",
		    I_SALARY },
		{ "what skills do i need to become a data scientist",
		    I_SKILLS },
	};
	struct intent q;
	size_t i;

	(void)st;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		question_parse(F.ix, c[i].text, strlen(c[i].text), &q);
		intent_choose(&intent_vocab_builtin, &intent_model_builtin,
		    &aspect_model_builtin, &q);
		if (q.kind != c[i].k)
			fail_msg("\"%s\": %s, not %s", c[i].text,
			    intent_name(q.kind), intent_name(c[i].k));
		question_free(&q);
	}
}

/* 9 Snowball stems of lowercase words; other words have none */
static void
test_09_stem(void **st)
{
	char out[INTENT_STEM_MAX];

	(void)st;
	assert_int_equal(intent_stem("negotiating", out, sizeof(out)), 0);
	assert_string_equal(out, "negoti");
	assert_int_equal(intent_stem("negotiation", out, sizeof(out)), 0);
	assert_string_equal(out, "negoti");
	assert_int_equal(intent_stem("ab", out, sizeof(out)), -1);
	assert_int_equal(intent_stem("Hello", out, sizeof(out)), -1);
	assert_int_equal(intent_stem("150k", out, sizeof(out)), -1);
	assert_int_equal(intent_stem("attackers", out, 4), -1);
}

/* A lexicon made by hand: chat stems sorted, each to a guide word's. */
static const char *const x_from[] = { "attack", "blackhat", "hacker" };
static const char *const x_to[] = { "attack", "attack", "attack" };
static const char *const x_word[] = { "attackers", "attackers",
    "attackers" };
static const struct intent_lexicon hand_lex = { 3, x_from, x_to, x_word };

/* 10 a chat word is read as the guide word it stands for */
static void
test_10_lexicon_features(void **st)
{
	struct feats a, b;
	struct intent q;

	(void)st;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	question_parse(F.ix, "are hackers using ai now", 24, &q);
	intent_features(&q, &hand_lex, collect, &a);
	question_free(&q);
	question_parse(F.ix, "ai tools empower attackers", 26, &q);
	intent_features(&q, &hand_lex, collect, &b);
	question_free(&q);
	assert_true(has(&a, "s:attack"));
	assert_true(has(&b, "s:attack"));
	assert_int_equal(intent_lexicon_find(&hand_lex, "hacker"), 2);
	assert_int_equal(intent_lexicon_find(&hand_lex, "zebra"), -1);
	assert_int_equal(intent_lexicon_find(&hand_lex, "aardvark"), -1);
	assert_int_equal(intent_lexicon_find(NULL, "hacker"), -1);
	/* without a lexicon, no stem features at all */
	memset(&a, 0, sizeof(a));
	question_parse(F.ix, "are hackers using ai now", 24, &q);
	intent_features(&q, NULL, collect, &a);
	question_free(&q);
	assert_false(has(&a, "s:attack"));
	assert_false(has(&a, "s:hacker"));
}

/* 11 a passage search also tries the guide words, each once */
static void
test_11_expand(void **st)
{
	const char *w[Q_WORDS_MAX];
	struct intent q;
	int n, i, seen = 0;

	(void)st;
	question_parse(F.ix, "do hackers and blackhats use ai", 31, &q);
	n = intent_expand(&hand_lex, &q, w, Q_WORDS_MAX);
	assert_true(n > q.npwords);
	for (i = 0; i < q.npwords; i++)
		assert_ptr_equal(w[i], q.pwords[i]);
	for (i = q.npwords; i < n; i++)
		seen += strcmp(w[i], "attackers") == 0;
	assert_int_equal(seen, 1);
	assert_int_equal(intent_expand(&hand_lex, &q, w, 1), 1);
	question_free(&q);
}

/* A chat word under two guide words: "areas" is the guide's own word
 * and where its jobs "cluster". */
static const char *const y_from[] = { "area", "area", "hacker" };
static const char *const y_to[] = { "area", "cluster", "attack" };
static const char *const y_word[] = { "areas", "cluster", "attackers" };
static const struct intent_lexicon two_lex = { 3, y_from, y_to, y_word };

/* 12 a chat word may stand for two guide words: both, in file order */
static void
test_12_two_guide_words(void **st)
{
	const char *w[Q_WORDS_MAX];
	struct feats a;
	struct intent q;
	int n, i, cluster = 0;

	(void)st;
	assert_int_equal(intent_lexicon_find(&two_lex, "area"), 0);
	assert_int_equal(intent_lexicon_find(&two_lex, "hacker"), 2);
	assert_int_equal(intent_lexicon_find(&two_lex, "are"), -1);
	assert_int_equal(intent_lexicon_find(&two_lex, "zz"), -1);
	memset(&a, 0, sizeof(a));
	question_parse(F.ix, "what areas pay best", 19, &q);
	intent_features(&q, &two_lex, collect, &a);
	assert_true(has(&a, "s:area"));
	assert_true(has(&a, "s:cluster"));
	n = intent_expand(&two_lex, &q, w, Q_WORDS_MAX);
	for (i = q.npwords; i < n; i++)
		cluster += strcmp(w[i], "cluster") == 0;
	assert_int_equal(cluster, 1);
	question_free(&q);
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_01_role_token),
		cmocka_unit_test(test_02_entities),
		cmocka_unit_test(test_03_trigrams),
		cmocka_unit_test(test_04_score),
		cmocka_unit_test(test_05_feasible),
		cmocka_unit_test(test_06_heldout),
		cmocka_unit_test(test_07_builtin_labels),
		cmocka_unit_test(test_08_builtin_reads),
		cmocka_unit_test(test_09_stem),
		cmocka_unit_test(test_10_lexicon_features),
		cmocka_unit_test(test_11_expand),
		cmocka_unit_test(test_12_two_guide_words),
	};

	return cmocka_run_group_tests_name("intent", t, fixture_setup,
	    fixture_teardown);
}
