# Bastei: the entry points. The rules live in mk/*.mk.
#
#   make            build the kernel and the default scenario's boot archive
#   make run        install what is missing, build, boot in QEMU
#   make test       host unit tests and system tests (QEMU)
#   make bench      benchmarks in retired instructions: build/bench.json
#   make image SCENARIO=NAME    build build/boot-NAME.cpio
#   make clean      remove build/ (downloads in cache/ stay)
#
# Variables: SCENARIO, CPUS, MEM, QEMU_CPU, QEMU_EXTRA (see README.md).

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SECONDARY:
.SUFFIXES:
# Lets prerequisites name $$(PROGRAMS), which mk files included later add to.
.SECONDEXPANSION:

include mk/config.mk
include mk/deps.mk
include mk/toolchain.mk
include mk/kernel.mk
include mk/user.mk
include mk/tools.mk
include mk/guest.mk
include mk/hosttest.mk
include mk/scenario.mk
include mk/image.mk
include mk/qemu.mk
include mk/systest.mk
include mk/bench.mk
include mk/fuzz.mk
include mk/vm.mk
include mk/blk.mk
include mk/net.mk

.PHONY: all run test image clean format format-check

all: $(KERNEL_IMG) $(SCENARIO_ARCHIVE)

image: $(SCENARIO_ARCHIVE)

test: host-test scenario-test system-test

clean:
	rm -rf $(BUILD)

FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	clang-format --dry-run --Werror $(FORMAT_FILES)
