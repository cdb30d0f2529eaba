# Native components: the user-level runtime (lib/) and one static ELF per
# program, linked at the address abi/layout.h names.
#
# A program is declared with
#     $(eval $(call user_program,NAME,SOURCES,EXTRA_CFLAGS))
# and built as $(BUILD)/programs/NAME.elf.

# Pure code shared with the kernel (kernel/lib): formatting, strings, and the
# parsers the loader needs.
SHARED_SRCS := kernel/lib/format.c kernel/lib/string.c kernel/lib/cpio.c kernel/lib/elf.c \
	kernel/lib/dtb.c
ULIB_SRCS := $(wildcard lib/*/*.c) $(SHARED_SRCS)
ULIB_ASM := $(wildcard lib/start/*.S)
ULIB_OBJS := $(ULIB_SRCS:%.c=$(BUILD)/ulib/%.o) $(ULIB_ASM:%.S=$(BUILD)/ulib/%.o)
ULIB := $(BUILD)/ulib/libbastei.a
PROGRAM_LD := lib/start/program.ld

USER_CFLAGS := $(TARGET_CFLAGS) -Ilib -Ikernel

$(BUILD)/ulib/%.o: %.c | deps
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(TARGET_CC) $(USER_CFLAGS) -c $< -o $@

$(BUILD)/ulib/%.o: %.S | deps
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(TARGET_CC) $(TARGET_ASFLAGS) -c $< -o $@

$(ULIB): $(ULIB_OBJS)
	@echo "  AR      $@"
	$(Q)rm -f $@ && $(TARGET_AR) rcs $@ $^

PROGRAMS :=

# user_program NAME SOURCES EXTRA_CFLAGS
define user_program
PROGRAMS += $(1)
$(1)_OBJS := $$(patsubst %.c,$(BUILD)/programs/$(1)/%.o,$(2))

$(BUILD)/programs/$(1)/%.o: %.c | deps
	@mkdir -p $$(dir $$@)
	@echo "  CC      $$< ($(1))"
	$$(Q)$$(TARGET_CC) $$(USER_CFLAGS) $(3) -c $$< -o $$@

$(BUILD)/programs/$(1).elf: $$($(1)_OBJS) $$(ULIB) $$(PROGRAM_LD)
	@echo "  LD      $$@"
	$$(Q)$$(TARGET_CC) -nostdlib -static -no-pie -Wl,-T,$$(PROGRAM_LD) -Wl,--build-id=none \
	  -o $$@ $$($(1)_OBJS) $$(ULIB) -lgcc

-include $$($(1)_OBJS:.o=.d)
endef

$(eval $(call user_program,root,services/root/main.c,))

# Root programs that fault on purpose, for the fault-reporting system tests.
FAULT_KINDS := undefined unmapped_read unmapped_write kernel_address
$(foreach k,$(FAULT_KINDS),$(eval $(call user_program,fault_$(k),tests/programs/fault/main.c,-DFAULT_$(shell echo $(k) | tr a-z A-Z))))

$(eval $(call user_program,kernel_fault,tests/programs/kernel_fault/main.c,))
$(eval $(call user_program,smoke,tests/programs/smoke/main.c,))

# The system-call fuzzer (tests/fuzz, mk/fuzz.mk) and reductions of what it found.
$(eval $(call user_program,fuzz,$(wildcard tests/fuzz/*.c),))
$(foreach r,$(notdir $(wildcard tests/programs/fuzz-repro-*)),$(eval $(call user_program,$(r),tests/programs/$(r)/main.c,)))
$(eval $(call user_program,bench,tests/bench/main.c,))

-include $(ULIB_OBJS:.o=.d)
