/*
 * core/cksum.h - the checksum of the spool's records and of backups:
 * 64-bit multiply-xorshift over 8-byte words. It catches torn and
 * garbled writes at memory speed; it is not a defence against forgery.
 */
#ifndef VIGIE_CKSUM_H
#define VIGIE_CKSUM_H

#include <stddef.h>
#include <stdint.h>

/* h updated over len bytes of buf, taken as one piece. */
uint64_t	cksum_update(uint64_t h, const void *buf, size_t len);

#endif
