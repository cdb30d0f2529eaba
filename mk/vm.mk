# Virtual machines: the guest images the VM scenarios name, beside the
# Linux guest of mk/guest.mk, and the GUEST_KERNEL override.
#
#   build/guest/hostile.img    the hostile test guest (tests/guests/hostile):
#                              a freestanding AArch64 program with an arm64
#                              Image header, loadable as a VM's kernel
#   make run GUEST_KERNEL=path/to/Image
#                              boots the scenario with that file as every
#                              VM kernel named "Image" (README.md)

HOSTILE_DIR := $(GUEST_DIR)/hostile
HOSTILE_IMG := $(GUEST_DIR)/hostile.img
HOSTILE_SRCS := tests/guests/hostile/main.c tests/guests/hostile/start.S
HOSTILE_OBJS := $(HOSTILE_DIR)/main.o $(HOSTILE_DIR)/start.o
# Freestanding, for EL1 with the MMU off: no FP/SIMD (CPACR_EL1 traps it)
# and no unaligned accesses (all memory is Device memory).
HOSTILE_CFLAGS = -std=c11 -O2 -Wall -Wextra -Werror -Wshadow -ffreestanding -fno-pie -fno-pic \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns \
	-mgeneral-regs-only -mstrict-align -march=armv8-a -mbranch-protection=none -MMD -MP \
	$(TARGET_INCLUDE)

$(HOSTILE_DIR)/%.o: tests/guests/hostile/%.c | deps-host
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(TARGET_CC) $(HOSTILE_CFLAGS) -c $< -o $@

$(HOSTILE_DIR)/%.o: tests/guests/hostile/%.S | deps-host
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(TARGET_CC) -march=armv8-a -MMD -MP -c $< -o $@

$(HOSTILE_DIR)/hostile.elf: $(HOSTILE_OBJS) tests/guests/hostile/hostile.ld
	@echo "  LD      $@"
	$(Q)$(TARGET_CC) -nostdlib -static -no-pie -Wl,--build-id=none \
	  -Wl,--no-warn-rwx-segments -Wl,-T,tests/guests/hostile/hostile.ld -o $@ $(HOSTILE_OBJS) -lgcc

$(HOSTILE_IMG): $(HOSTILE_DIR)/hostile.elf
	@echo "  IMAGE   $@"
	$(Q)$(TARGET_OBJCOPY) -O binary $< $@

-include $(wildcard $(HOSTILE_DIR)/*.d)

.PHONY: hostile
hostile: $(HOSTILE_IMG)

# The VM scenarios need their guest images before they are packed.
$(BUILD)/boot-default.cpio $(BUILD)/boot-two-vms.cpio: $(GUEST_IMAGE) $(GUEST_INITRD)
$(BUILD)/boot-hostile.cpio: $(HOSTILE_IMG) $(GUEST_IMAGE) $(GUEST_INITRD)
system-test: $(BUILD)/boot-hostile.cpio $(BUILD)/boot-two-vms.cpio $(BUILD)/boot-default.cpio

# GUEST_KERNEL=FILE: the scenario's archive is packed from an images
# folder in which "Image" is FILE and everything else is build/guest's. A
# file remembers the choice, so the archive is packed again whenever
# GUEST_KERNEL changes, is given or is dropped.
GUEST_KERNEL_CHOICE := $(BUILD)/guest-kernel.txt
GUEST_KERNEL_DIR := $(BUILD)/guest-kernel
GUEST_IMAGES_DIR := $(GUEST_DIR)

$(GUEST_KERNEL_CHOICE): FORCE
	@mkdir -p $(dir $@)
	$(Q)echo '$(abspath $(GUEST_KERNEL))' | cmp -s - $@ || echo '$(abspath $(GUEST_KERNEL))' > $@

.PHONY: FORCE
FORCE:

$(SCENARIO_ARCHIVE): $(GUEST_KERNEL_CHOICE)

ifneq ($(strip $(GUEST_KERNEL)),)
$(SCENARIO_ARCHIVE): private GUEST_DIR := $(GUEST_KERNEL_DIR)
$(SCENARIO_ARCHIVE): $(GUEST_KERNEL) guest-kernel-dir

.PHONY: guest-kernel-dir
guest-kernel-dir: $(GUEST_IMAGE) $(GUEST_INITRD) $(HOSTILE_IMG)
	@test -f '$(GUEST_KERNEL)' || { echo "GUEST_KERNEL: $(GUEST_KERNEL) does not exist" >&2; exit 1; }
	$(Q)rm -rf $(GUEST_KERNEL_DIR) && mkdir -p $(GUEST_KERNEL_DIR)
	$(Q)for f in $(abspath $(GUEST_IMAGES_DIR))/*; do test -f "$$f" && ln -s "$$f" $(GUEST_KERNEL_DIR)/; done; true
	$(Q)rm -f $(GUEST_KERNEL_DIR)/Image && ln -s '$(abspath $(GUEST_KERNEL))' $(GUEST_KERNEL_DIR)/Image
	@echo "  KERNEL  Image = $(GUEST_KERNEL)"
endif

# build/guest/exitbench.img: the exit benchmark guest (tests/guests/exitbench),
# built like the hostile guest; make bench boots it (scenarios/bench-exits.dts).
EXITBENCH_DIR := $(GUEST_DIR)/exitbench
EXITBENCH_IMG := $(GUEST_DIR)/exitbench.img
EXITBENCH_OBJS := $(EXITBENCH_DIR)/main.o $(EXITBENCH_DIR)/start.o

$(EXITBENCH_DIR)/%.o: tests/guests/exitbench/%.c | deps-host
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(TARGET_CC) $(HOSTILE_CFLAGS) -c $< -o $@

$(EXITBENCH_DIR)/%.o: tests/guests/exitbench/%.S | deps-host
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(TARGET_CC) -march=armv8-a -MMD -MP -c $< -o $@

$(EXITBENCH_DIR)/exitbench.elf: $(EXITBENCH_OBJS) tests/guests/exitbench/exitbench.ld
	@echo "  LD      $@"
	$(Q)$(TARGET_CC) -nostdlib -static -no-pie -Wl,--build-id=none \
	  -Wl,--no-warn-rwx-segments -Wl,-T,tests/guests/exitbench/exitbench.ld -o $@ $(EXITBENCH_OBJS) -lgcc

$(EXITBENCH_IMG): $(EXITBENCH_DIR)/exitbench.elf
	@echo "  IMAGE   $@"
	$(Q)$(TARGET_OBJCOPY) -O binary $< $@

-include $(wildcard $(EXITBENCH_DIR)/*.d)

$(BUILD)/boot-bench-exits.cpio: $(EXITBENCH_IMG)
$(BUILD)/boot-bench-linux.cpio: $(GUEST_IMAGE) $(GUEST_INITRD)
