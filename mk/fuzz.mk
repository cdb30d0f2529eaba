# The system-call fuzzer (tests/fuzz/README.md). Its boot archive is the fuzz
# scenario's plus fuzz.conf, which carries the seed and the number of calls:
#
#   make run SCENARIO=fuzz FUZZ_SEED=7 FUZZ_ITERS=100000
#
# fuzz.conf is rewritten only when the values change, so the archive is
# rebuilt exactly then.

FUZZ_SEED ?= 1
FUZZ_ITERS ?= 200000
FUZZ_CONF := $(BUILD)/fuzz/fuzz.conf
FUZZ_ARCHIVE := $(BUILD)/boot-fuzz.cpio
FUZZ_NUMBER := ^([0-9]+|0x[0-9a-fA-F]+)$$

.PHONY: fuzz-conf-check
fuzz-conf-check:
	@echo '$(FUZZ_SEED)' | grep -Eq '$(FUZZ_NUMBER)' || \
	  { echo "FUZZ_SEED must be a number: '$(FUZZ_SEED)'" >&2; exit 1; }
	@echo '$(FUZZ_ITERS)' | grep -Eq '$(FUZZ_NUMBER)' || \
	  { echo "FUZZ_ITERS must be a number: '$(FUZZ_ITERS)'" >&2; exit 1; }
	@mkdir -p $(dir $(FUZZ_CONF))
	@echo 'seed=$(FUZZ_SEED) iters=$(FUZZ_ITERS)' > $(FUZZ_CONF).new
	@if cmp -s $(FUZZ_CONF).new $(FUZZ_CONF); then rm $(FUZZ_CONF).new; \
	  else mv $(FUZZ_CONF).new $(FUZZ_CONF); fi

$(FUZZ_CONF): fuzz-conf-check
	@:

# The scenario tool checks the scenario and compiles it; the archive is then
# written again with fuzz.conf added (the scenario names no components, so
# root and system.dtb are all there is to keep).
$(FUZZ_ARCHIVE): scenarios/fuzz.dts $(SCENARIO_TOOL) $(BOOTPACK) $(ALL_PROGRAM_ELFS) $(FUZZ_CONF)
	@mkdir -p $(BUILD)/scenarios
	@echo "  PACK    $@ ($$(cat $(FUZZ_CONF)))"
	$(Q)$(SCENARIO_TOOL) pack -o $@.scenario --root $(BUILD)/programs/fuzz.elf \
	  --programs $(BUILD)/programs --images $(GUEST_DIR) --machine-memory $(MEM) \
	  --machine-cpus $(CPUS) --dtb $(BUILD)/scenarios/fuzz.dtb $<
	$(Q)rm -f $@.scenario
	$(Q)$(BOOTPACK) -o $@ root=$(BUILD)/programs/fuzz.elf \
	  system.dtb=$(BUILD)/scenarios/fuzz.dtb fuzz.conf=$(FUZZ_CONF)

# The fuzzing threads run root's text in a sandbox where root's data is not
# mapped: their code must not touch global variables. It may call only
# these functions of other files.
FUZZ_SANDBOX_OBJS := $(BUILD)/programs/fuzz/tests/fuzz/fuzzer.o $(BUILD)/programs/fuzz/tests/fuzz/args.o
FUZZ_SANDBOX_CALLS := bt_debug_write bt_thread_exit gen_arg gen_bad_call gen_belief gen_have gen_init gen_ipc_buffer \
	gen_learn gen_learn_foreign fuzzer_main memcpy memset

$(BUILD)/fuzz/sandbox-code.ok: $(FUZZ_SANDBOX_OBJS)
	@mkdir -p $(dir $@)
	$(Q)for o in $^; do \
	  if $(CROSS)objdump -h $$o | awk '$$2 ~ /^\.(data|bss)/ && $$3 !~ /^0+$$/ {bad=1} END {exit !bad}'; then \
	    echo "$$o: sandbox code has global variables" >&2; exit 1; fi; \
	  for s in $$($(CROSS)nm -u $$o | awk '{print $$2}'); do \
	    case " $(FUZZ_SANDBOX_CALLS) " in *" $$s "*) ;; \
	    *) echo "$$o: sandbox code uses $$s (not in FUZZ_SANDBOX_CALLS)" >&2; exit 1;; esac; \
	  done; \
	done
	@touch $@

$(BUILD)/programs/fuzz.elf: $(BUILD)/fuzz/sandbox-code.ok
