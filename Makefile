# tm Makefile. Run ./configure first (make does it for you with the defaults).
# Everything built goes under $(B) (default: build/): objects mirror the source
# tree, programs sit at the top of $(B). `make static` builds the static musl
# programs in $(B)/static with their own configuration, `make dist` the
# release tarball from them, in $(B)/dist.

CONFIG_MAK ?= config.mak
-include $(CONFIG_MAK)
include package/targets.mak
include package/deps.mak

B ?= $(if $(builddir),$(builddir),build)
DESTDIR ?=
EXTRA_CFLAGS ?=
EXTRA_LDFLAGS ?=
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

ALL_CFLAGS = $(CFLAGS_AUTO) $(CFLAGS) $(EXTRA_CFLAGS)
# -Isrc: tm-ctl's units name what they use by its place ("libtmconf/tmconf.h",
# "tm-ctl/common/ctl.h"): the layers test reads these lines
ALL_CPPFLAGS = $(CPPFLAGS_AUTO) -Isrc $(CPPFLAGS)
ALL_LDFLAGS = $(LDFLAGS_AUTO) $(LDFLAGS) $(EXTRA_LDFLAGS)

PROGRAMS := $(addprefix $(B)/,$(BIN_TARGETS))
TESTPROGS := $(addprefix $(B)/,$(TEST_TARGETS))
LIBTM := $(B)/libtm.a
LIBTM_OBJS := $(addprefix $(B)/,$(LIBTM_SRCS:.c=.o))
LIBTMCONF := $(B)/libtmconf.a
LIBTMCONF_OBJS := $(addprefix $(B)/,$(LIBTMCONF_SRCS:.c=.o))
HEADERS := $(wildcard src/*/*.h src/*/*/*.h) src/include/tm/config.h

.PHONY: all tests check check-unit check-toml check-integration check-san check-dist soak demo bench fuzz \
        static dist install uninstall clean distclean deps

all: $(PROGRAMS)

config.mak src/include/tm/config.h:
	@tools/install-deps
	./configure

$(B)/%.o: %.c $(HEADERS) $(CONFIG_MAK)
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIBTM): $(LIBTM_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(LIBTMCONF): $(LIBTMCONF_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

.SECONDEXPANSION:
$(PROGRAMS) $(TESTPROGS): $(B)/%: $$(addprefix $(B)/,$$($$*_OBJS)) $$(addprefix $(B)/,$$($$*_ARCHIVES)) $(LIBTM)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(addprefix $(B)/,$($*_OBJS)) $(addprefix $(B)/,$($*_ARCHIVES)) $(LIBTM) $($*_LIBS)

tests: $(PROGRAMS) $(TESTPROGS)

# `make tests/toml-decoder` builds the toml-test decoder.
tests/toml-decoder: $(B)/tests/toml-decoder
	@cp -f $< $@

deps:
	@tools/install-deps

# make check: -Werror build, unit tests, TOML conformance, the static release
# (built here when musl and the skalibs source can be had; its test skips
# otherwise), integration tests, then the integration tests once more under
# ASan+UBSan (tests/run builds that variant itself, after the plain tests).
# make's name reaches it through a variable of our own: a recipe line that
# names the MAKE variable itself runs even under `make -n`, and this one
# would run the whole suite.
RUNNER_MAKE = $(MAKE)
check: all tests check-dist
	@tests/run --bindir $(abspath $(B)) --sanbindir $(abspath $(B)-san) --make "$(RUNNER_MAKE)"

check-dist:
	@tools/make-dist --for-check $(B) "$(RUNNER_MAKE)"

# Static musl programs, in $(B)/static: skalibs is built from Debian's source
# with musl-gcc into $(B)/musl first (tools/build-musl-skalibs).
static:
	@tools/build-musl-skalibs $(abspath $(B))/musl || { echo "make static: no musl skalibs (see above)" >&2 ; exit 1 ; }
	@./configure --enable-static --with-musl=$(abspath $(B))/musl --builddir=$(B)/static \
	  --config-mak=$(B)/static/config.mak --with-execlineb=$(execlineb) --prefix=$(prefix) >/dev/null
	@$(MAKE) --no-print-directory CONFIG_MAK=$(B)/static/config.mak B=$(B)/static all

# The release: $(B)/dist/tm-VERSION-ARCH.tar.gz (doc/containers.md)
dist:
	@tools/make-dist $(B) "$(RUNNER_MAKE)"

check-san:
	$(MAKE) B=$(B)-san EXTRA_CFLAGS="$(SANFLAGS)" EXTRA_LDFLAGS="$(SANFLAGS)" all tests

# make soak: minutes of crash loops, health checks, log rotation and killed
# supervisors over 500 services; not part of check. SOAK_SECS, SOAK_SERVICES.
soak: all
	@tests/soak --bindir $(abspath $(B))

demo: all
	@tools/demo $(abspath $(B))

# the static release when it can be built (what ships), else this build
bench: all
	@if tools/make-dist $(B) "$(RUNNER_MAKE)" ; then bench/run $(abspath $(B))/dist/root/usr/local/bin ; \
	else echo "bench: no static release: measuring $(B)" >&2 ; bench/run $(abspath $(B)) ; fi

fuzz:
	@tools/fuzz $(FUZZTIME)

# man pages, written by hand (doc/man/NAME.N), go to $(mandir)/manN
MAN_PAGES := $(wildcard doc/man/*.[1-9])
mandir ?= $(prefix)/share/man

install: all
	mkdir -p $(DESTDIR)$(bindir) $(DESTDIR)$(docdir)
	for p in $(BIN_TARGETS) ; do install -m 0755 $(B)/$$p $(DESTDIR)$(bindir)/$$p || exit 1 ; done
	for l in $(COMPAT_LINKS) ; do ln -sf tm-ctl $(DESTDIR)$(bindir)/$$l || exit 1 ; done
	for d in doc/*.html doc/*.md ; do [ -f "$$d" ] && install -m 0644 $$d $(DESTDIR)$(docdir)/ ; done ; true
	for m in $(MAN_PAGES) ; do s=$${m##*.} ; mkdir -p $(DESTDIR)$(mandir)/man$$s && install -m 0644 $$m $(DESTDIR)$(mandir)/man$$s/ || exit 1 ; done

uninstall:
	for p in $(BIN_TARGETS) $(COMPAT_LINKS) ; do rm -f $(DESTDIR)$(bindir)/$$p ; done
	rm -rf $(DESTDIR)$(docdir)
	for m in $(MAN_PAGES) ; do rm -f $(DESTDIR)$(mandir)/man$${m##*.}/$${m##*/} ; done

clean:
	rm -rf $(B) $(B)-san tests/toml-decoder

distclean: clean
	rm -f config.mak src/include/tm/config.h
