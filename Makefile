# techpay -- see README.md.
#
#   make         build build/techpay (nothing is installed)
#   make run     build, then chat with the bot in the terminal
#   make test    unit and end-to-end tests, then again under ASan+UBSan
#   make bench   answer-path benchmark (guides' knowledge and 100,000 roles)
#   make eval    how well the held-out labelled questions are read
#   make cv      the same over five folds: every labelled question
#   make demo    a local IRC server with the bot in #techpay
#   make check   the fast offline suites (unit and CLI)
#   make install the binary, man pages, example config and systemd unit
#                (PREFIX, DESTDIR, BINDIR, MANDIR, SYSCONFDIR, UNITDIR)
#
# make deps (called by run, test, bench, demo and fuzz, never by plain
# make or install) installs missing Debian packages with apt-get when run
# as root; otherwise the exact apt-get command is printed.

CC	?= cc
PKGS	 = libcjson libutf8proc sqlite3 inih openssl libcurl libedit \
	   icu-uc icu-i18n
# what building and "make run" need; the tests need the rest too
BUILD_PKGS = build-essential pkg-config libcjson-dev libutf8proc-dev \
	   libsqlite3-dev libircclient-dev libinih-dev libssl-dev \
	   libcurl4-openssl-dev libedit-dev liblinear-dev \
	   libicu-dev libstemmer-dev tzdata cargo-web rustc-web
TEST_PKGS = libcmocka-dev ngircd python3-irc openssl inspircd \
	   atheme-services python3-venv clang libclang-rt-14-dev clang-tidy \
	   cppcheck valgrind mandoc systemd man-db groff-base
DEB_PKGS = $(BUILD_PKGS) $(TEST_PKGS)
B	 = build
VERSION	 = 0.1.0

# make install
PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR	?= $(PREFIX)/lib/systemd/system
# the modules: lib/techpay beside BINDIR, where the binary looks
# (include/module.h)
MODDIR	 = $(dir $(BINDIR))lib/techpay
INSTALL	?= install
# The installed unit and man pages name the installed paths.
SUBST	 = sed -e 's|/usr/local/bin/techpay|$(BINDIR)/techpay|g' \
	       -e 's|/etc/techpay/|$(SYSCONFDIR)/techpay/|g'

WARN	 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	   -Wformat=2
BASE	 = -std=c11 -D_GNU_SOURCE -DTECHPAY_VERSION='"$(VERSION)"' -Iinclude
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# The binary links the core's libraries only; the Matrix adapter's
# (libcurl, the encryption library) and the console's (libedit) are in
# modules of their own, loaded when a run needs them (include/module.h).
# Tests and fuzzers link everything in (PKG_LIBS).
CORE_PKGS = libcjson libutf8proc sqlite3 inih openssl icu-uc icu-i18n
CORE_LIBS = $(shell pkg-config --libs $(CORE_PKGS) 2>/dev/null) \
	    -lircclient -lstemmer -lm
