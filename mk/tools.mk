# Host tools: bootpack (boot archive writer).

BOOTPACK := $(BUILD)/tools/bootpack
BOOTPACK_SRCS := tools/bootpack/bootpack.c tools/bootpack/archive.c

$(BOOTPACK): $(BOOTPACK_SRCS) tools/bootpack/bootpack.h | deps
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) -o $@ $(BOOTPACK_SRCS)
