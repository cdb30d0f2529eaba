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

USER_CFLAGS = $(TARGET_CFLAGS) $(TARGET_INCLUDE) -Ilib/include -Ilib -Ikernel -Iservices

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

# user_program NAME SOURCES EXTRA_CFLAGS EXTRA_LIBS
define user_program
PROGRAMS += $(1)
$(1)_OBJS := $$(patsubst %.c,$(BUILD)/programs/$(1)/%.o,$$(filter %.c,$(2))) \
	$$(patsubst %.S,$(BUILD)/programs/$(1)/%.o,$$(filter %.S,$(2)))

$(BUILD)/programs/$(1)/%.o: %.c | deps
	@mkdir -p $$(dir $$@)
	@echo "  CC      $$< ($(1))"
	$$(Q)$$(TARGET_CC) $$(USER_CFLAGS) $(3) -c $$< -o $$@

$(BUILD)/programs/$(1)/%.o: %.S | deps
	@mkdir -p $$(dir $$@)
	@echo "  AS      $$< ($(1))"
	$$(Q)$$(TARGET_CC) $$(TARGET_ASFLAGS) -c $$< -o $$@

$(BUILD)/programs/$(1).elf: $$($(1)_OBJS) $$(ULIB) $$(PROGRAM_LD) $(4)
	@echo "  LD      $$@"
	$$(Q)$$(TARGET_CC) -nostdlib -static -no-pie -Wl,-T,$$(PROGRAM_LD) -Wl,--build-id=none \
	  -o $$@ $$($(1)_OBJS) $(4) $$(ULIB) -lgcc

-include $$($(1)_OBJS:.o=.d)
endef

$(eval $(call user_program,root,$(wildcard services/root/*.c),))

# Debian's arm64 libfdt (fetched, see mk/deps.mk), for programs that read
# device trees.
LIBFDT_A := $(ARM64_ROOT)/usr/lib/aarch64-linux-gnu/libfdt.a
LIBFDT_CFLAGS := -isystem $(ARM64_ROOT)/usr/include
$(LIBFDT_A): $(ARM64_CACHE)/debs/libfdt-dev.resolved
$(eval $(call user_program,loader,$(wildcard services/loader/*.c),$(LIBFDT_CFLAGS),$(LIBFDT_A)))

# Root programs that fault on purpose, for the fault-reporting system tests.
FAULT_KINDS := undefined unmapped_read unmapped_write kernel_address
$(foreach k,$(FAULT_KINDS),$(eval $(call user_program,fault_$(k),tests/programs/fault/main.c,-DFAULT_$(shell echo $(k) | tr a-z A-Z))))

$(eval $(call user_program,kernel_fault,tests/programs/kernel_fault/main.c,))
$(eval $(call user_program,smoke,tests/programs/smoke/main.c,))
$(eval $(call user_program,vmtest,tests/programs/vmtest/main.c tests/programs/vmtest/guest.S,))
# The kernel test suite, root task of scenarios/ktest.dts.
$(eval $(call user_program,ktest,$(sort $(wildcard tests/ktest/*.c)),))

# The system-call fuzzer (tests/fuzz, mk/fuzz.mk) and reductions of what it found.
$(eval $(call user_program,fuzz,$(sort $(wildcard tests/fuzz/*.c)),))
$(foreach r,$(notdir $(wildcard tests/programs/fuzz-repro-*)),\
  $(eval $(call user_program,$(r),tests/programs/$(r)/main.c,)))

$(eval $(call user_program,bench,tests/bench/main.c,))
# Components for the services system tests.
$(eval $(call user_program,svc_echo,tests/programs/svc/echo_server.c,))
$(eval $(call user_program,svc_client,tests/programs/svc/echo_client.c,))
$(eval $(call user_program,svc_crasher,tests/programs/svc/crasher.c,))
$(eval $(call user_program,svc_hog,tests/programs/svc/hog.c,))
$(eval $(call user_program,svc_ring_server,tests/programs/svc/ring_server.c,))
$(eval $(call user_program,svc_ring_client,tests/programs/svc/ring_client.c,))

-include $(ULIB_OBJS:.o=.d)

# The console multiplexer (services/console) and the test client of its
# system test.
CONSOLE_SRCS := $(addprefix services/console/,main.c mux.c command.c cmdline.c ring.c pl011.c)
$(eval $(call user_program,console,$(CONSOLE_SRCS),))
$(eval $(call user_program,console_echo,tests/programs/console_echo/main.c,))
# Its system test boots this scenario.
system-test: $(BUILD)/boot-console-test.cpio

# The virtual machine monitor (services/vmm): one instance per VM of a
# scenario. It reads its scenario node and builds the guest's DTB with
# libfdt.
VMM_SRCS := $(wildcard services/vmm/*.c services/vmm/devices/*.c)
# General registers only: an exit handled without touching FP/SIMD costs the
# kernel no FP state switch (the guest's FP state stays in the registers).
$(eval $(call user_program,vmm,$(VMM_SRCS),$(LIBFDT_CFLAGS) -mgeneral-regs-only,$(LIBFDT_A)))
