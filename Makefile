# hccstudy: one plain Makefile (GNU make + pkg-config).
#
#   make                 build build/hccstudy (installs missing Debian packages)
#   make test            build and run every test layer
#   make test SANITIZE=address,undefined   the same under ASan + UBSan
#   make run             the demo study served on http://127.0.0.1:8080/
#   make bench           benchmarks side by side with R
#   make clean
#
# Warnings are errors (WERROR=-Werror); V=1 shows full commands.

PKGS      = jansson gsl sqlite3 libpq libsodium libmicrohttpd libxml-2.0
CC       ?= cc
CFLAGS   ?= -O2 -g
WERROR   ?= -Werror
WARN      = -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wformat=2 -Wwrite-strings -Wcast-qual -Wvla
ifdef SANITIZE
BUILD    ?= build/san
CFLAGS   += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all -fno-omit-frame-pointer
CPPFLAGS += -DHCC_DEBUG
LDFLAGS  += -fsanitize=$(SANITIZE)
else
BUILD    ?= build
endif

# Evaluated when a recipe runs, i.e. after the package check below.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
ALL_CPPFLAGS = -D_POSIX_C_SOURCE=200809L -MMD -MP $(PKG_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS   = $(WARN) $(WERROR) $(CFLAGS)
# ReadStat (SAS XPORT, Stata, SPSS writers): Debian 12's libreadstat-dev
# ships no pkg-config file, so it is linked by name unless one exists.
RS_LIBS      = $(shell pkg-config --libs readstat 2>/dev/null || echo -lreadstat)
ALL_LIBS     = $(PKG_LIBS) $(RS_LIBS) -lpthread -lm

ifeq ($(V),1)
Q =
else
Q = @
endif

LIB_SRC  := $(sort $(wildcard src/*/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ := $(BUILD)/src/main.o
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
DEPS_OK  := build/.deps-ok

.PHONY: all test check bench clean deps test-deps run
all: $(BUILD)/hccstudy

# Install missing Debian packages once (scripts/deps.sh is idempotent).
$(DEPS_OK): scripts/deps.sh
	$(Q)bash scripts/deps.sh build
	$(Q)mkdir -p build && touch $@

deps: $(DEPS_OK)

test-deps: $(DEPS_OK)
	$(Q)bash scripts/deps.sh test

$(BUILD)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC    $<")
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# The default protocol is embedded with .incbin (src/study/protocol_embed.c).
$(BUILD)/src/study/protocol_embed.o: protocols/challenge06.json
$(BUILD)/src/sim/sim_embed.o: protocols/challenge06-sim.json
$(BUILD)/src/db/schema_embed.o: $(wildcard src/db/schema/*.sql)
$(BUILD)/src/web/assets.o: $(wildcard src/web/assets/*)

$(BUILD)/libhcc.a: $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/hccstudy: $(MAIN_OBJ) $(BUILD)/libhcc.a
	@$(if $(Q),echo "  LINK  $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(ALL_LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/harness.h $(BUILD)/libhcc.a | $(DEPS_OK)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  TEST  $@")
	$(Q)$(CC) $(ALL_CPPFLAGS) -Isrc $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(BUILD)/libhcc.a $(ALL_LIBS)

# ENGINE=postgres runs the database layers on a throw-away PostgreSQL server.
ENGINE ?= sqlite
test: $(BUILD)/hccstudy $(UNIT_BIN) test-deps
	$(Q)bash tests/run.sh $(BUILD) --engine $(ENGINE)

check: test

bench: $(BUILD)/hccstudy test-deps
	$(Q)bash bench/run.sh $(BUILD)/hccstudy

# The demo study on http://127.0.0.1:8080/ (created on first use).
run: $(BUILD)/hccstudy
	$(Q)test -f build/demo.db || $(BUILD)/hccstudy demo --db build/demo.db
	@echo "Demo accounts: admin, pi, monitor, data.manager, statistician,"
	@echo "coordinator.tjh, investigator.tjh (and .sysu .zsh .wch .fah .xjh);"
	@echo "password hccstudy-demo-2026 (simulated patients only)."
	$(BUILD)/hccstudy serve --db build/demo.db --listen 127.0.0.1:8080

clean:
	rm -rf build

# libFuzzer harnesses (tests/fuzz/): the library built again with clang
# under ASan+UBSan into build/fuzz/, one binary per tests/fuzz/fuzz_*.c
# (never src/main.c).  `make fuzz` runs each FUZZ_SECONDS (300) seconds,
# `make fuzz-ci` 30 s; both print each harness's execs and result.
FUZZ_CC      ?= clang
FUZZ_BUILD   ?= build/fuzz
FUZZ_SECONDS ?= 300
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
FUZZ_CFLAGS   = -O1 -g -std=c11 -Wall -Wextra $(FUZZ_SAN) -DHCC_DEBUG
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_OBJ     := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)

FUZZ_DEPS_OK  = $(FUZZ_BUILD)/.deps-ok
$(FUZZ_DEPS_OK): | $(DEPS_OK)
	$(Q)bash scripts/deps.sh fuzz
	$(Q)mkdir -p $(FUZZ_BUILD) && touch $@

$(FUZZ_BUILD)/%.o: %.c | $(FUZZ_DEPS_OK)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FZCC  $<")
	$(Q)$(FUZZ_CC) $(ALL_CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
	  -c -o $@ $<

$(FUZZ_BUILD)/src/study/protocol_embed.o: protocols/challenge06.json
$(FUZZ_BUILD)/src/sim/sim_embed.o: protocols/challenge06-sim.json
$(FUZZ_BUILD)/src/db/schema_embed.o: $(wildcard src/db/schema/*.sql)
$(FUZZ_BUILD)/src/web/assets.o: $(wildcard src/web/assets/*)

$(FUZZ_BUILD)/libhcc.a: $(FUZZ_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h \
                      $(FUZZ_BUILD)/libhcc.a | $(FUZZ_DEPS_OK)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ  $@")
	$(Q)$(FUZZ_CC) $(ALL_CPPFLAGS) -Isrc $(FUZZ_CFLAGS) $(WERROR) \
	  -fsanitize=fuzzer -o $@ $< $(FUZZ_BUILD)/libhcc.a $(ALL_LIBS)

.PHONY: fuzz fuzz-ci fuzz-build
fuzz-build: $(FUZZ_BIN)

fuzz: $(FUZZ_BIN)
	$(Q)bash tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

fuzz-ci: $(FUZZ_BIN)
	$(Q)bash tests/fuzz/run.sh $(FUZZ_BUILD) 30

-include $(FUZZ_OBJ:.o=.d) $(FUZZ_BIN:=.d)

-include $(LIB_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(UNIT_BIN:=.d)
