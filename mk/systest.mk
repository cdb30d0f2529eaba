# System tests: pytest boots real QEMU machines (tests/system). Everything a
# test boots is built first. PYTEST_ARGS passes options, e.g. -k boot.

PYTEST_ARGS ?=
SYSTEST_PROGRAMS = $(PROGRAMS:%=$(BUILD)/programs/%.elf)

.PHONY: system-test
system-test: deps $(KERNEL_IMG) $(TEST_KERNEL_IMG) $(BUILD)/boot-services-test.cpio $(SCENARIO_ARCHIVE) $$(SYSTEST_PROGRAMS) $(BOOTPACK) \
	$(BUILD)/boot-ktest.cpio
	$(Q)BUILD=$(abspath $(BUILD)) $(PYTHON) -m pytest -p no:cacheprovider tests/system $(PYTEST_ARGS)
