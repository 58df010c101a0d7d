# quarry — build, test, benchmark and demo.
#
#   make            build the C core (build/quarry/core.so) and the SQLite
#                   extension (build/quarry_sqlite.so)
#   make demo       install missing Debian packages, build, run the demo (examples/demo.sh)
#   make test       install missing Debian packages, run every test
#   make bench      benchmarks (CORPUS=path/to/corpus.jsonl, STORE_CORPORA="a.jsonl b.jsonl",
#                   REPORT_DOCS=100000, STREAM_CORPUS=corpus.jsonl STREAM_MB=1000,
#                   SCALE_CORPUS=corpus.jsonl SCALE_MB=10); bench/news.lua
#                   runs the news pack against compromise (npm) on 1 MB of CORPUS
#   make fuzz       run each libFuzzer target for FUZZ_TIME seconds (default 30)
#   make valgrind   C tests and Lua specs under valgrind memcheck
#   make valgrind-fuzz  both at once, in one pool of jobs (.ci/run)
#                   (test, valgrind and fuzz run their jobs JOBS at a time:
#                   the cores there are, unless make -jN says otherwise)
#   make lint       luacheck over the Lua code
#   make docs       the API reference (LDoc) in build/docs; fails on any LDoc warning
#   make rock       the source rock of this checkout, offline: build/rock/quarry-VERSION-1.src.rock
#   make install    luarocks make of the checkout (Debian's Lua modules taken as provided)
#   make rockspec   rockspec/quarry-VERSION-1.rockspec, derived from the scm one
#   make unicode    regenerate csrc/qr_unidata.h from /usr/share/unicode
#
# Dependencies are found with pkg-config; a missing one is named.

LUA        ?= lua5.4
CC         ?= cc
PKG_CONFIG ?= pkg-config
BUSTED     ?= /usr/bin/busted

# --- dependencies -----------------------------------------------------------
pc_exists = $(shell $(PKG_CONFIG) --exists $(1) 2>/dev/null && echo $(1))
LUA_PC   := $(firstword $(foreach p,lua5.4 lua-5.4 lua54,$(call pc_exists,$(p))))
PCRE2_PC := $(call pc_exists,libpcre2-8)
SQLITE_PC := $(call pc_exists,sqlite3)

MISSING :=
ifeq ($(LUA_PC),)
MISSING += Lua 5.4 headers (pkg-config lua5.4; Debian package liblua5.4-dev);
endif
ifeq ($(PCRE2_PC),)
MISSING += PCRE2 (pkg-config libpcre2-8; Debian package libpcre2-dev);
endif
ifeq ($(SQLITE_PC),)
MISSING += SQLite3 (pkg-config sqlite3; Debian package libsqlite3-dev);
endif

DEP_CFLAGS := $(if $(MISSING),,$(shell $(PKG_CONFIG) --cflags $(LUA_PC) $(PCRE2_PC) $(SQLITE_PC)))
# A Lua C module takes its Lua symbols from the interpreter: no -llua.
DEP_LIBS   := $(if $(MISSING),,$(shell $(PKG_CONFIG) --libs $(PCRE2_PC) $(SQLITE_PC)))

# --- flags --------------------------------------------------------------------
WARN   = -std=c99 -pedantic -Wall -Wextra -Wshadow -Wmissing-prototypes \
         -Wstrict-prototypes -Wpointer-arith -Wcast-qual -Wwrite-strings -Wvla \
         -Wformat=2 -Wundef
ifeq ($(CI),true)
WARN  += -Werror
endif
CFLAGS ?= -O2 -g
# a build of the checkout is an scm one: quarry --version says "+scm"
ALL_CFLAGS = $(CFLAGS) $(WARN) -fPIC -DPCRE2_CODE_UNIT_WIDTH=8 -DQR_SCM $(DEP_CFLAGS)
SAN_FLAGS  = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

