# Scenarios and boot archives. A scenario is scenarios/NAME.dts; dtc compiles
# it to the system description the loader reads at boot, and bootpack packs
# it with the programs into build/boot-NAME.cpio.

SCENARIO_NAME := $(basename $(notdir $(SCENARIO)))
SCENARIO_DTS := $(if $(findstring /,$(SCENARIO)),$(SCENARIO),scenarios/$(SCENARIO).dts)
SCENARIO_ARCHIVE := $(BUILD)/boot-$(SCENARIO_NAME).cpio
ROOT_ELF := $(BUILD)/programs/root.elf

$(BUILD)/scenarios/%.dtb: scenarios/%.dts | deps
	@mkdir -p $(dir $@)
	@echo "  DTC     $<"
	$(Q)dtc -q -I dts -O dtb -o $@ $<

$(BUILD)/boot-%.cpio: $(BUILD)/scenarios/%.dtb $(ROOT_ELF) $(BOOTPACK)
	@echo "  PACK    $@"
	$(Q)$(BOOTPACK) -o $@ root=$(ROOT_ELF) system.dtb=$<
