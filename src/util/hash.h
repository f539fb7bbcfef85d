/* The only user of libcrypto: SHA-256, HMAC-SHA256, SHA-1 (SSO cache names), secure wipe. */
#ifndef OD_HASH_H
#define OD_HASH_H

#include <stddef.h>

#define OD_SHA256_LEN 32
#define OD_SHA256_HEX_LEN 65 /* 64 hex digits + NUL */
#define OD_SHA1_HEX_LEN 41

void hash_sha256(const void *data, size_t len, unsigned char out[OD_SHA256_LEN]);
void hash_sha256_hex(const void *data, size_t len, char out[OD_SHA256_HEX_LEN]);
void hash_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
                      unsigned char out[OD_SHA256_LEN]);
void hash_sha1_hex(const void *data, size_t len, char out[OD_SHA1_HEX_LEN]);
void hash_hex(const unsigned char *in, size_t len, char *out); /* out holds 2*len+1 */
/* Wipe memory the compiler may not optimise away (secrets). */
void secure_zero(void *p, size_t len);
/* Wipe a string's bytes and free it; sets *s to NULL. */
void secure_free_str(char **s);
/* Random bytes for ids and jitter (not for keys). */
void hash_random(void *p, size_t len);

#endif