# The core's sources: every C file but the SQLite extension's entry point.
EXT_MAIN := csrc/qr_sqlite_ext.c
SRC := $(filter-out $(EXT_MAIN),$(sort $(wildcard csrc/*.c)))
# The loadable SQLite extension (quarry's FTS5 tokenizer for the sqlite3
# shell, Datasette, ...): its entry point, the FTS5 plumbing and the tokeniser.
EXT_SRC := $(EXT_MAIN) csrc/qr_fts.c csrc/qr_token.c csrc/qr_unicode.c
HDR := $(wildcard csrc/*.h)

# Fuzz targets (see "fuzzing" below).
FUZZ_CC      ?= clang-14
FUZZ_TIME    ?= 30
FUZZ_TARGETS  = token match regex gaz fts docs news lpat pool
FUZZ_BINS     = $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_TARGETS))
FUZZ_CFLAGS   = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all \
                $(WARN) -DPCRE2_CODE_UNIT_WIDTH=8 -Icsrc $(DEP_CFLAGS) -DQR_FUZZ_ROOT='"$(CURDIR)"'
FUZZ_LIBS     = $(DEP_LIBS) $(if $(LUA_PC),$(shell $(PKG_CONFIG) --libs $(LUA_PC))) -lm -ldl
FUZZ_OBJ      = $(patsubst csrc/%.c,build/fuzz/obj/%.o,$(SRC))

CORE      = build/quarry/core.so
CORE_ASAN = build/asan/quarry/core.so
EXT       = build/quarry_sqlite.so

LUA_ENV = LUA_PATH='lua/?.lua;lua/?/init.lua;./?.lua;;' LUA_CPATH='build/?.so;;'
ASAN_LIB = $(shell $(CC) -print-file-name=libasan.so)
ASAN_ENV = LD_PRELOAD=$(ASAN_LIB) ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
           UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

CORPUS ?= $(firstword $(wildcard ../shared/corpora/bbc.jsonl))
# The corpus store benchmark: ingest on each, search latency on the last.
STORE_CORPORA ?= $(wildcard ../shared/corpora/bbc.jsonl ../shared/corpora/reuters.jsonl)
# Reports over a synthetic corpus of this many documents (kept in build/bench).
REPORT_DOCS ?= 100000
# Streaming extraction: this corpus repeated to STREAM_MB megabytes, made on the fly.
STREAM_CORPUS ?= $(firstword $(wildcard ../shared/corpora/reuters.jsonl))
STREAM_MB ?= 1000
# Scale: -j 1 against -j cores (extract on SCALE_MB megabytes, ingest on the
# whole corpus), and quarry merge over shards of several sizes.
SCALE_CORPUS ?= $(firstword $(wildcard ../shared/corpora/reuters.jsonl))
SCALE_MB ?= 10

.PHONY: all docs rock rockspec install test-lua check-deps setup test test-run test-c test-lua test-asan fuzz fuzz-build valgrind \
        valgrind-fuzz valgrind-costs demo bench lint unicode clean FORCE

all: $(CORE) $(EXT)

check-deps:
	@if [ -n "$(strip $(MISSING))" ]; then \
	  echo "quarry: cannot build, missing: $(MISSING)" >&2; \
	  echo "quarry: on Debian, tools/setup-debian.sh installs them" >&2; exit 1; fi

# Calls between the core's own functions made directly, not through the
# PLT (the allocator's run once a block): only its entry point,
# luaopen_quarry_core, is exported.
LOCAL_CALLS = -fvisibility=hidden
$(CORE): $(SRC) $(HDR) | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LOCAL_CALLS) -shared -o $@ $(SRC) $(DEP_LIBS) -ldl

# No -lsqlite3: the extension calls the SQLite of the program that loads it.
$(EXT): $(EXT_SRC) $(HDR) | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DQR_SQLITE_EXTENSION -shared -o $@ $(EXT_SRC)

$(CORE_ASAN): $(SRC) $(HDR) $(EXT) | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -shared -o $@ $(SRC) $(DEP_LIBS) -ldl
	@# the SQLite extension beside it, as built (it is loaded into programs built without ASan)
	cp $(EXT) build/asan/quarry_sqlite.so

setup:
	@sh tools/setup-debian.sh

# --- jobs ---------------------------------------------------------------------
# make test, make valgrind and make fuzz run their jobs through a make of
# their own: JOBS at a time (the cores there are), unless this make was given
# -jN, whose jobs they share then (make -j2 test, make -j1 valgrind).
JOBS      ?= $(shell nproc 2>/dev/null || echo 1)
POOL_J     = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(JOBS))
POOL_SIZE  = $(or $(patsubst -j%,%,$(filter -j%,$(MAKEFLAGS))),$(JOBS))
# the TAP files of jobs, the longest first (tests/longest_first.lua)
longest_first = $(shell $(LUA) tests/longest_first.lua tests/valgrind.costs $(FUZZ_TIME) $(1))
# a job's result as it ends: its verdict and its diagnostics ("ok - fuzz_news: ...")
tap_progress = sed -n -e 's/^ok 1 - /ok - /p' -e 's/^not ok 1 - /not ok - /p' -e '/^\#   /p' $(1)
# tap_report NAME,FILES: joins the jobs' TAP into $(TAP)/NAME.tap, repeats its
# failures and prints its count; fails if any failed
tap_report = $(LUA) tests/tap_join.lua $(2) > $(TAP)/$(1).tap; \
  grep -E '^not ok|^\#   ' $(TAP)/$(1).tap; $(LUA) tests/summary.lua $(TAP)/$(1).tap

# --- tests --------------------------------------------------------------------
# Every suite writes TAP into build/tap; tests/summary.lua adds them up and
# prints the closing "N passed, N failed" line.
TAP = build/tap

build/test_unicode: tests/c/test_unicode.c csrc/qr_unicode.c $(HDR)
	@mkdir -p build
	$(CC) $(CFLAGS) $(WARN) $(SAN_FLAGS) -Icsrc -o $@ tests/c/test_unicode.c csrc/qr_unicode.c

build/test_token: tests/c/tap.h tests/c/same_tokens.h tests/c/test_token.c csrc/qr_token.c csrc/qr_unicode.c $(HDR)
	@mkdir -p build
	$(CC) $(CFLAGS) $(WARN) $(SAN_FLAGS) -Icsrc -o $@ tests/c/test_token.c csrc/qr_token.c csrc/qr_unicode.c

build/test_token_fast: tests/c/tap.h tests/c/same_tokens.h tests/c/test_token_fast.c csrc/qr_token.c csrc/qr_unicode.c $(HDR)
	@mkdir -p build
	$(CC) $(CFLAGS) $(WARN) $(SAN_FLAGS) -Icsrc -o $@ tests/c/test_token_fast.c csrc/qr_token.c csrc/qr_unicode.c

build/test_gaz: tests/c/tap.h tests/c/test_gaz.c csrc/qr_gaz.c csrc/qr_keys.c csrc/qr_vocab.c csrc/qr_token.c csrc/qr_unicode.c $(HDR)
	@mkdir -p build
	$(CC) $(CFLAGS) $(WARN) $(SAN_FLAGS) -Icsrc -o $@ tests/c/test_gaz.c csrc/qr_gaz.c csrc/qr_keys.c csrc/qr_vocab.c csrc/qr_token.c csrc/qr_unicode.c

VOCAB_SRC = csrc/qr_vocab.c csrc/qr_keys.c csrc/qr_token.c csrc/qr_unicode.c

build/test_vocab: tests/c/tap.h tests/c/test_vocab.c $(VOCAB_SRC) $(HDR)
	@mkdir -p build
	$(CC) $(CFLAGS) $(WARN) $(SAN_FLAGS) -Icsrc -o $@ tests/c/test_vocab.c $(VOCAB_SRC)

build/test_regex: tests/c/tap.h tests/c/test_regex.c csrc/qr_regex.c $(HDR) | check-deps
	@mkdir -p build
	$(CC) $(CFLAGS) $(WARN) $(SAN_FLAGS) -DPCRE2_CODE_UNIT_WIDTH=8 -Icsrc $(DEP_CFLAGS) -o $@ tests/c/test_regex.c csrc/qr_regex.c $(DEP_LIBS)

build/test_pool: tests/c/tap.h tests/c/test_pool.c csrc/qr_pool.c $(HDR)
	@mkdir -p build
	$(CC) $(CFLAGS) $(WARN) $(SAN_FLAGS) -Icsrc -o $@ tests/c/test_pool.c csrc/qr_pool.c -ldl

# Several Lua states loading build/quarry/core.so as a program would (run from the checkout).
LUA_LIBS = $(if $(LUA_PC),$(shell $(PKG_CONFIG) --libs $(LUA_PC)))

build/test_states: tests/c/tap.h tests/c/test_states.c $(CORE)
	@mkdir -p build
	$(CC) $(CFLAGS) $(WARN) $(SAN_FLAGS) $(DEP_CFLAGS) -Icsrc -o $@ tests/c/test_states.c $(LUA_LIBS) -ldl

test: setup
	@$(MAKE) --no-print-directory test-run

# make test runs its suites as jobs, side by side (POOL_J; --output-sync
# prints each job's lines together once it ends), the longest first.
TEST_TAPS = $(TAP)/lua-asan.tap $(TAP)/lua.tap $(TAP)/fuzz-replay.tap \
            $(patsubst %,$(TAP)/c-%.tap,unicode token token-fast gaz vocab regex pool states)

test-run: $(CORE) $(EXT) $(CORE_ASAN) build/test_unicode build/test_token build/test_token_fast build/test_gaz build/test_vocab build/test_regex build/test_pool build/test_states $(FUZZ_BINS)
	@rm -rf $(TAP) && mkdir -p $(TAP)
	@echo "== C unit tests (ASan + UBSan), fuzz seeds and regressions, Lua specs (normal and ASan): $(POOL_SIZE) jobs at a time"
	@$(MAKE) --no-print-directory --output-sync=target $(POOL_J) $(TEST_TAPS) || true
	@$(LUA) tests/summary.lua $(TAP)/*.tap

# The jobs of test-run (which builds what they run first). Each writes its
# TAP and prints its last line, and its failures; a failure fails the
# summary, not make, so that the other jobs still run.
C_TEST_ARGS_unicode = /usr/share/unicode/CaseFolding.txt /usr/share/unicode/UnicodeData.txt
$(TAP)/c-%.tap: FORCE
	-@./build/test_$(subst -,_,$*) $(C_TEST_ARGS_$*) > $@ 2>&1; echo "C test test_$(subst -,_,$*) (ASan + UBSan): $$(tail -n 1 $@)"

$(TAP)/fuzz-replay.tap: FORCE
	-@sh tests/fuzz/run.sh replay $(FUZZ_TARGETS) > $@ 2>&1; \
	  echo "Fuzz targets, every seed and regression input once (ASan + UBSan):"; grep -E '^not ok|^#   ' $@; tail -n 1 $@

$(TAP)/lua.tap: FORCE
	-@$(LUA_ENV) $(LUA) $(BUSTED) -o TAP --cpath='build/?.so' tests > $@ 2>&1; \
	  echo "Lua specs:"; grep -E '^not ok|^#' $@ | head -n 60; tail -n 1 $@

$(TAP)/lua-asan.tap: FORCE
	-@$(LUA_ENV) $(ASAN_ENV) QUARRY_CPATH='build/asan/?.so' $(LUA) $(BUSTED) -o TAP --exclude-tags=rock --cpath='build/asan/?.so' tests > $@ 2>&1; \
	  echo "Lua specs against the C core built with ASan + UBSan (all but #rock: the rock is built once, by lua.tap):"; \
	  grep -E '^not ok|ERROR|runtime error' $@ | head -n 60; tail -n 1 $@

lint:
	luacheck lua bin tests bench

# The specs once, against the normal build (luarocks test runs this).
test-lua: $(CORE)
	@$(LUA_ENV) $(LUA) $(BUSTED) --cpath='build/?.so' tests

# --- rocks ----------------------------------------------------------------------
# One version, in csrc/qr_core.c; the release rockspec is derived from the scm
# one (tools/release_rockspec.lua; tests/rockspec_spec.lua checks they agree).
VERSION := $(shell sed -n 's/^\#define QR_VERSION "\(.*\)"/\1/p' csrc/qr_core.c)
RELEASE_ROCKSPEC = rockspec/quarry-$(VERSION)-1.rockspec
# LuaRocks is told, for one command, that Debian's packages provide the Lua
# modules (tools/luarocks-config.sh): no user configuration is read or written.
LUAROCKS_CONFIG_FILE = build/luarocks-config.lua

rockspec: $(RELEASE_ROCKSPEC)

$(RELEASE_ROCKSPEC): rockspec/quarry-scm-1.rockspec csrc/qr_core.c tools/release_rockspec.lua
	$(LUA) tools/release_rockspec.lua > $@.tmp && mv $@.tmp $@

$(LUAROCKS_CONFIG_FILE): tools/luarocks-config.sh
	@mkdir -p $(dir $@)
	@sh tools/luarocks-config.sh > $@

rock: $(RELEASE_ROCKSPEC) $(LUAROCKS_CONFIG_FILE)
	@sh tools/make_rock.sh $(VERSION) $(LUAROCKS_CONFIG_FILE)

install: $(LUAROCKS_CONFIG_FILE)
	LUAROCKS_CONFIG=$(CURDIR)/$(LUAROCKS_CONFIG_FILE) luarocks --lua-version 5.4 make $(LUAROCKS_FLAGS) rockspec/quarry-scm-1.rockspec

# The API reference, from the sources (config.ld lists them; tests/apidoc_spec.lua
# checks that every public function is in it). LDoc's own lines are the only
# output allowed: anything else is a warning, and fails.
LDOC_INFO = -e '^reading configuration from' -e '^output written to' -e '^found master module' \
            -e '^\*\*\*closing section from master module'
docs:
	@command -v ldoc >/dev/null || { echo "make docs: ldoc is missing (Debian package lua-ldoc)" >&2; exit 1; }
	@out=$$(ldoc . 2>&1); status=$$?; warn=$$(printf '%s\n' "$$out" | grep -v $(LDOC_INFO)); \
	  if [ $$status -ne 0 ] || [ -n "$$warn" ]; then printf '%s\n' "$$warn" >&2; \
	  echo "make docs: LDoc warned (above)" >&2; exit 1; fi; \
	  echo "API reference: build/docs/index.html"

# --- fuzzing ------------------------------------------------------------------
# libFuzzer targets (tests/fuzz/fuzz_*.c) built with Debian's clang and
# ASan + UBSan, over the C core compiled once with coverage instrumentation.
# The Lua-driven targets embed a lua_State (liblua5.4, for these binaries
# only) and run tests/fuzz/fuzz_*.lua. Seeds: tests/fuzz/corpus/<target>/;
# inputs that once crashed: tests/fuzz/regressions/<target>/, replayed by
# make test. `make fuzz` runs each target for FUZZ_TIME seconds and fails on
# a crash, a leak or a hang (tests/fuzz/run.sh).

build/fuzz/obj/%.o: csrc/%.c $(HDR) | check-deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_lua.h $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJ) $(FUZZ_LIBS)

.SECONDARY: $(FUZZ_OBJ)

fuzz-build: $(FUZZ_BINS)

# Each target is a job (build/fuzz/tap/TARGET.tap, one core each), run
# JOBS at a time; their TAP is joined into $(TAP)/fuzz.tap.
fuzz: $(FUZZ_BINS)
	@rm -rf build/fuzz/tap && mkdir -p $(TAP)
	@echo "== fuzz: $(words $(FUZZ_TARGETS)) targets, $(FUZZ_TIME) s each, $(POOL_SIZE) at a time"
	@$(MAKE) --no-print-directory $(POOL_J) $(FUZZ_TAPS) || true
	@$(call tap_report,fuzz,$(FUZZ_TAPS))

FUZZ_TAPS = $(FUZZ_TARGETS:%=build/fuzz/tap/%.tap)
build/fuzz/tap/%.tap: build/fuzz/fuzz_% FORCE
	@mkdir -p $(dir $@)
	@sh tests/fuzz/run.sh fuzz $(FUZZ_TIME) $* > $@ || true; $(call tap_progress,$@)

# --- valgrind -------------------------------------------------------------------
# The C unit tests built without sanitizers, and the Lua specs against the
# normal build, under valgrind memcheck (tests/valgrind.sh; QUARRY_NO_JIT=1).
# Writes $(TAP)/valgrind.tap; fails on any memcheck error or definite leak.
VG_CFLAGS = -O1 -g $(WARN) -Icsrc

build/valgrind/test_unicode: tests/c/test_unicode.c csrc/qr_unicode.c $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(VG_CFLAGS) -o $@ tests/c/test_unicode.c csrc/qr_unicode.c

build/valgrind/test_token: tests/c/tap.h tests/c/same_tokens.h tests/c/test_token.c csrc/qr_token.c csrc/qr_unicode.c $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(VG_CFLAGS) -o $@ tests/c/test_token.c csrc/qr_token.c csrc/qr_unicode.c

build/valgrind/test_gaz: tests/c/tap.h tests/c/test_gaz.c csrc/qr_gaz.c csrc/qr_keys.c csrc/qr_vocab.c csrc/qr_token.c csrc/qr_unicode.c $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(VG_CFLAGS) -o $@ tests/c/test_gaz.c csrc/qr_gaz.c csrc/qr_keys.c csrc/qr_vocab.c csrc/qr_token.c csrc/qr_unicode.c

build/valgrind/test_vocab: tests/c/tap.h tests/c/test_vocab.c $(VOCAB_SRC) $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(VG_CFLAGS) -o $@ tests/c/test_vocab.c $(VOCAB_SRC)

build/valgrind/test_regex: tests/c/tap.h tests/c/test_regex.c csrc/qr_regex.c $(HDR) | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(VG_CFLAGS) -DPCRE2_CODE_UNIT_WIDTH=8 $(DEP_CFLAGS) -o $@ tests/c/test_regex.c csrc/qr_regex.c $(DEP_LIBS)

build/valgrind/test_pool: tests/c/tap.h tests/c/test_pool.c csrc/qr_pool.c $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(VG_CFLAGS) -o $@ tests/c/test_pool.c csrc/qr_pool.c -ldl

build/valgrind/test_states: tests/c/tap.h tests/c/test_states.c $(CORE)
	@mkdir -p $(dir $@)
	$(CC) $(VG_CFLAGS) $(DEP_CFLAGS) -o $@ tests/c/test_states.c $(LUA_LIBS) -ldl

VG_TESTS = build/valgrind/test_unicode build/valgrind/test_token build/valgrind/test_gaz build/valgrind/test_vocab \
           build/valgrind/test_regex build/valgrind/test_pool build/valgrind/test_states

# Each C test and each spec file is a job of its own under memcheck
# (tests/valgrind.sh jobs lists them; VG_JOBS="spec-news c-pool" runs only
# those), writing build/valgrind/tap/JOB.tap; they run JOBS at a time, the
# longest first (tests/valgrind.costs), and their TAP is joined into
# $(TAP)/valgrind.tap.
VG_JOBS ?= $(shell sh tests/valgrind.sh jobs)
VG_TAPS  = $(VG_JOBS:%=build/valgrind/tap/%.tap)

valgrind: $(CORE) $(VG_TESTS)
	@rm -rf build/valgrind/tap && mkdir -p $(TAP)
	@echo "== valgrind memcheck: $(words $(VG_JOBS)) jobs (C tests, Lua spec files), $(POOL_SIZE) at a time (QUARRY_NO_JIT=1)"
	@$(MAKE) --no-print-directory $(POOL_J) $(call longest_first,$(VG_TAPS)) || true
	@$(call tap_report,valgrind,$(VG_TAPS))

# make valgrind and make fuzz in one pool, the longest jobs first, so that
# no core waits on another's last job (.ci/run); writes both TAP files.
valgrind-fuzz: $(CORE) $(VG_TESTS) $(FUZZ_BINS)
	@rm -rf build/valgrind/tap build/fuzz/tap && mkdir -p $(TAP)
	@echo "== valgrind memcheck ($(words $(VG_JOBS)) jobs, QUARRY_NO_JIT=1) and fuzz ($(words $(FUZZ_TARGETS)) targets, $(FUZZ_TIME) s each), $(POOL_SIZE) jobs at a time"
	@$(MAKE) --no-print-directory $(POOL_J) $(call longest_first,$(VG_TAPS) $(FUZZ_TAPS)) || true
	@status=0; $(call tap_report,valgrind,$(VG_TAPS)) || status=1; \
	  $(call tap_report,fuzz,$(FUZZ_TAPS)) || status=1; exit $$status

build/valgrind/tap/%.tap: $(CORE) $(VG_TESTS) FORCE
	@mkdir -p $(dir $@)
	@sh tests/valgrind.sh run $(LUA) $(BUSTED) $* > $@ || true; $(call tap_progress,$@)

# tests/valgrind.costs from the last make valgrind: each job's CPU seconds.
valgrind-costs:
	@{ echo "# CPU seconds of each job of make valgrind (make valgrind-costs, after make valgrind):"; \
	   echo "# tests/longest_first.lua starts the longest first."; \
	   sed -n 's/^# cpu //p' $(TAP)/valgrind.tap | sort -k2,2nr -k1,1; } > tests/valgrind.costs.new
	@mv tests/valgrind.costs.new tests/valgrind.costs && echo "tests/valgrind.costs: $$(grep -vc '^#' tests/valgrind.costs) jobs"

# --- demo and benchmarks ------------------------------------------------------
# The corpus of examples/articles, the news pack's annotations, a Markdown
# summary on stdout, the HTML report in build/demo/report.html.
demo: setup
	@$(MAKE) --no-print-directory $(CORE)
	@$(LUA_ENV) QUARRY="$(LUA) bin/quarry" sh examples/demo.sh build/demo

bench: $(CORE) $(EXT)
	@if [ -z "$(CORPUS)" ]; then echo "make bench: set CORPUS=path/to/corpus.jsonl" >&2; exit 2; fi
	@$(LUA_ENV) $(LUA) bench/tokenize.lua $(CORPUS)
	@$(LUA_ENV) $(LUA) bench/memory.lua $(CORPUS)
	@$(LUA_ENV) $(LUA) bench/regex.lua $(CORPUS)
	@$(LUA_ENV) $(LUA) bench/gazetteer.lua $(CORPUS)
	@$(LUA_ENV) $(LUA) bench/rules.lua $(CORPUS)
	@$(LUA_ENV) $(LUA) bench/sandbox.lua $(CORPUS)
	@$(LUA_ENV) $(LUA) bench/news.lua $(CORPUS)
	@if [ -n "$(STORE_CORPORA)" ]; then $(LUA_ENV) $(LUA) bench/ingest.lua $(STORE_CORPORA); \
	  else echo "make bench: corpus store benchmark skipped (set STORE_CORPORA=a.jsonl b.jsonl)"; fi
	@$(LUA_ENV) $(LUA) bench/reports.lua $(REPORT_DOCS)
	@$(LUA_ENV) $(LUA) bench/serve.lua $(REPORT_DOCS)
	@if [ -n "$(STREAM_CORPUS)" ]; then $(LUA_ENV) $(LUA) bench/stream.lua $(STREAM_CORPUS) $(STREAM_MB); \
	  else echo "make bench: streaming benchmark skipped (set STREAM_CORPUS=corpus.jsonl)"; fi
	@if [ -n "$(SCALE_CORPUS)" ]; then $(LUA_ENV) $(LUA) bench/scale.lua $(SCALE_CORPUS) --extract-mb $(SCALE_MB); \
	  else echo "make bench: scale benchmark skipped (set SCALE_CORPUS=corpus.jsonl)"; fi

# --- maintenance ----------------------------------------------------------------
unicode:
	$(LUA) tools/gen_unicode.lua /usr/share/unicode > csrc/qr_unidata.h.new
	mv csrc/qr_unidata.h.new csrc/qr_unidata.h

clean:
	rm -rf build
