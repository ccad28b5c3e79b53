# What gets built and installed. Programs are listed with the objects they need
# in package/deps.mak.
BIN_TARGETS := tm-init tm-svscan tm-supervise tm-ctl
COMPAT_LINKS := tm-orchestrator go-overlay entrypoint
TEST_TARGETS := tests/toml-decoder tests/unit-lib tests/toml-unit tests/unit-json tests/unit-machine tests/unit-argv tests/unit-schema
