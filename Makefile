# pat — build, test, run. See README.md.
#
#   make            build/libpat.a build/pat-fcgi build/pat-admin
#   make test       private MariaDB + nginx + pat-fcgi, then every test
#   make run        the whole stack on 127.0.0.1:8080
#   make check-asan / check-tsan / valgrind / fuzz / bench
#
# SAN=asan|tsan builds with sanitizers into build/$(SAN)/.

PREFIX  ?= /usr/local
DESTDIR ?=
SAN     ?=
ifeq ($(SAN),)
BUILD   ?= build
else
BUILD   ?= build/$(SAN)
endif

CC      ?= cc
PKGS     = json-c libargon2 libmariadb libcrypto inih
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN     = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Werror
HARDEN   = -fstack-protector-strong -fPIE
ifeq ($(SAN),)
HARDEN  += -D_FORTIFY_SOURCE=2
OPT     ?= -O2
endif
ifeq ($(SAN),asan)
OPT     ?= -O1
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
ifeq ($(SAN),tsan)
OPT     ?= -O1
SANFLAGS = -fsanitize=thread -fno-omit-frame-pointer
endif

CFLAGS  ?=
CFLAGS  += -std=c11 -D_GNU_SOURCE $(OPT) -g $(WARN) $(HARDEN) $(SANFLAGS) \
           -Ilib -MMD -MP $(PKG_CFLAGS)
LDFLAGS += -pie -Wl,-z,relro,-z,now $(SANFLAGS)
LDLIBS  += $(PKG_LIBS) -lpthread

LIB_SRC   = $(wildcard lib/*.c)
FCGI_SRC  = $(filter-out cgi-bin/main.c,$(wildcard cgi-bin/*.c))
ADMIN_SRC = $(wildcard admin/*.c)
TEST_SRC  = $(wildcard tests/test_*.c)

LIB_OBJ   = $(LIB_SRC:%.c=$(BUILD)/%.o)
FCGI_OBJ  = $(FCGI_SRC:%.c=$(BUILD)/%.o)
ADMIN_OBJ = $(ADMIN_SRC:%.c=$(BUILD)/%.o)
TESTS     = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
HELPERS   = $(patsubst tests/helpers/%.c,$(BUILD)/tests/helpers/%,$(wildcard tests/helpers/*.c))

PROGS = $(BUILD)/pat-fcgi $(BUILD)/pat-admin

.PHONY: all deps test run bench clean install check-asan check-tsan valgrind fuzz tests

all: $(BUILD)/libpat.a $(PROGS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libpat.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libpatfcgi.a: $(FCGI_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/pat-fcgi: $(BUILD)/cgi-bin/main.o $(BUILD)/libpatfcgi.a $(BUILD)/libpat.a
	$(CC) $(LDFLAGS) -o $@ $^ -lfcgi $(LDLIBS)

$(BUILD)/pat-admin: $(ADMIN_OBJ) $(BUILD)/libpat.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: $(BUILD)/tests/%.o $(BUILD)/tests/support.o $(BUILD)/libpatfcgi.a $(BUILD)/libpat.a
	$(CC) $(LDFLAGS) -o $@ $^ -lcriterion -lfcgi $(LDLIBS)

$(BUILD)/tests/helpers/%: $(BUILD)/tests/helpers/%.o $(BUILD)/libpat.a
	$(CC) $(LDFLAGS) -o $@ $^ -lfcgi -lsodium $(LDLIBS)

tests: all $(TESTS) $(HELPERS)

deps:
	scripts/deps.sh

test: deps
	$(MAKE) tests
	scripts/test.sh $(BUILD)

check-asan: deps
	$(MAKE) SAN=asan tests
	scripts/test.sh build/asan

check-tsan: deps
	$(MAKE) SAN=tsan all
	$(MAKE) tests
	scripts/test.sh build/tsan build

run: deps
	$(MAKE) all
	scripts/run.sh $(BUILD)

bench: deps
	$(MAKE) all
	scripts/bench.sh $(BUILD)

valgrind: deps
	$(MAKE) tests
	scripts/valgrind.sh $(BUILD)

fuzz: deps
	scripts/fuzz.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin \
	    $(DESTDIR)$(PREFIX)/share/pat $(DESTDIR)/etc/pat
	install -m 0755 $(BUILD)/pat-fcgi $(DESTDIR)$(PREFIX)/sbin/pat-fcgi
	install -m 0755 $(BUILD)/pat-admin $(DESTDIR)$(PREFIX)/bin/pat-admin
	install -m 0644 schema.sql $(DESTDIR)$(PREFIX)/share/pat/schema.sql
	install -m 0644 nginx/pat.conf $(DESTDIR)$(PREFIX)/share/pat/nginx-pat.conf
	install -m 0644 docs/pat.conf.example $(DESTDIR)$(PREFIX)/share/pat/pat.conf.example
	install -m 0644 docs/pat-fcgi.service $(DESTDIR)$(PREFIX)/share/pat/pat-fcgi.service
	install -m 0644 docs/grants.sql $(DESTDIR)$(PREFIX)/share/pat/grants.sql

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
