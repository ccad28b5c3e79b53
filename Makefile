# tm Makefile. Run ./configure first (make does it for you with the defaults).
# Everything built goes under $(B) (default: build/): objects mirror the source
# tree, programs sit at the top of $(B).

-include config.mak
include package/targets.mak
include package/deps.mak

B ?= $(if $(builddir),$(builddir),build)
DESTDIR ?=
EXTRA_CFLAGS ?=
EXTRA_LDFLAGS ?=
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

ALL_CFLAGS = $(CFLAGS_AUTO) $(CFLAGS) $(EXTRA_CFLAGS)
ALL_CPPFLAGS = $(CPPFLAGS_AUTO) $(CPPFLAGS)
ALL_LDFLAGS = $(LDFLAGS_AUTO) $(LDFLAGS) $(EXTRA_LDFLAGS)

PROGRAMS := $(addprefix $(B)/,$(BIN_TARGETS))
TESTPROGS := $(addprefix $(B)/,$(TEST_TARGETS))
LIBTM := $(B)/libtm.a
LIBTM_OBJS := $(addprefix $(B)/,$(LIBTM_SRCS:.c=.o))
HEADERS := $(wildcard src/*/*.h) src/include/tm/config.h

.PHONY: all tests check check-unit check-toml check-integration check-san soak demo bench fuzz \
        install uninstall clean distclean deps

all: $(PROGRAMS)

config.mak src/include/tm/config.h:
	@tools/install-deps
	./configure

$(B)/%.o: %.c $(HEADERS) config.mak
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIBTM): $(LIBTM_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

.SECONDEXPANSION:
$(PROGRAMS) $(TESTPROGS): $(B)/%: $$(addprefix $(B)/,$$($$*_OBJS)) $(LIBTM)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(addprefix $(B)/,$($*_OBJS)) $(LIBTM) $($*_LIBS)

tests: $(PROGRAMS) $(TESTPROGS)

# `make tests/toml-decoder` builds the toml-test decoder.
tests/toml-decoder: $(B)/tests/toml-decoder
	@cp -f $< $@

deps:
	@tools/install-deps

# make check: -Werror build, unit tests, TOML conformance, integration tests,
# then the integration tests once more under ASan+UBSan (tests/run builds
# that variant itself, after the plain tests). make's name reaches it
# through a variable of our own: a recipe line that names the MAKE variable
# itself runs even under `make -n`, and this one would run the whole suite.
RUNNER_MAKE = $(MAKE)
check: all tests
	@tests/run --bindir $(abspath $(B)) --sanbindir $(abspath $(B)-san) --make "$(RUNNER_MAKE)"

check-san:
	$(MAKE) B=$(B)-san EXTRA_CFLAGS="$(SANFLAGS)" EXTRA_LDFLAGS="$(SANFLAGS)" all tests

# make soak: minutes of crash loops, health checks, log rotation and killed
# supervisors over 500 services; not part of check. SOAK_SECS, SOAK_SERVICES.
soak: all
	@tests/soak --bindir $(abspath $(B))

demo: all
	@tools/demo $(abspath $(B))

bench: all
	@bench/run $(abspath $(B))

fuzz:
	@tools/fuzz $(FUZZTIME)

install: all
	mkdir -p $(DESTDIR)$(bindir) $(DESTDIR)$(docdir)
	for p in $(BIN_TARGETS) ; do install -m 0755 $(B)/$$p $(DESTDIR)$(bindir)/$$p || exit 1 ; done
	for l in $(COMPAT_LINKS) ; do ln -sf tm-ctl $(DESTDIR)$(bindir)/$$l || exit 1 ; done
	for d in doc/*.html doc/*.md ; do [ -f "$$d" ] && install -m 0644 $$d $(DESTDIR)$(docdir)/ ; done ; true

uninstall:
	for p in $(BIN_TARGETS) $(COMPAT_LINKS) ; do rm -f $(DESTDIR)$(bindir)/$$p ; done
	rm -rf $(DESTDIR)$(docdir)

clean:
	rm -rf $(B) $(B)-san tests/toml-decoder

distclean: clean
	rm -f config.mak src/include/tm/config.h
