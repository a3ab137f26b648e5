/* hash.h - SHA-256 (FIPS 180-4), for the module cache key.
 *
 * The cache names a module by a hash of everything that shapes it
 * (cache.c); a cryptographic hash makes an accidental collision, which
 * would load the wrong module, not a practical concern.  Written here
 * rather than linked from a library so the translator gains no dependency.
 *
 *	struct hash h;
 *	hash_init(&h);
 *	hash_bytes(&h, p, n); hash_str(&h, "name"); ...
 *	hash_hex(&h, hex);          hex: HASH_HEX_LEN + 1 bytes
 */
#ifndef STAP_HASH_H
#define STAP_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_LEN 32
#define HASH_HEX_LEN (2 * HASH_LEN)

struct hash {
	uint32_t state[8];
	uint64_t total;          /* bytes fed so far */
	unsigned char block[64]; /* the partial block */
	size_t used;             /* bytes of it filled */
};

void hash_init(struct hash *h);
void hash_bytes(struct hash *h, const void *data, size_t len);
/* A string and its terminating NUL, so "ab"+"c" differs from "a"+"bc". */
void hash_str(struct hash *h, const char *s);
/* A number, in a fixed 8-byte encoding. */
void hash_u64(struct hash *h, uint64_t v);
/* Finish: out gets HASH_LEN bytes.  h must be re-initialized to reuse. */
void hash_final(struct hash *h, unsigned char out[HASH_LEN]);
/* Finish as lowercase hex, NUL-terminated. */
void hash_hex(struct hash *h, char out[HASH_HEX_LEN + 1]);

#endif
