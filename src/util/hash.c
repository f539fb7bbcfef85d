#include "util/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

void
hash_hex(const unsigned char *in, size_t len, char *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }
    out[2 * len] = '\0';
}

static void
digest(const EVP_MD *md, const void *data, size_t len, unsigned char *out)
{
    unsigned int outlen = 0;

    if (EVP_Digest(data, len, out, &outlen, md, NULL) != 1)
        od_fatal("EVP_Digest failed");
}

void
hash_sha256(const void *data, size_t len, unsigned char out[OD_SHA256_LEN])
{
    digest(EVP_sha256(), data, len, out);
}

void
hash_sha256_hex(const void *data, size_t len, char out[OD_SHA256_HEX_LEN])
{
    unsigned char raw[OD_SHA256_LEN];

    hash_sha256(data, len, raw);
    hash_hex(raw, sizeof raw, out);
}

void
hash_sha1_hex(const void *data, size_t len, char out[OD_SHA1_HEX_LEN])
{
    unsigned char raw[20];

    digest(EVP_sha1(), data, len, raw);
    hash_hex(raw, sizeof raw, out);
}

void
hash_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
                 unsigned char out[OD_SHA256_LEN])
{
    unsigned int outlen = 0;

    if (HMAC(EVP_sha256(), key, (int)keylen, data, len, out, &outlen) == NULL)
        od_fatal("HMAC failed");
}

void
secure_zero(void *p, size_t len)
{
    if (p != NULL && len > 0)
        OPENSSL_cleanse(p, len);
}

void
secure_free_str(char **s)
{
    if (*s != NULL) {
        secure_zero(*s, strlen(*s));
        free(*s);
        *s = NULL;
    }
}

void
hash_random(void *p, size_t len)
{
    if (RAND_bytes(p, (int)len) != 1)
        od_fatal("RAND_bytes failed");
}
