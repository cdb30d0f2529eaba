# Dependencies from Debian's archive (see ../shared/ARCHITECTURE.md §6).
#
# Host packages are installed with apt when missing (tools/deps/install-host
# asks dpkg first, so this costs nothing once they are there). arm64 packages
# are downloaded, never installed, and unpacked under $(CACHE)/arm64/root.
# Every rule that runs a tool from these packages has "| deps" as an
# order-only prerequisite: the check runs first but never forces a rebuild.

ARM64_CACHE := $(CACHE)/arm64
ARM64_ROOT := $(ARM64_CACHE)/root
ARM64_PACKAGES := libfdt-dev
ARM64_STAMPS := $(ARM64_PACKAGES:%=$(ARM64_CACHE)/debs/%.resolved)

.PHONY: deps deps-host
deps: deps-host $(ARM64_STAMPS)

deps-host:
	$(Q)tools/deps/install-host

$(ARM64_CACHE)/debs/%.resolved: | deps-host
	$(Q)tools/deps/fetch-arm64 $(ARM64_CACHE) $*