MATRIX_LIBS = $(shell pkg-config --libs libcurl libcjson openssl 2>/dev/null)
CONSOLE_LIBS = $(shell pkg-config --libs libedit 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lircclient \
	     -lstemmer -lm
CFLAGS	?= -O2 -g
# Hardening for the bot itself (the sanitizer and fuzz builds have their
# own instrumentation, and _FORTIFY_SOURCE does not mix with ASan).
HARDEN	 = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
HARDEN_LD = -pie -Wl,-z,relro,-z,now
SAN	 = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=all

# the index, one concern a file (include/index_int.h lists them)
INDEX_MODS = index index_build index_typo index_names index_read \
	   index_fts index_roles index_passages index_bm25
INDEX_SRC = $(INDEX_MODS:%=bot/%.c)
# the knowledge loader: the files, the records, the sentence map, and the
# arena the records are copied into
KB_MODS	 = kb kb_load kb_sentences arena
KB_SRC	 = $(KB_MODS:%=bot/%.c)
# the commands: the table and its dispatch, their handlers, the answers
CMD_MODS = cmd cmd_guide cmd_admin say_role say_list say_intent
LIB_SRC	 = bot/buf.c bot/text.c bot/json.c $(KB_SRC) $(INDEX_SRC) bot/fmt.c \
	   bot/router.c bot/address.c bot/recall.c bot/repair.c \
	   bot/explain.c $(CMD_MODS:%=bot/%.c) \
	   bot/numbers.c bot/question.c bot/entity.c \
	   bot/phrase.c bot/loop.c bot/policy.c bot/resolve.c \
	   bot/console.c bot/bot.c bot/adapters.c bot/config.c \
	   bot/confparse.c bot/irc_conf.c bot/matrix_conf.c bot/log.c bot/link.c \
	   bot/link_up.c bot/link_local.c bot/outq.c \
	   bot/irc.c bot/irc_reg.c bot/irc_events.c bot/irc_people.c \
	   bot/http.c bot/state.c bot/mxsync.c bot/matrix.c \
	   bot/matrix_events.c bot/matrix_queue.c bot/matrix_discover.c \
	   bot/tz.c bot/highlight.c bot/intent.c bot/answer.c bot/prose.c \
	   bot/sendq.c bot/notify.c bot/mx_crypto.c bot/mx_decrypt.c \
	   bot/mx_pending.c bot/mx_share.c bot/mx_xsign.c bot/mx_e2ee.c \
	   bot/mx_xsign_net.c bot/mx_ssss.c bot/module.c
# the modules' sources (in LIB_SRC too: tests and fuzzers link them in)
MOD_MATRIX = matrix matrix_events matrix_queue matrix_discover mxsync http \
	   mx_crypto mx_decrypt mx_pending mx_share mx_e2ee mx_xsign \
	   mx_xsign_net mx_ssss
MOD_CONSOLE = console
TESTS	 = test_text test_fmt test_kb test_index test_router test_examples \
	   test_address test_recall test_repair test_explain \
	   test_question test_numbers test_policy test_config \
	   test_mxsync test_state test_tz test_highlight test_log test_http \
	   test_intent test_conversation test_sendq test_outq test_link test_loop \
	   test_adapters test_commands test_olm test_arena test_notify \
	   test_bot test_mxcrypto
KNOWLEDGE = $(wildcard knowledge/*.json knowledge/roles/*.json knowledge/guides/*.txt)
# the labelled questions: the intent model learns from all but the
# held-out fifth, which make eval measures
LABELLED = $(wildcard tests/data/labelled/*.jsonl)

.PHONY: eval cv answers all run test bench demo deps deps-build build check check-unit check-asan \
	check-cli check-irc check-matrix check-fuzz fuzz static check-valgrind \
	check-all install uninstall clean

# The default target builds only: no package is installed (make deps).
all: build

run: deps-build
	@$(MAKE) --no-print-directory build
	$(B)/techpay console

test: deps
	@$(MAKE) --no-print-directory check-all

bench: deps
	@$(MAKE) --no-print-directory $(B)/bench build $(SYNAPSE_STAMP)
	$(B)/bench
	/usr/bin/python3 tests/bench/bench_irc.py $(B)/techpay
	$(SYNAPSE_VENV)/bin/python tests/bench/bench_matrix.py $(B)/techpay

demo: deps
	@$(MAKE) --no-print-directory build
	sh tests/bench/demo.sh $(B)/techpay

# ---- dependencies ---------------------------------------------------

# the build's packages only: "make run" on a machine without the test
# tools installs no IRC daemons (whose Debian packages start servers)
deps-build:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(BUILD_PKGS)"

deps:
	@missing=""; \
	for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		    grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing:$$missing"; \
			apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			    $$missing >/dev/null || exit 1; \
		else \
			echo "missing Debian packages; run:"; \
			echo "  sudo apt-get install$$missing"; exit 1; \
		fi; \
	fi

# ---- the encryption library (Rust) -------------------------------------
# bot/vz/: the C ABI over vodozemac (Olm, Megolm) that include/vz.h
# declares, built as a static library with Debian's cargo-web and
# rustc-web.  Full paths: a rustup toolchain earlier in PATH is not the
# one meant.  Cargo.lock pins every crate; cargo fetches them from
# crates.io on the first build (README: building offline).  The leading
# + lets cargo share make's job slots.

CARGO	 = /usr/bin/cargo
RUSTC	 = /usr/bin/rustc
VZ_SRC	 = bot/vz/Cargo.toml bot/vz/Cargo.lock $(wildcard bot/vz/src/*.rs)
VZ_LIB	 = $(B)/vz/release/libtechpay_vz.a
# what Rust's standard library in it needs from the system
# (cargo rustc -- --print native-static-libs)
VZ_SYSLIBS = -lgcc_s -lutil -lrt -lpthread -lm -ldl

VZ_CARGO = cd bot/vz && CARGO_TARGET_DIR="$(CURDIR)/$(B)/vz" RUSTC=$(RUSTC) \
	   $(CARGO)

# cargo leaves an up-to-date library as it is: touched so make agrees
$(VZ_LIB): $(VZ_SRC)
	+$(VZ_CARGO) build --release --locked --quiet
	@touch $@

# ---- the bot ----------------------------------------------------------

build: $(B)/techpay

$(B)/gen/kb_embed.c: bot/embed.sh $(KNOWLEDGE)
	@mkdir -p $(@D)
	sh bot/embed.sh knowledge > $@.tmp && mv $@.tmp $@

$(B)/obj/%.o: bot/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE) $(WARN) $(CPPFLAGS) $(CFLAGS) $(HARDEN) $(PKG_CFLAGS) \
	    -MMD -MP -c $< -o $@

$(B)/obj/kb_embed.o: $(B)/gen/kb_embed.c
	@mkdir -p $(@D)
	$(CC) $(BASE) $(CPPFLAGS) $(CFLAGS) $(HARDEN) -c $< -o $@

# The intent classifier, learned at build time (bot/intent_train.c,
# liblinear) and compiled in: build/gen/intent_model.c.
TRAIN_MODS = buf text json $(KB_MODS) kb_embed log $(INDEX_MODS) question entity intent
$(B)/intent_train: bot/intent_train.c $(TRAIN_MODS:%=$(B)/obj/%.o)
	$(CC) $(BASE) $(WARN) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -o $@ $^ \
	    $(LDFLAGS) $(PKG_LIBS) -llinear -lm

$(B)/gen/intent_model.c: $(B)/intent_train $(LABELLED) $(KNOWLEDGE) \
	    knowledge/lexicon.txt
	@mkdir -p $(@D)
	$(B)/intent_train $@.tmp knowledge $(LABELLED) && mv $@.tmp $@

$(B)/obj/intent_model.o: $(B)/gen/intent_model.c
	@mkdir -p $(@D)
	$(CC) $(BASE) $(CPPFLAGS) $(CFLAGS) $(HARDEN) -c $< -o $@

LIB_OBJ	 = $(LIB_SRC:bot/%.c=$(B)/obj/%.o) $(B)/obj/kb_embed.o \
	   $(B)/obj/intent_model.o

# The core exports its symbols for the modules (--export-dynamic).  The
# modules' objects are position-independent, for a shared object, in a
# directory of their own (build/obj keeps the tests' PIE ones).
MOD_SRC	 = $(MOD_MATRIX:%=bot/%.c) $(MOD_CONSOLE:%=bot/%.c)
CORE_OBJ = $(filter-out $(MOD_SRC:bot/%.c=$(B)/obj/%.o),$(LIB_OBJ))
MOD_LD	 = -shared -Wl,-z,relro,-z,now

$(B)/pic/%.o: bot/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE) $(WARN) $(CPPFLAGS) $(CFLAGS) -D_FORTIFY_SOURCE=2 \
	    -fstack-protector-strong -fPIC $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(B)/techpay: $(CORE_OBJ) $(B)/obj/main.o $(B)/techpay-matrix.so \
	    $(B)/techpay-console.so
	$(CC) $(CFLAGS) $(HARDEN_LD) -Wl,--export-dynamic $(LDFLAGS) -o $@ \
	    $(filter %.o,$^) $(CORE_LIBS)

$(B)/techpay-matrix.so: $(MOD_MATRIX:%=$(B)/pic/%.o) $(VZ_LIB)
	$(CC) $(CFLAGS) $(MOD_LD) $(LDFLAGS) -o $@ $^ $(MATRIX_LIBS) \
	    $(VZ_SYSLIBS)

$(B)/techpay-console.so: $(MOD_CONSOLE:%=$(B)/pic/%.o)
	$(CC) $(CFLAGS) $(MOD_LD) $(LDFLAGS) -o $@ $^ $(CONSOLE_LIBS)

# ---- sanitizer build ----------------------------------------------------

$(B)/asan/%.o: bot/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE) $(WARN) $(CPPFLAGS) $(CFLAGS) $(SAN) $(PKG_CFLAGS) -MMD -MP \
	    -c $< -o $@

$(B)/asan/kb_embed.o: $(B)/gen/kb_embed.c
	@mkdir -p $(@D)
	$(CC) $(BASE) $(CPPFLAGS) $(CFLAGS) $(SAN) -c $< -o $@

$(B)/asan/intent_model.o: $(B)/gen/intent_model.c
	@mkdir -p $(@D)
	$(CC) $(BASE) $(CPPFLAGS) $(CFLAGS) $(SAN) -c $< -o $@

ASAN_OBJ = $(LIB_SRC:bot/%.c=$(B)/asan/%.o) $(B)/asan/kb_embed.o \
	   $(B)/asan/intent_model.o

# the Rust library is not instrumented, but its allocations go through
# ASan's malloc, so a handle C forgets to free is a reported leak
ASAN_CORE_OBJ = $(filter-out $(MOD_SRC:bot/%.c=$(B)/asan/%.o),$(ASAN_OBJ))
$(B)/asan-pic/%.o: bot/%.c
	@mkdir -p $(@D)
	$(CC) $(BASE) $(WARN) $(CPPFLAGS) $(CFLAGS) $(SAN) -fPIC $(PKG_CFLAGS) \
	    -MMD -MP -c $< -o $@

$(B)/asan/techpay: $(ASAN_CORE_OBJ) $(B)/asan/main.o \
	    $(B)/asan/techpay-matrix.so $(B)/asan/techpay-console.so
	$(CC) $(SAN) -Wl,--export-dynamic $(LDFLAGS) -o $@ $(filter %.o,$^) \
	    $(CORE_LIBS)

$(B)/asan/techpay-matrix.so: $(MOD_MATRIX:%=$(B)/asan-pic/%.o) $(VZ_LIB)
	$(CC) $(SAN) -shared $(LDFLAGS) -o $@ $^ $(MATRIX_LIBS) $(VZ_SYSLIBS)

$(B)/asan/techpay-console.so: $(MOD_CONSOLE:%=$(B)/asan-pic/%.o)
	$(CC) $(SAN) -shared $(LDFLAGS) -o $@ $^ $(CONSOLE_LIBS)

# ---- tests ------------------------------------------------------------

# Each unit test links only the modules it needs, named by layer: a
# module that starts calling one above it (a cycle) breaks these links.
M_TEXT	 = buf text
M_KB	 = $(M_TEXT) json $(KB_MODS) kb_embed
M_INDEX	 = $(M_KB) log $(INDEX_MODS)
M_QUESTION = $(M_INDEX) question entity intent intent_model
M_FMT	 = $(M_TEXT) fmt phrase
M_STATE	 = buf log state
M_HL	 = $(M_FMT) $(M_STATE) loop tz highlight
# the answer path: no scheduler, store, loop or clock (cmd_admin.c
# reaches the highlights through the handle the core gives the router)
M_SAY	 = $(M_QUESTION) $(M_FMT) answer prose numbers say_role say_list \
	   say_intent
M_ROUTER = $(M_SAY) cmd cmd_guide cmd_admin address repair recall explain \
	   router
MODS_test_text	   = $(M_TEXT)
MODS_test_fmt	   = $(M_FMT)
MODS_test_kb	   = $(M_ROUTER)
MODS_test_index	   = $(M_ROUTER)
MODS_test_question = $(M_ROUTER)
MODS_test_intent   = $(M_ROUTER)
MODS_test_conversation = $(M_ROUTER)
MODS_test_numbers  = $(M_ROUTER)
MODS_test_router   = $(M_ROUTER)
MODS_test_address  = $(M_ROUTER)
MODS_test_recall   = $(M_ROUTER)
MODS_test_repair   = $(M_ROUTER)
MODS_test_explain  = $(M_ROUTER)
MODS_test_commands = $(M_ROUTER)
MODS_test_examples = $(M_ROUTER)
MODS_test_policy   = buf policy
MODS_test_sendq    = buf sendq
MODS_test_outq     = buf sendq outq
MODS_test_link     = buf text log loop resolve sendq outq link link_up link_local
MODS_test_mxsync   = $(LIB_SRC:bot/%.c=%) kb_embed intent_model # matrix_txn_id
MODS_test_state	   = $(M_STATE)
MODS_test_tz	   = buf tz
MODS_test_log	   = log
MODS_test_http	   = buf log loop http
MODS_test_loop	   = buf loop
# the kinds of section are the adapters' (adapters.c): all of them
MODS_test_config   = $(LIB_SRC:bot/%.c=%) kb_embed intent_model
MODS_test_adapters = $(LIB_SRC:bot/%.c=%) kb_embed intent_model
MODS_test_highlight = $(M_ROUTER) $(M_HL)
MODS_test_olm	   =
MODS_test_arena	   = buf arena
MODS_test_notify   = notify
MODS_test_bot	   = $(M_ROUTER) $(M_HL) policy bot
MODS_test_mxcrypto = $(M_STATE) json mx_crypto mx_decrypt mx_pending mx_share \
		     mx_xsign mx_ssss
# the suites that call the encryption library link it
VZ_test_olm	   = $(VZ_LIB)
VZ_test_mxcrypto   = $(VZ_LIB)
VZ_test_mxsync	   = $(VZ_LIB)
VZ_test_config	   = $(VZ_LIB)
VZ_test_adapters   = $(VZ_LIB)
mods	 = $(addprefix $(1)/,$(addsuffix .o,$(sort $(MODS_$(2)))))

.SECONDEXPANSION:
$(B)/tests/%: tests/%.c tests/testutil.h $(wildcard include/*.h) \
    $$(call mods,$(B)/obj,$$*) $$(VZ_$$*)
	@mkdir -p $(@D)
	$(CC) $(BASE) $(WARN) $(CPPFLAGS) $(CFLAGS) $(HARDEN) $(PKG_CFLAGS) \
	    -Itests -o $@ $< $(call mods,$(B)/obj,$*) $(HARDEN_LD) $(LDFLAGS) \
	    $(VZ_$*) $(PKG_LIBS) -lcmocka \
	    $(if $(VZ_$*),$(VZ_SYSLIBS))

$(B)/asan-tests/%: tests/%.c tests/testutil.h $(wildcard include/*.h) \
    $$(call mods,$(B)/asan,$$*) $$(VZ_$$*)
	@mkdir -p $(@D)
	$(CC) $(BASE) $(WARN) $(CPPFLAGS) $(CFLAGS) $(SAN) $(PKG_CFLAGS) \
	    $(LDFLAGS) -Itests -o $@ $< \
	    $(call mods,$(B)/asan,$*) $(VZ_$*) $(PKG_LIBS) -lcmocka \
	    $(if $(VZ_$*),$(VZ_SYSLIBS))

# bot/vz's own tests (the panic catching at the boundary) first, in Rust
check-unit: $(TESTS:%=$(B)/tests/%) $(B)/techpay
	+@log="$(CURDIR)/$(B)/vz/test.log"; \
	    ($(VZ_CARGO) test --release --locked --quiet) > "$$log" 2>&1 || \
	    { cat "$$log"; echo "vz (rust): FAILED"; exit 1; }; \
	    sed -n 's/^test result: /vz (rust): /p' "$$log"
	@sh tests/run.sh "unit" $(TESTS:%=$(B)/tests/%)

check-asan: $(TESTS:%=$(B)/asan-tests/%) $(B)/asan/techpay
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	 sh tests/run.sh "asan+ubsan" $(TESTS:%=$(B)/asan-tests/%)

check-cli: $(B)/techpay $(B)/asan/techpay
	@sh tests/cli.sh $(B)/techpay
	@ASAN_OPTIONS=detect_leaks=1 sh tests/cli.sh $(B)/asan/techpay
	@sh tests/install.sh "$(MAKE)"

# The fast offline suites, under the GNU name.
check: check-unit check-cli

# End to end on real ngircd servers with python3-irc users (Debian's
# /usr/bin/python3, which has python3-irc), with the ASan+UBSan binary.
check-irc: $(B)/asan/techpay
	@ASAN_OPTIONS=detect_leaks=1 /usr/bin/python3 tests/irc/test_irc.py \
	    $(B)/asan/techpay

# Synapse from PyPI for the Matrix tests, in a venv under build/ that is
# kept between runs.  --system-site-packages lets the suite also use
# Debian's python3-irc for its IRC+Matrix case.
SYNAPSE_VENV = $(B)/synapse-venv
# matrix-nio's e2e extra (vodozemac, a wheel) is for the people's devices
# in encrypted rooms (test_e2ee.py).
SYNAPSE_PIP  = matrix-synapse==1.163.2 'matrix-nio[e2e]==0.26.0'
# named after what it holds: a venv made for an older list is redone
SYNAPSE_STAMP = $(SYNAPSE_VENV)/.installed-synapse-1.163.2-nio-e2e

$(SYNAPSE_STAMP):
	@echo "installing Synapse and matrix-nio into $(SYNAPSE_VENV) (pip)"
	rm -rf $(SYNAPSE_VENV)
	/usr/bin/python3 -m venv --system-site-packages $(SYNAPSE_VENV)
	$(SYNAPSE_VENV)/bin/pip install -q --disable-pip-version-check \
	    $(SYNAPSE_PIP)
	touch $@

# End to end on a real Synapse with matrix-nio users, ASan+UBSan binary.
check-matrix: $(B)/asan/techpay $(SYNAPSE_STAMP)
	@ASAN_OPTIONS=detect_leaks=1 $(SYNAPSE_VENV)/bin/python \
	    tests/matrix/test_matrix.py $(B)/asan/techpay
	@ASAN_OPTIONS=detect_leaks=1 $(SYNAPSE_VENV)/bin/python \
	    tests/matrix/test_e2ee.py $(B)/asan/techpay

check-all:
	@$(MAKE) --no-print-directory check-unit
	@$(MAKE) --no-print-directory check-cli
	@$(MAKE) --no-print-directory check-asan
	@$(MAKE) --no-print-directory check-irc
	@$(MAKE) --no-print-directory check-matrix
	@$(MAKE) --no-print-directory check-fuzz
	@$(MAKE) --no-print-directory check-valgrind
	@$(MAKE) --no-print-directory static
	@echo "make test: all suites passed"

# ---- valgrind ------------------------------------------------------------
# memcheck over every unit suite, and one end-to-end IRC+Matrix session of
# the release binary (the T04IrcAndMatrix case): no errors, no definite or
# indirect leaks.  No suppressions are needed.

# --run-libc-freeres=no: glibc's exit-time free of getaddrinfo_a's pool
# (bot/resolve.c) reads memory valgrind thinks uninitialised, inside libc;
# without the free those blocks are "still reachable", which is not shown.
VALGRIND = valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
	   --errors-for-leak-kinds=definite,indirect --error-exitcode=9 \
	   --run-libc-freeres=no

check-valgrind: $(TESTS:%=$(B)/tests/%) $(B)/techpay \
	    $(SYNAPSE_STAMP)
	@set -e; for t in $(TESTS); do \
		$(VALGRIND) $(B)/tests/$$t > $(B)/tests/$$t.vg 2>&1 || \
		    { tail -40 $(B)/tests/$$t.vg; echo "valgrind: $$t FAILED"; \
		    exit 1; }; \
	done; echo "valgrind: $(words $(TESTS)) unit suites clean"
	@TECHPAY_BOT_WRAPPER="$(VALGRIND)" $(SYNAPSE_VENV)/bin/python \
	    tests/matrix/test_matrix.py $(B)/techpay \
	    T04IrcAndMatrix.test_01_both_networks_answered
	@echo "valgrind: IRC+Matrix session clean"

# ---- static analysis ----------------------------------------------------
# cppcheck and clang-tidy (.clang-tidy says which checks, and why some are
# off); any finding fails.  clang-tidy runs two files at a time.

static: $(B)/gen/kb_embed.c
	@echo "cppcheck: bot/"
	@cppcheck --enable=warning,portability,performance --std=c11 -q \
	    --error-exitcode=1 --inline-suppr -Iinclude -D_GNU_SOURCE \
	    -DTECHPAY_VERSION='"x"' bot/
	@echo "clang-tidy: bot/*.c"
	@ls bot/*.c | xargs -P 2 -n 1 sh -c 'clang-tidy --quiet "$$0" -- \
	    -std=c11 -D_GNU_SOURCE -DTECHPAY_VERSION=\"x\" -Iinclude \
	    $(PKG_CFLAGS) 2>&1 | grep -E "(warning|error):" && \
	    exit 255 || exit 0'
	@echo "static: clean"

# ---- fuzzing (libFuzzer, clang from Debian) -----------------------------
#
# make fuzz runs every target for FUZZ_SECONDS with ASan+UBSan, starting
# from the seed corpus in tests/fuzz/corpus/TARGET (copied: the seeds in
# git stay as they are).  A crash fails the run and is kept as
# build/fuzz/crash-TARGET-*: make it a regression case.

FUZZ_TARGETS = fuzz_router fuzz_mxsync fuzz_kb fuzz_config fuzz_irc \
	       fuzz_ircserver fuzz_ircwire fuzz_olm fuzz_mxcrypto
FUZZ_SECONDS ?= 30
FUZZ_CC	 = clang
FUZZ_SAN = -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer
FUZZ_OBJ = $(LIB_SRC:bot/%.c=$(B)/fuzz/obj/%.o) $(B)/fuzz/obj/kb_embed.o \
	   $(B)/fuzz/obj/intent_model.o

$(B)/fuzz/obj/%.o: bot/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(BASE) $(CPPFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	    $(PKG_CFLAGS) -MMD -MP -c $< -o $@

$(B)/fuzz/obj/kb_embed.o: $(B)/gen/kb_embed.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(BASE) $(CPPFLAGS) $(FUZZ_SAN) -c $< -o $@

$(B)/fuzz/obj/intent_model.o: $(B)/gen/intent_model.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(BASE) $(CPPFLAGS) $(FUZZ_SAN) -c $< -o $@

# includes bot/irc.c, irc_events.c and irc_reg.c to reach their static
# handlers: every object but theirs
FUZZ_IRC_IN = $(B)/fuzz/obj/irc.o $(B)/fuzz/obj/irc_events.o \
    $(B)/fuzz/obj/irc_reg.o
$(B)/fuzz/fuzz_ircserver: tests/fuzz/fuzz_ircserver.c bot/irc.c \
    bot/irc_events.c bot/irc_reg.c \
    $(filter-out $(FUZZ_IRC_IN),$(FUZZ_OBJ)) $(VZ_FUZZ_LIB)
	$(FUZZ_CC) $(BASE) $(CPPFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer $(PKG_CFLAGS) \
	    $(LDFLAGS) \
	    -o $@ $< $(filter-out $(FUZZ_IRC_IN),$(FUZZ_OBJ)) $(PKG_LIBS) \
	    $(VZ_FUZZ_LIB) $(VZ_SYSLIBS)

# the same, with the link and libircclient's parser on real sockets
$(B)/fuzz/fuzz_ircwire: tests/fuzz/fuzz_ircwire.c bot/irc.c \
    $(filter-out $(B)/fuzz/obj/irc.o,$(FUZZ_OBJ)) $(VZ_FUZZ_LIB)
	$(FUZZ_CC) $(BASE) $(CPPFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer $(PKG_CFLAGS) \
	    $(LDFLAGS) \
	    -o $@ $< $(filter-out $(B)/fuzz/obj/irc.o,$(FUZZ_OBJ)) $(PKG_LIBS) \
	    $(VZ_FUZZ_LIB) $(VZ_SYSLIBS)

# The encryption library again, with libFuzzer's coverage counters and
# comparison hooks compiled into it and into vodozemac (rustc's LLVM
# pass, as cargo-fuzz adds it), so the fuzzer sees the Rust branches;
# overflow checks and debug assertions on, so a bug is a panic, which
# fuzz_olm reports as a crash.
VZ_FUZZ_LIB = $(B)/fuzz/libtechpay_vz.a
VZ_FUZZ_RUSTFLAGS = -Cpasses=sancov-module \
	   -Cllvm-args=-sanitizer-coverage-level=4 \
	   -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
	   -Cllvm-args=-sanitizer-coverage-pc-table \
	   -Cllvm-args=-sanitizer-coverage-trace-compares \
	   -Coverflow-checks=on -Cdebug-assertions=on

# (--target: RUSTFLAGS then leave the build scripts alone)
$(VZ_FUZZ_LIB): $(VZ_SRC)
	+host=$$($(RUSTC) -vV | sed -n 's/^host: //p') && cd bot/vz && \
	    CARGO_TARGET_DIR="$(CURDIR)/$(B)/fuzz/vz" RUSTC=$(RUSTC) \
	    RUSTFLAGS="$(VZ_FUZZ_RUSTFLAGS)" $(CARGO) build --release \
	    --locked --quiet --target $$host && \
	    cp "$(CURDIR)/$(B)/fuzz/vz/$$host/release/libtechpay_vz.a" \
	    "$(CURDIR)/$@"

# only the library: no module of the bot is in its path
$(B)/fuzz/fuzz_olm: tests/fuzz/fuzz_olm.c include/vz.h $(VZ_FUZZ_LIB)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(BASE) $(CPPFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer \
	    $(LDFLAGS) -o $@ $< $(VZ_FUZZ_LIB) $(VZ_SYSLIBS)

$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJ) $(VZ_FUZZ_LIB)
	$(FUZZ_CC) $(BASE) $(CPPFLAGS) $(FUZZ_SAN) -fsanitize=fuzzer $(PKG_CFLAGS) \
	    $(LDFLAGS) \
	    -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS) $(VZ_FUZZ_LIB) $(VZ_SYSLIBS)

.SECONDARY: $(FUZZ_OBJ)

fuzz: deps
	@$(MAKE) --no-print-directory check-fuzz

check-fuzz: $(FUZZ_TARGETS:%=$(B)/fuzz/%)
	@set -e; for t in $(FUZZ_TARGETS); do \
		c=$(B)/fuzz/corpus/$$t; rm -rf $$c; mkdir -p $$c; \
		cp tests/fuzz/corpus/$${t#fuzz_}/* $$c/; \
		for r in tests/fuzz/regress/$${t#fuzz_}/*; do \
			[ -f "$$r" ] && cp "$$r" $$c/; done; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		ASAN_OPTIONS=detect_leaks=1 $(B)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) \
		    -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
		    -artifact_prefix=$(B)/fuzz/crash-$$t- $$c \
		    > $(B)/fuzz/$$t.log 2>&1 || { tail -60 $(B)/fuzz/$$t.log; \
		    echo "fuzz: $$t FAILED"; exit 1; }; \
		grep -E "^stat::number_of_executed_units|^#[0-9]+.*DONE" \
		    $(B)/fuzz/$$t.log | tail -2; \
	done; echo "fuzz: all targets clean"

# ---- benchmark --------------------------------------------------------

# The answer path's modules only, and only the libraries they use
# (--as-needed): the peak RSS it prints is the answer path's, not that of
# libraries the daemon loads for its networks (libcurl, libircclient, ...)
MODS_bench = $(M_ROUTER)

$(B)/bench: tests/bench/bench.c $(call mods,$(B)/obj,bench)
	@mkdir -p $(@D)
	$(CC) $(BASE) $(WARN) $(CPPFLAGS) -O2 -g $(HARDEN) $(PKG_CFLAGS) \
	    -o $@ $< $(call mods,$(B)/obj,bench) $(HARDEN_LD) $(LDFLAGS) \
	    -Wl,--as-needed $(PKG_LIBS)

# ---- eval ------------------------------------------------------------
# The labelled questions' held-out fifth: precision, recall and F1 per
# intent, the confusions and the correct answers per kind; each miss in
# build/eval-failures.txt.  EVAL=--all asks every question.
MODS_eval = $(M_ROUTER)
EVAL	?=

$(B)/eval: tests/eval.c $(call mods,$(B)/obj,eval)
	$(CC) $(BASE) $(WARN) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< \
	    $(call mods,$(B)/obj,eval) $(LDFLAGS) $(PKG_LIBS)

eval: deps-build
	@$(MAKE) --no-print-directory $(B)/eval
	$(B)/eval $(EVAL) --failures $(B)/eval-failures.txt $(LABELLED)

# Five-fold cross-validation: five models, each trained without its
# fifth, ask every labelled question once; per kind, with the total.
# Steadier than the one held-out fifth for choosing between two ideas.
CV_FOLDS = 0 1 2 3 4
CV_OBJS	 = $(filter-out %/intent_model.o,$(call mods,$(B)/obj,eval))

$(B)/cv/eval-%: tests/eval.c $(B)/intent_train $(CV_OBJS) $(LABELLED) \
	    $(KNOWLEDGE) knowledge/lexicon.txt
	@mkdir -p $(@D)
	$(B)/intent_train --fold $* $(B)/cv/model-$*.c knowledge \
	    $(LABELLED) 2>/dev/null
	$(CC) $(BASE) $(CPPFLAGS) $(CFLAGS) -c $(B)/cv/model-$*.c \
	    -o $(B)/cv/model-$*.o
	$(CC) $(BASE) $(WARN) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< \
	    $(CV_OBJS) $(B)/cv/model-$*.o $(LDFLAGS) $(PKG_LIBS)

cv: deps-build
	@$(MAKE) --no-print-directory -j2 $(CV_FOLDS:%=$(B)/cv/eval-%)
	@for k in $(CV_FOLDS); do \
		$(B)/cv/eval-$$k --fold $$k --tally $(LABELLED) || exit 1; \
	done | awk '{ n[$$1] += $$2; a[$$1] += $$3; i[$$1] += $$4; \
	    N += $$2; A += $$3; I += $$4 } END { \
	    printf "%-13s %9s %11s %10s\n", "kind", "questions", \
	    "answers ok", "intent ok"; \
	    for (k in n) printf "%-13s %9d %10.1f%% %9.1f%%\n", k, n[k], \
	    100 * a[k] / n[k], 100 * i[k] / n[k] | "sort"; close("sort"); \
	    printf "%-13s %9d %10.1f%% %9.1f%%\n", "all", N, 100 * A / N, \
	    100 * I / N }'

# Every answer (text, HTML, "more") to the example, chat and labelled
# questions and to a few thousand made from the knowledge's names, in
# build/answers.txt: a refactoring leaves it byte-identical.
answers: deps-build
	@$(MAKE) --no-print-directory $(B)/eval
	$(B)/eval --dump $(wildcard tests/data/*.jsonl) $(LABELLED) \
	    > $(B)/answers.txt
	@grep -c '^Q ' $(B)/answers.txt | sed 's/$$/ answers in $(B)\/answers.txt/'

# ---- install ------------------------------------------------------------

install: $(B)/techpay
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SYSCONFDIR)/techpay \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(MODDIR)
	$(INSTALL) -m 0755 $(B)/techpay $(DESTDIR)$(BINDIR)/techpay
	$(INSTALL) -m 0644 $(B)/techpay-matrix.so $(B)/techpay-console.so \
	    $(DESTDIR)$(MODDIR)
	$(SUBST) bot/techpay.1 > $(B)/techpay.1
	$(SUBST) bot/techpay.ini.5 > $(B)/techpay.ini.5
	$(SUBST) bot/techpay.service > $(B)/techpay.service
	$(INSTALL) -m 0644 $(B)/techpay.1 $(DESTDIR)$(MANDIR)/man1/techpay.1
	$(INSTALL) -m 0644 $(B)/techpay.ini.5 \
	    $(DESTDIR)$(MANDIR)/man5/techpay.ini.5
	$(INSTALL) -m 0644 config.example \
	    $(DESTDIR)$(SYSCONFDIR)/techpay/techpay.ini.example
	$(INSTALL) -m 0644 $(B)/techpay.service \
	    $(DESTDIR)$(UNITDIR)/techpay.service

# Leaves $(SYSCONFDIR)/techpay/techpay.ini (the operator's) and the state.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/techpay \
	    $(DESTDIR)$(MODDIR)/techpay-matrix.so \
	    $(DESTDIR)$(MODDIR)/techpay-console.so \
	    $(DESTDIR)$(MANDIR)/man1/techpay.1 \
	    $(DESTDIR)$(MANDIR)/man5/techpay.ini.5 \
	    $(DESTDIR)$(SYSCONFDIR)/techpay/techpay.ini.example \
	    $(DESTDIR)$(UNITDIR)/techpay.service
	-rmdir $(DESTDIR)$(SYSCONFDIR)/techpay $(DESTDIR)$(MODDIR) 2>/dev/null

clean:
	rm -rf $(B)

-include $(wildcard $(B)/obj/*.d $(B)/asan/*.d $(B)/fuzz/obj/*.d \
    $(B)/pic/*.d $(B)/asan-pic/*.d)
