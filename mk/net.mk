# The network switch (services/net): a native driver for QEMU's virtio-net
# device and a learning L2 switch between its clients' rings and that
# uplink; its host unit tests; the test clients and the scenario of its
# system test (tests/system/test_net.py).

NET_SRCS := $(addprefix services/net/,main.c engine.c switch.c fdb.c params.c port.c \
	uplink.c)
NET_HEADERS := $(wildcard services/net/*.h)
$(eval $(call user_program,net,$(NET_SRCS),))

# A test client: answers ARP and ICMP echo, and sends what its args say.
$(eval $(call user_program,net_client,tests/programs/net_client/main.c services/net/client.c,))

# Host unit tests of the pure parts.
$(eval $(call host_test,net_params_test,services/net/test/params_test.c services/net/params.c))
$(eval $(call host_test,net_fdb_test,services/net/test/fdb_test.c services/net/fdb.c))
$(eval $(call host_test,net_switch_test,services/net/test/switch_test.c services/net/switch.c \
	services/net/fdb.c services/net/params.c))
$(eval $(call host_test,net_ring_test,services/net/test/ring_test.c services/net/port.c \
	services/net/client.c lib/ring/queue.c))
$(eval $(call host_test,net_engine_test,services/net/test/engine_test.c services/net/engine.c \
	services/net/switch.c services/net/fdb.c services/net/params.c services/net/port.c \
	services/net/client.c lib/ring/queue.c kernel/lib/format.c))
NET_HOST_TESTS := $(addprefix $(BUILD)/host-tests/,net_params_test net_fdb_test net_switch_test \
	net_ring_test net_engine_test)
$(NET_HOST_TESTS): $(NET_HEADERS) lib/ring/queue.h
$(NET_HOST_TESTS): HOST_TEST_CFLAGS += -Iservices -Ilib
# host-test's prerequisites were expanded before this file was read.
host-test: $(NET_HOST_TESTS)

# The system test boots this scenario. The boot archives' rule (mk/image.mk)
# expanded its list of programs before these were declared: name them.
$(BUILD)/boot-net-test.cpio: $(BUILD)/programs/net.elf $(BUILD)/programs/net_client.elf
system-test: $(BUILD)/boot-net-test.cpio
