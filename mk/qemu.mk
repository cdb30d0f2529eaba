# Booting in QEMU. tools/qemu/machine.py composes the command line (the
# system tests use the same code), prints it and runs QEMU.

.PHONY: run
run: deps all
	$(Q)CPUS='$(CPUS)' MEM='$(MEM)' QEMU_CPU='$(QEMU_CPU)' QEMU_EXTRA='$(QEMU_EXTRA)' \
	  $(PYTHON) tools/qemu/machine.py --kernel $(KERNEL_IMG) --initrd $(SCENARIO_ARCHIVE)
