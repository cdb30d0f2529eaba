# The Linux guest: Debian's arm64 kernel, byte for byte, and an initramfs
# the project builds from Debian's busybox-static, the kernel's own modules
# and the guest benchmark programs (guest/README.md).
#
#   make guest                  build/guest/Image and build/guest/initrd.cpio.gz
#   make run-linux-direct       boot them directly on QEMU virt (no Bastei)
#   make bench-linux-direct     measure them: build/bench-linux-direct.json
#
# GUEST_FLAVOUR=cloud (default, linux-image-cloud-arm64) or generic
# (linux-image-arm64) picks the kernel metapackage; fetch-arm64 follows it
# to the versioned kernel package, so a newer Debian kernel just works.

GUEST_FLAVOUR ?= cloud
ifeq ($(GUEST_FLAVOUR),cloud)
GUEST_KERNEL_PACKAGE := linux-image-cloud-arm64
else ifeq ($(GUEST_FLAVOUR),generic)
GUEST_KERNEL_PACKAGE := linux-image-arm64
else
$(error GUEST_FLAVOUR must be cloud or generic, not '$(GUEST_FLAVOUR)')
endif

GUEST_DIR := $(BUILD)/guest
GUEST_IMAGE := $(GUEST_DIR)/Image
GUEST_INITRD := $(GUEST_DIR)/initrd.cpio.gz
GUEST_KERNEL_STAMP := $(ARM64_CACHE)/debs/$(GUEST_KERNEL_PACKAGE).resolved
GUEST_BUSYBOX_STAMP := $(ARM64_CACHE)/debs/busybox-static.resolved
# The kernel release (uname -r) is the versioned package's name without
# "linux-image-": linux-image-6.1.0-56-cloud-arm64_6.1.192-2_arm64.deb.
GUEST_RELEASE = $$(sed -e 's/^linux-image-//' -e 's/_.*//' -e 's/-unsigned$$//' $(GUEST_KERNEL_STAMP))

# Guest programs are static AArch64 Linux executables with no C library
# (guest/bench/rt.h). -fno-tree-loop-distribute-patterns keeps GCC from
# turning rt.c's own memset and memcpy loops into calls to themselves.
GUEST_CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-ffreestanding -fno-tree-loop-distribute-patterns -fno-stack-protector \
	-fno-pie -fno-pic -fno-asynchronous-unwind-tables -march=armv8-a \
	-mbranch-protection=none -MMD -MP
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none
GUEST_RT_SRCS := guest/bench/rt.c guest/bench/start.S
GUEST_BENCHES := syscall cpu pipe fork pagefault cntvct
GUEST_PROGRAMS := $(GUEST_BENCHES:%=$(GUEST_DIR)/bench/%) $(GUEST_DIR)/bench/kvmbench
GUEST_RT_OBJS := $(GUEST_DIR)/obj/rt.o $(GUEST_DIR)/obj/start.o

.PHONY: guest guest-flavour-check run-linux-direct bench-linux-direct
guest: $(GUEST_IMAGE) $(GUEST_INITRD)

# The flavour is remembered in a file that changes only when the flavour
# does, so switching GUEST_FLAVOUR rebuilds the Image and the initramfs.
$(GUEST_DIR)/flavour: guest-flavour-check
	@mkdir -p $(dir $@)
	$(Q)echo '$(GUEST_FLAVOUR)' | cmp -s - $@ || echo '$(GUEST_FLAVOUR)' > $@

$(GUEST_IMAGE): $(GUEST_KERNEL_STAMP) $(GUEST_DIR)/flavour
	@echo "  KERNEL  $@ ($(GUEST_KERNEL_PACKAGE))"
	$(Q)release=$(GUEST_RELEASE); src=$(ARM64_ROOT)/boot/vmlinuz-$$release; \
	  test -f $$src || { echo "guest: $$src is missing (delete $(GUEST_KERNEL_STAMP) to fetch again)" >&2; exit 1; }; \
	  cp $$src $@.tmp && mv $@.tmp $@

$(GUEST_INITRD): $(GUEST_KERNEL_STAMP) $(GUEST_BUSYBOX_STAMP) $(GUEST_DIR)/flavour \
		$(GUEST_PROGRAMS) guest/mkinitramfs.py guest/newc.py guest/kmod.py \
		guest/modules.txt $(shell find guest/rootfs -type f)
	@echo "  INITRD  $@"
	$(Q)$(PYTHON) guest/mkinitramfs.py --root $(ARM64_ROOT) --release $(GUEST_RELEASE) \
	  $(foreach p,$(GUEST_PROGRAMS),--bench $(notdir $(p))=$(p)) -o $@

$(GUEST_DIR)/obj/%.o: guest/bench/%.c | deps-host
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(TARGET_CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_DIR)/obj/%.o: guest/bench/%.S | deps-host
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(TARGET_CC) -march=armv8-a -MMD -MP -c $< -o $@

$(GUEST_DIR)/obj/kvmbench/%.o: guest/kvmbench/%.c | deps-host
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(TARGET_CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_DIR)/obj/kvmbench/%.o: guest/kvmbench/%.S | deps-host
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(TARGET_CC) -march=armv8-a -MMD -MP -c $< -o $@

$(GUEST_DIR)/bench/%: $(GUEST_DIR)/obj/%.o $(GUEST_RT_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(TARGET_CC) $(GUEST_LDFLAGS) -o $@ $^ -lgcc

$(GUEST_DIR)/bench/kvmbench: $(GUEST_DIR)/obj/kvmbench/kvmbench.o \
		$(GUEST_DIR)/obj/kvmbench/guest.o $(GUEST_RT_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(TARGET_CC) $(GUEST_LDFLAGS) -o $@ $^ -lgcc

-include $(wildcard $(GUEST_DIR)/obj/*.d $(GUEST_DIR)/obj/kvmbench/*.d)

run-linux-direct: deps-host guest
	$(Q)$(PYTHON) guest/direct.py --kernel $(GUEST_IMAGE) --initrd $(GUEST_INITRD) \
	  --extra '$(QEMU_EXTRA)'

bench-linux-direct: deps-host guest
	$(Q)$(PYTHON) tools/bench/linux_baseline.py --kernel $(GUEST_IMAGE) \
	  --initrd $(GUEST_INITRD) -o $(BUILD)/bench-linux-direct.json

# The system tests boot the guest directly (tests/system/test_guest_direct.py).
system-test: $(GUEST_IMAGE) $(GUEST_INITRD)
