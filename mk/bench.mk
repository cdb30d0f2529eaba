# Benchmarks: `make bench` measures, in retired instructions under a fixed
# QEMU icount, the kernel's micro-benchmarks (tools/bench/kernel_bench.py)
# and writes build/bench.json; docs/benchmarks.md explains the method.

.PHONY: bench bench-kernel
bench: bench-kernel

bench-kernel: deps $(TEST_KERNEL_IMG) $(BUILD)/boot-bench.cpio
	$(Q)$(PYTHON) tools/bench/kernel_bench.py --kernel $(TEST_KERNEL_IMG) \
	  --archive $(BUILD)/boot-bench.cpio -o $(BUILD)/bench.json
