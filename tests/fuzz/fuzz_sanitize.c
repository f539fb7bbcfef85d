/* The sanitiser between AWS text and a terminal (log lines, names, events, errors).
 * Properties:
 *   - sanitize_append / sanitize_str output is valid UTF-8 with no C0, DEL or C1 control;
 *   - sanitize_append_capped stays within its cap and is just as inert;
 *   - sanitize_is_clean(s) means sanitize_append(s) == s;
 *   - sanitize_json_text on any JSON cJSON prints gives inert text that is still JSON. */
#include <cjson/cJSON.h>

#include "util/buf.h"
#include "util/sanitize.h"
#include "tests/fuzz/fuzz.h"

FUZZ_ENTRY(sanitize)
{
    const char *s = (const char *)data;
    struct od_buf b;
    char *cstr = fuzz_cstr(data, size), *clean, *printed, *inert;
    size_t cap = 64 + (size > 0 ? (size_t)data[0] * 4 : 0);
    bool cut = false;
    cJSON *doc, *back;

    buf_init(&b, 0);
    FUZZ_ASSERT(sanitize_append(&b, s, size) == OD_OK);
    FUZZ_ASSERT(fuzz_text_is_inert(b.data != NULL ? b.data : "", b.len, false));
    if (sanitize_is_clean(s, size))
        FUZZ_ASSERT(b.len == size && (size == 0 || memcmp(b.data, s, size) == 0));
    buf_free(&b);

    buf_init(&b, 0);
    FUZZ_ASSERT(sanitize_append_capped(&b, s, size, cap, &cut) == OD_OK);
    FUZZ_ASSERT(b.len <= cap);
    FUZZ_ASSERT(fuzz_text_is_inert(b.data != NULL ? b.data : "", b.len, false));
    buf_free(&b);

    clean = sanitize_str(cstr);
    FUZZ_ASSERT(fuzz_text_is_inert(clean, strlen(clean), false));
    free(clean);

    /* Any text: must not crash. */
    inert = sanitize_json_text(cstr);
    free(inert);

    /* JSON as ondeck prints it (--json): inert and still the same JSON shape. */
    doc = cJSON_ParseWithLength(s, size);
    if (doc != NULL) {
        printed = cJSON_PrintUnformatted(doc);
        if (printed != NULL) {
            inert = sanitize_json_text(printed);
            FUZZ_ASSERT(inert != NULL);
            FUZZ_ASSERT(fuzz_text_is_inert(inert, strlen(inert), false));
            back = cJSON_Parse(inert);
            FUZZ_ASSERT(back != NULL);
            FUZZ_ASSERT(cJSON_IsObject(back) == cJSON_IsObject(doc) &&
                        cJSON_IsArray(back) == cJSON_IsArray(doc) &&
                        cJSON_GetArraySize(back) == cJSON_GetArraySize(doc));
            cJSON_Delete(back);
            free(inert);
            cJSON_free(printed);
        }
        cJSON_Delete(doc);
    }
    free(cstr);
    return 0;
}
