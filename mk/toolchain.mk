# Compilers and flags. Target code is freestanding C11 for AArch64 (Armv8.1,
# the oldest architecture with VHE); host code is tools and unit tests.

CROSS ?= aarch64-linux-gnu-
TARGET_CC := $(CROSS)gcc
TARGET_OBJCOPY := $(CROSS)objcopy
TARGET_AR := $(CROSS)ar
HOST_CC ?= gcc

# Common to everything that runs on the target. No PIC (addresses are fixed
# at link time), no stack protector or outline atomics (no libc to call),
# frame pointers kept for backtraces.
TARGET_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-ffreestanding -fno-common -fno-pie -fno-pic -fno-stack-protector \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -mno-outline-atomics \
	-fno-asynchronous-unwind-tables -fno-unwind-tables -march=armv8.1-a \
	-mbranch-protection=none -MMD -MP -Iabi/include

TARGET_ASFLAGS := -march=armv8.1-a -MMD -MP -Iabi/include

# Target code sees only gcc's own freestanding headers (stddef.h, stdint.h,
# limits.h, ...) and the project's: never the host's /usr/include, which
# Debian's cross compiler would otherwise search. Looked up once, when first
# used (the compiler may be installed by the deps step of the same run).
TARGET_INCLUDE = $(eval TARGET_INCLUDE := -nostdinc -isystem $$(shell \
	$(TARGET_CC) -print-file-name=include))$(TARGET_INCLUDE)

HOST_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -Wshadow -D_DEFAULT_SOURCE -MMD -MP
HOST_SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
