# ward — one non-recursive Makefile. Outputs under build/ (build/san/ for
# sanitizer builds: `make SANITIZE=address,undefined`).
#
#   make            build/ward, build/libward.a, build/unit-tests
#   make check      deps, build, unit + integration tests (tests/run)
#   make demo       deps, build, run a hardened container
#   make install    PREFIX=/usr/local DESTDIR=
#   make lint       file/function size budgets (hack/lint.sh)

CC      ?= gcc
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  := $(PREFIX)/bin
MANDIR  := $(PREFIX)/share/man
DOCDIR  := $(PREFIX)/share/doc/ward

PKGS := libseccomp libcap-ng libmnl yajl

ifeq ($(SANITIZE),)
B        := build
HARDEN   := -D_FORTIFY_SOURCE=2
else
B        := build/san
HARDEN   := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

CFLAGS  ?= -O2 -g
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null)

# Messages are fixed-size by design (struct ward_err): truncation is intended.
# src/ is on the quote path only: src/seccomp.h must not shadow libseccomp's <seccomp.h>.
WARD_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wformat=2 -Wno-missing-field-initializers \
	-Wno-format-truncation \
	-fstack-protector-strong -fstack-clash-protection -fPIE \
	$(HARDEN) -Iinclude -iquote src -I$(B)/gen $(PKG_CFLAGS) -MMD -MP
WARD_LDFLAGS := -pie -Wl,-z,relro,-z,now -Wl,--as-needed $(HARDEN)

# The generated baseline seccomp program is the only source the generator
# itself cannot link against; it lives outside libward-core.a.
GEN_SRCS  := src/seccomp_baseline.c
CORE_SRCS := $(filter-out $(GEN_SRCS),$(sort $(wildcard src/*.c)))
CLI_SRCS  := $(sort $(wildcard runtime/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))

CORE_OBJS := $(CORE_SRCS:%.c=$(B)/%.o)
GEN_OBJS  := $(GEN_SRCS:%.c=$(B)/%.o)
CLI_OBJS  := $(CLI_SRCS:%.c=$(B)/%.o)
UNIT_OBJS := $(UNIT_SRCS:%.c=$(B)/%.o)

WARD     := $(B)/ward
LIBCORE  := $(B)/libward-core.a
LIBWARD  := $(B)/libward.a
UNIT     := $(B)/unit-tests
GENBASE  := $(B)/gen-baseline
BASELINE_H := $(B)/gen/baseline_bpf.h
PROBE    := build/probe
RECVTTY  := build/recvtty

.PHONY: all check demo install uninstall lint clean unit integration probe deps

all: $(WARD) $(UNIT) $(PROBE) $(RECVTTY)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(WARD_CFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(CC) $(WARD_CFLAGS) $(CHECK_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBCORE): $(CORE_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(GENBASE): $(B)/tools/gen-baseline.o $(LIBCORE)
	$(CC) $(WARD_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The baseline filter is compiled once, here, so no container start pays for it.
$(BASELINE_H): $(GENBASE) config/baseline-seccomp.json
	@mkdir -p $(dir $@)
	$(GENBASE) config/baseline-seccomp.json $@.tmp && mv $@.tmp $@

$(GEN_OBJS): $(BASELINE_H)

$(LIBWARD): $(CORE_OBJS) $(GEN_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# libseccomp, libcap-ng and yajl linked in: fewer objects for the dynamic
# loader on every container start (libmnl ships no static archive).
WARD_LIBS := -Wl,-Bstatic -lseccomp -lcap-ng -lyajl_s -Wl,-Bdynamic -lmnl

$(WARD): $(CLI_OBJS) $(LIBWARD)
	$(CC) $(WARD_LDFLAGS) -o $@ $^ $(WARD_LIBS)

$(UNIT): $(UNIT_OBJS) $(LIBWARD)
	$(CC) $(WARD_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)

# A static helper copied into test rootfses; it reports what the kernel applied.
$(PROBE): tests/probe/probe.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -o $@ $<

# The test suite's stand-in for containerd's --console-socket receiver.
$(RECVTTY): tests/probe/recvtty.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ $<

probe: $(PROBE)

deps:
	bash hack/deps.sh

unit: $(UNIT)
	$(UNIT)

check: deps
	$(MAKE) all
	$(MAKE) SANITIZE=address,undefined build/san/unit-tests build/san/ward
	bash tests/run

demo: deps
	$(MAKE) all
	bash hack/demo.sh

lint:
	bash hack/lint.sh

install: $(WARD)
	install -D -m 0755 $(WARD) $(DESTDIR)$(BINDIR)/ward
	install -D -m 0644 docs/ward.8 $(DESTDIR)$(MANDIR)/man8/ward.8
	install -D -m 0644 config/ward.conf $(DESTDIR)$(DOCDIR)/examples/ward.conf
	install -D -m 0644 config/daemon.json $(DESTDIR)$(DOCDIR)/examples/daemon.json
	install -D -m 0644 config/containerd-ward.toml $(DESTDIR)$(DOCDIR)/examples/containerd-ward.toml
	install -D -m 0644 config/baseline-seccomp.json $(DESTDIR)$(DOCDIR)/examples/baseline-seccomp.json

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/ward $(DESTDIR)$(MANDIR)/man8/ward.8
	rm -rf $(DESTDIR)$(DOCDIR)

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
