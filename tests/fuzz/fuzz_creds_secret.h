/* Shared by the credential-document targets: an error about a credential document must
 * never quote its secret or its session token.
 *
 * The check is differential, so text that merely happens to equal the secret (a fixed word
 * of the message, another field quoted on purpose) is no false alarm: when the secret's
 * value occurs in the error message, the document is parsed again with that value replaced
 * by a different string of the same length; if the message still holds the old value, it
 * came from elsewhere; if it holds the new value, the parser quoted the secret. */
#ifndef OD_FUZZ_CREDS_SECRET_H
#define OD_FUZZ_CREDS_SECRET_H

#include <cjson/cJSON.h>

#include "tests/fuzz/fuzz.h"

/* Secrets shorter than this could occur in a message by chance ("1", "the"). */
#define FUZZ_SECRET_MIN 8

/* Parse a document and return its error message (malloc'd) or NULL when it parsed. */
typedef char *(*fuzz_creds_parse_fn)(const char *doc, size_t len);

static inline void
fuzz_check_no_secret(const uint8_t *data, size_t size, const char *const *secret_keys,
                     const struct od_error *err, fuzz_creds_parse_fn parse)
{
    cJSON *doc = cJSON_ParseWithLength((const char *)data, size);

    for (size_t i = 0; secret_keys[i] != NULL && err->message != NULL; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, secret_keys[i]);
        char *s, *other, *text, *msg2;
        size_t n;

        if (!cJSON_IsString(v) || v->valuestring == NULL)
            continue;
        n = strlen(v->valuestring);
        if (n < FUZZ_SECRET_MIN || strstr(err->message, v->valuestring) == NULL)
            continue;
        s = fuzz_cstr((const uint8_t *)v->valuestring, n);
        other = fuzz_cstr((const uint8_t *)v->valuestring, n);
        for (size_t k = 0; k < n; k++)
            other[k] = s[k] == 'Q' ? 'Z' : 'Q';
        cJSON_ReplaceItemInObjectCaseSensitive(doc, secret_keys[i], cJSON_CreateString(other));
        text = cJSON_PrintUnformatted(doc);
        msg2 = text != NULL ? parse(text, strlen(text)) : NULL;
        /* The new value must not show up in the message (unless it was there already). */
        if (msg2 != NULL && strstr(err->message, other) == NULL)
            FUZZ_ASSERT(strstr(msg2, other) == NULL);
        free(msg2);
        cJSON_free(text);
        free(other);
        free(s);
    }
    cJSON_Delete(doc);
}

#endif
