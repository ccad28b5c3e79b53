# Objects of each program, and the libraries below them (doc/design.md):
#   src/libtm      libtm.a, every program: status files, FIFOs, fifodirs,
#                  signals, locks, paths, users; no TOML
#   src/libtmconf  libtmconf.a, tm-ctl alone: TOML, services.toml's loader
#                  and checks, the compiler of service trees
# A program's _ARCHIVES are linked before libtm.a.
LIBTM_SRCS := $(wildcard src/libtm/*.c)
LIBTMCONF_SRCS := $(wildcard src/libtmconf/*.c)

tm-init_OBJS := src/tm-init/tm-init.o
tm-init_LIBS = $(LIBS_EXE)
tm-svscan_OBJS := src/tm-svscan/tm-svscan.o
tm-svscan_LIBS = $(LIBS_EXE)
# sv_arena.c replaces the libc's allocator in the static release only
tm-supervise_OBJS := $(patsubst %.c,%.o,$(filter-out src/tm-supervise/sv_arena.c,$(wildcard src/tm-supervise/*.c))) \
  $(if $(filter true,$(static)),src/tm-supervise/sv_arena.o)
tm-supervise_LIBS = $(LIBS_EXE)
# tm-ctl: the dispatcher, its shared layer (common/) and its units
tm-ctl_OBJS := $(patsubst %.c,%.o,$(wildcard src/tm-ctl/*.c src/tm-ctl/*/*.c))
tm-ctl_ARCHIVES := libtmconf.a
tm-ctl_LIBS = $(LIBS_CTL)

tests/toml-decoder_OBJS := tests/toml-decoder.o src/libtmconf/toml.o
tests/toml-decoder_LIBS = -lm
tests/unit-lib_OBJS := tests/unit-lib.o
tests/unit-lib_LIBS = $(LIBS_EXE)
tests/toml-unit_OBJS := tests/toml-unit.o src/libtmconf/toml.o
tests/toml-unit_LIBS = -lm
tests/unit-json_OBJS := tests/unit-json.o src/tm-supervise/sv_json.o
tests/unit-json_LIBS =
tests/unit-machine_OBJS := tests/unit-machine.o src/tm-supervise/sv_machine.o
tests/unit-machine_LIBS = $(LIBS_EXE)
tests/unit-argv_OBJS := tests/unit-argv.o src/tm-supervise/sv_argv.o
tests/unit-argv_LIBS =
tests/unit-schema_OBJS := tests/unit-schema.o src/libtmconf/conf_schema.o
tests/unit-schema_LIBS =
