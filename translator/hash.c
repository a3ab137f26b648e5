/* hash.c - SHA-256 as FIPS 180-4 specifies it (see hash.h).
 *
 * Speed matters a little: a cached `stap -p4` hashes the runtime sources
 * and the kernel's autoconf.h and .config (about 0.5 MB) on every run, so
 * the compression function works on whole 64-byte blocks straight from
 * the caller's buffer when it can.
 */
#include "config.h"

#include "hash.h"

#include <string.h>

static const uint32_t k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t rotr(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

/* One 64-byte block into the state. */
static void compress(uint32_t st[8], const unsigned char *p)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = st[0], b = st[1], c = st[2], d = st[3];
	uint32_t e = st[4], f = st[5], g = st[6], h = st[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) +
			      k[i] + w[i];
		uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	st[0] += a; st[1] += b; st[2] += c; st[3] += d;
	st[4] += e; st[5] += f; st[6] += g; st[7] += h;
}

void hash_init(struct hash *h)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};
	memcpy(h->state, iv, sizeof(iv));
	h->total = 0;
	h->used = 0;
}

void hash_bytes(struct hash *h, const void *data, size_t len)
{
	const unsigned char *p = data;
	h->total += len;
	if (h->used) {
		size_t take = 64 - h->used < len ? 64 - h->used : len;
		memcpy(h->block + h->used, p, take);
		h->used += take;
		p += take;
		len -= take;
		if (h->used < 64)
			return;
		compress(h->state, h->block);
		h->used = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		compress(h->state, p);
	memcpy(h->block, p, len);
	h->used = len;
}

void hash_str(struct hash *h, const char *s)
{
	hash_bytes(h, s ? s : "", (s ? strlen(s) : 0) + 1);
}

void hash_u64(struct hash *h, uint64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (56 - 8 * i));
	hash_bytes(h, b, sizeof(b));
}

void hash_final(struct hash *h, unsigned char out[HASH_LEN])
{
	uint64_t bits = h->total * 8;
	static const unsigned char pad[64] = { 0x80 };
	/* 0x80, zeros up to 56 mod 64, then the 64-bit length. */
	size_t padlen = h->used < 56 ? 56 - h->used : 120 - h->used;
	hash_bytes(h, pad, padlen);
	hash_u64(h, bits);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(h->state[i] >> 24);
		out[4 * i + 1] = (unsigned char)(h->state[i] >> 16);
		out[4 * i + 2] = (unsigned char)(h->state[i] >> 8);
		out[4 * i + 3] = (unsigned char)h->state[i];
	}
}

void hash_hex(struct hash *h, char out[HASH_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char bin[HASH_LEN];
	hash_final(h, bin);
	for (int i = 0; i < HASH_LEN; i++) {
		out[2 * i] = digits[bin[i] >> 4];
		out[2 * i + 1] = digits[bin[i] & 15];
	}
	out[HASH_HEX_LEN] = '\0';
}
