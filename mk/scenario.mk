# Scenarios: the host tool that checks a system description and packs its
# boot archive (tools/scenario), its unit tests, and the corpus of malformed
# scenarios (tests/scenarios). docs/scenarios.md describes the format.
#
#   make scenario-test    build the tool, run its unit tests and the corpus
#
# The tool is used as
#   $(SCENARIO_TOOL) pack -o ARCHIVE --programs DIR --root ROOT.elf \
#       --machine-memory $(MEM) --machine-cpus $(CPUS) scenarios/NAME.dts

SCENARIO_TOOL := $(BUILD)/tools/scenario
# The checks and the packer, without main() and dtc: what the unit tests link.
SCENARIO_LIB_SRCS := $(addprefix tools/scenario/,diag.c prop.c scenario.c parse.c \
	parse_component.c parse_vm.c parse_port.c check.c check_links.c check_grants.c files.c pack.c) \
	tools/bootpack/archive.c
SCENARIO_TOOL_SRCS := $(SCENARIO_LIB_SRCS) tools/scenario/dtc.c tools/scenario/main.c
SCENARIO_HEADERS := $(wildcard tools/scenario/*.h) tools/bootpack/bootpack.h

$(SCENARIO_TOOL): $(SCENARIO_TOOL_SRCS) $(SCENARIO_HEADERS) | deps
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(filter-out -MMD -MP,$(HOST_CFLAGS)) -Itools -o $@ $(SCENARIO_TOOL_SRCS) -lfdt

# Unit tests of the checks, and of the packer: it reads archives back with
# the kernel's own cpio reader, the one the loader's look-ups rely on.
$(eval $(call host_test,scenario_test,tools/scenario/test/scenario_test.c $(SCENARIO_LIB_SRCS)))
$(eval $(call host_test,scenario_pack_test,tools/scenario/test/pack_test.c \
	$(SCENARIO_LIB_SRCS) kernel/lib/cpio.c))
SCENARIO_UNIT_TESTS := $(BUILD)/host-tests/scenario_test $(BUILD)/host-tests/scenario_pack_test

.PHONY: scenario-test
scenario-test: $(SCENARIO_TOOL) $(SCENARIO_UNIT_TESTS)
	$(Q)for t in $(SCENARIO_UNIT_TESTS); do echo "  RUN     $$t"; $$t || exit 1; done
	@echo "  RUN     tests/scenarios/run"
	$(Q)tests/scenarios/run $(SCENARIO_TOOL) $(BUILD)/scenario-test

# host-test's prerequisites were expanded before this file was read.
host-test: $(SCENARIO_UNIT_TESTS)
