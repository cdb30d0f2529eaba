/*
 * The C library's <stdlib.h> for native components: what lib/c provides.
 */
#ifndef LIB_INCLUDE_STDLIB_H
#define LIB_INCLUDE_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *s, char **end, int base);

#endif
