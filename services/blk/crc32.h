/*
 * CRC-32 as GPT uses it (IEEE 802.3, reflected, the polynomial 0xEDB88320),
 * in zlib's convention: start with 0 and feed the bytes in pieces,
 * crc = crc32_update(crc, piece, len).
 */
#ifndef SERVICES_BLK_CRC32_H
#define SERVICES_BLK_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t crc32_update(uint32_t crc, const void *buf, size_t len);

#endif
