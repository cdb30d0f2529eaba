# The kernel: build/kernel.elf (for debuggers) and build/kernel.img (an arm64
# Linux-style Image that boot loaders start).

KERNEL_IMG := $(BUILD)/kernel.img
KERNEL_ELF := $(BUILD)/kernel.elf
# The test kernel differs only in its test hooks (core/test_hooks.h): a
# system call that provokes a kernel fault, EL0 access to the PMU.
TEST_KERNEL_IMG := $(BUILD)/test-kernel.img
TEST_KERNEL_ELF := $(BUILD)/test-kernel.elf
KBUILD := $(BUILD)/kernel
KGEN := $(KBUILD)/generated

KERNEL_C_SRCS := $(filter-out %/test_hooks.c,$(wildcard kernel/core/*.c)) \
	$(wildcard kernel/lib/*.c kernel/object/*.c kernel/fastpath/*.c) \
	$(filter-out %/asm-offsets.c,$(wildcard kernel/arch/aarch64/*.c))
KERNEL_S_SRCS := $(wildcard kernel/arch/aarch64/*.S)
KERNEL_OBJS := $(KERNEL_C_SRCS:%.c=$(BUILD)/%.o) $(KERNEL_S_SRCS:%.S=$(BUILD)/%.o)
ASM_OFFSETS := $(KGEN)/arch/aarch64/asm-offsets.h

# The kernel never uses FP/SIMD (so task FP state needs no saving around
# kernel code) and runs its early code with the MMU off, where every access
# is a Device access and must be aligned.
KERNEL_CFLAGS = $(TARGET_CFLAGS) $(TARGET_INCLUDE) -mgeneral-regs-only -mstrict-align \
	-mcmodel=small -Ikernel -I$(KGEN)

$(BUILD)/kernel/%.o: kernel/%.c | deps
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(TARGET_CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/kernel/%.o: kernel/%.S $(ASM_OFFSETS) | deps
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(TARGET_CC) $(TARGET_ASFLAGS) -Ikernel -I$(KGEN) -c $< -o $@

$(ASM_OFFSETS): kernel/arch/aarch64/asm-offsets.c | deps
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)$(TARGET_CC) $(KERNEL_CFLAGS) -MF $@.d -MT $@ -S $< -o $@.s
	$(Q){ echo "/* Generated from asm-offsets.c: do not edit. */"; \
	  sed -n 's/.*->\([A-Z_0-9]*\) #\{0,1\}\(-\{0,1\}[0-9][0-9]*\).*/#define \1 \2/p' $@.s; } > $@

$(KERNEL_ELF): $(KERNEL_OBJS) kernel/kernel.ld
	@echo "  LD      $@"
	$(Q)$(TARGET_CC) -nostdlib -static -no-pie -Wl,-T,kernel/kernel.ld \
	  -Wl,--build-id=none -Wl,--no-warn-rwx-segments -o $@ $(KERNEL_OBJS) -lgcc

TEST_KERNEL_OBJS := $(filter-out %/core/test_hooks_none.o,$(KERNEL_OBJS)) \
	$(KBUILD)/core/test_hooks.o

$(TEST_KERNEL_ELF): $(TEST_KERNEL_OBJS) kernel/kernel.ld
	@echo "  LD      $@"
	$(Q)$(TARGET_CC) -nostdlib -static -no-pie -Wl,-T,kernel/kernel.ld \
	  -Wl,--build-id=none -Wl,--no-warn-rwx-segments -o $@ $(TEST_KERNEL_OBJS) -lgcc

$(BUILD)/%.img: $(BUILD)/%.elf
	@echo "  IMAGE   $@"
	$(Q)$(TARGET_OBJCOPY) -O binary $< $@

-include $(KERNEL_OBJS:.o=.d) $(KBUILD)/core/test_hooks.d $(ASM_OFFSETS).d
