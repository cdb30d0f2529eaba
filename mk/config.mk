# User-facing settings and their defaults. Each can be overridden on the
# command line: make run CPUS=4 MEM=2G SCENARIO=ktest.

SCENARIO ?= default
CPUS ?= 2
MEM ?= 1G
QEMU_CPU ?= cortex-a76
QEMU_EXTRA ?=

BUILD := build
# Downloads (arm64 packages) live outside build/ so "make clean" keeps them.
CACHE := cache

# Debian's own Python: python3-pytest and python3-pexpect are installed there.
PYTHON ?= /usr/bin/python3

# V=1 shows every command.
ifeq ($(V),1)
Q :=
else
Q := @
endif
