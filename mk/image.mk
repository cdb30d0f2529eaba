# Boot archives. A scenario is scenarios/NAME.dts (or any path given as
# SCENARIO=path/to/file.dts); the scenario tool checks it and packs
# build/boot-NAME.cpio with the root task, the compiled scenario as
# system.dtb, and every program and image it names (docs/scenarios.md). A
# malformed scenario stops the build with a message naming file, node and
# property.

SCENARIO_NAME := $(basename $(notdir $(SCENARIO)))
SCENARIO_DTS := $(if $(findstring /,$(SCENARIO)),$(SCENARIO),scenarios/$(SCENARIO).dts)
SCENARIO_ARCHIVE := $(BUILD)/boot-$(SCENARIO_NAME).cpio
ROOT_ELF := $(BUILD)/programs/root.elf
GUEST_DIR ?= $(BUILD)/guest
ALL_PROGRAM_ELFS = $(PROGRAMS:%=$(BUILD)/programs/%.elf)

# Every program is built first: the scenario decides which ones go in.
define pack_scenario
	@mkdir -p $(BUILD)/scenarios
	@echo "  PACK    $@"
	$(Q)$(SCENARIO_TOOL) pack -o $@ --root $(ROOT_ELF) --loader $(BUILD)/programs/loader.elf \
	  --programs $(BUILD)/programs \
	  --images $(GUEST_DIR) --machine-memory $(MEM) --machine-cpus $(CPUS) \
	  --dtb $(BUILD)/scenarios/$(basename $(notdir $<)).dtb $<
endef

$(BUILD)/boot-%.cpio: scenarios/%.dts $(SCENARIO_TOOL) $$(ALL_PROGRAM_ELFS)
	$(pack_scenario)

ifneq ($(findstring /,$(SCENARIO)),)
$(SCENARIO_ARCHIVE): $(SCENARIO_DTS) $(SCENARIO_TOOL) $$(ALL_PROGRAM_ELFS)
	$(pack_scenario)
endif
