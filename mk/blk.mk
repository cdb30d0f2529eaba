# The block server (services/blk), the driver side of virtio it uses
# (lib/virtio, built into the user library with the rest of lib/), its test
# client and scenario, and their host unit tests.
#
#   make host-test                               includes the tests below
#   make system-test PYTEST_ARGS="-q -k blk"     tests/system/test_blk.py

BLK_SRCS := $(addprefix services/blk/,main.c io.c disk.c port.c check.c params.c part.c crc32.c)
$(eval $(call user_program,blk,$(BLK_SRCS),))
$(eval $(call user_program,blk_client,tests/programs/blk_client/main.c services/blk/client.c,))
# Its system test boots this scenario. The archive rule (mk/image.mk) and
# system-test (mk/systest.mk) expanded the program list before these
# programs were declared, so they are named here.
BLK_PROGRAM_ELFS := $(BUILD)/programs/blk.elf $(BUILD)/programs/blk_client.elf
$(BUILD)/boot-blk-test.cpio: $(BLK_PROGRAM_ELFS)
system-test: $(BUILD)/boot-blk-test.cpio $(BLK_PROGRAM_ELFS)

# Host unit tests: virtqueues and DMA segments; the port parameters, the
# partition tables, and the server's side of the ring driven by the client
# library.
BLK_HEADERS := $(wildcard services/blk/*.h lib/virtio/*.h) lib/ring/queue.h
$(eval $(call host_test,virtio_virtq_test,lib/virtio/test/virtq_test.c lib/virtio/virtq.c \
	lib/virtio/dma.c))
$(eval $(call host_test,blk_params_test,services/blk/test/params_test.c services/blk/params.c))
$(eval $(call host_test,blk_part_test,services/blk/test/part_test.c services/blk/part.c \
	services/blk/crc32.c))
$(eval $(call host_test,blk_port_test,services/blk/test/port_test.c services/blk/port.c \
	services/blk/check.c services/blk/client.c lib/ring/queue.c))
BLK_HOST_TESTS := $(addprefix $(BUILD)/host-tests/,virtio_virtq_test blk_params_test \
	blk_part_test blk_port_test)
$(BLK_HOST_TESTS): $(BLK_HEADERS)
$(BLK_HOST_TESTS): HOST_TEST_CFLAGS += -Ilib -Iservices
# host-test's prerequisites were expanded above, before these lines.
host-test: $(BLK_HOST_TESTS)
