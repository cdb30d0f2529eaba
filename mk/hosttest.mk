# Host unit tests (cmocka), built for the host with AddressSanitizer and
# UndefinedBehaviorSanitizer. A test is declared with
#     $(eval $(call host_test,NAME,SOURCES))
# where SOURCES are the test file and the code under test.

HOST_TEST_CFLAGS := $(filter-out -MMD -MP,$(HOST_CFLAGS)) $(HOST_SANITIZE) -Ikernel -Iabi/include -Itools
HOST_TEST_HEADERS = $(wildcard kernel/lib/*.h abi/include/abi/*.h tools/*/*.h)
HOST_TESTS :=

define host_test
HOST_TESTS += $(BUILD)/host-tests/$(1)
$(BUILD)/host-tests/$(1): $(2) $$(HOST_TEST_HEADERS) | deps
	@mkdir -p $$(dir $$@)
	@echo "  HOSTCC  $$@"
	$$(Q)$$(HOST_CC) $$(HOST_TEST_CFLAGS) -o $$@ $(2) -lcmocka -lfdt
endef

$(eval $(call host_test,dtb_test,kernel/lib/test/dtb_test.c kernel/lib/dtb.c))
$(eval $(call host_test,cpio_test,kernel/lib/test/cpio_test.c kernel/lib/cpio.c tools/bootpack/archive.c))
$(eval $(call host_test,elf_test,kernel/lib/test/elf_test.c kernel/lib/elf.c kernel/lib/format.c))
$(eval $(call host_test,format_test,kernel/lib/test/format_test.c kernel/lib/format.c))
$(eval $(call host_test,ring_queue_test,lib/ring/test/queue_test.c lib/ring/queue.c))
$(BUILD)/host-tests/ring_queue_test: lib/ring/queue.h
$(BUILD)/host-tests/ring_queue_test: HOST_TEST_CFLAGS += -Ilib

.PHONY: host-test
host-test: $(HOST_TESTS)
	$(Q)for t in $(HOST_TESTS); do echo "  RUN     $$t"; $$t || exit 1; done

# The console multiplexer's pure logic (services/console).
CONSOLE_HEADERS := $(wildcard services/console/*.h)
$(eval $(call host_test,console_ring_test,services/console/test/ring_test.c services/console/ring.c))
$(eval $(call host_test,console_cmdline_test,services/console/test/cmdline_test.c \
	services/console/cmdline.c))
$(eval $(call host_test,console_mux_test,services/console/test/mux_test.c services/console/mux.c \
	services/console/command.c services/console/cmdline.c services/console/ring.c \
	kernel/lib/format.c))
CONSOLE_HOST_TESTS := $(addprefix $(BUILD)/host-tests/,console_ring_test console_cmdline_test \
	console_mux_test)
$(CONSOLE_HOST_TESTS): $(CONSOLE_HEADERS)
# host-test's prerequisites were expanded above, before these lines.
host-test: $(CONSOLE_HOST_TESTS)

# The VMM's pure logic (services/vmm): the MMIO table, the vGIC, the PL011,
# PSCI, the Image loader's layout, the guest DTB and the scenario node.
VMM_HEADERS := $(wildcard services/vmm/*.h services/vmm/devices/*.h)
$(eval $(call host_test,vmm_mmio_test,services/vmm/test/mmio_test.c services/vmm/mmio.c))
$(eval $(call host_test,vmm_vgic_test,services/vmm/test/vgic_test.c \
	services/vmm/devices/vgic.c services/vmm/devices/vgic_dist.c \
	services/vmm/devices/vgic_redist.c))
$(eval $(call host_test,vmm_pl011_test,services/vmm/test/pl011_test.c \
	services/vmm/devices/pl011.c))
$(eval $(call host_test,vmm_psci_test,services/vmm/test/psci_test.c services/vmm/psci.c))
$(eval $(call host_test,vmm_image_test,services/vmm/test/image_test.c services/vmm/image.c))
$(eval $(call host_test,vmm_guest_dt_test,services/vmm/test/guest_dt_test.c \
	services/vmm/guest_dt.c))
$(eval $(call host_test,vmm_config_test,services/vmm/test/config_test.c services/vmm/config.c))
VMM_HOST_TESTS := $(addprefix $(BUILD)/host-tests/,vmm_mmio_test vmm_vgic_test vmm_pl011_test \
	vmm_psci_test vmm_image_test vmm_guest_dt_test vmm_config_test)
$(VMM_HOST_TESTS): $(VMM_HEADERS)
$(VMM_HOST_TESTS): HOST_TEST_CFLAGS += -Iservices
# host-test's prerequisites were expanded above, before these lines.
host-test: $(VMM_HOST_TESTS)
