/* Shared helpers for the libFuzzer targets in tests/fuzz/.
 *
 * Each fuzz_NAME.c defines its entry point with FUZZ_ENTRY(NAME). Built with --enable-fuzzing
 * (clang, -fsanitize=fuzzer) it becomes LLVMFuzzerTestOneInput of its own binary
 * tests/fuzz/fuzz_NAME; built normally, every target is compiled into tests/fuzz/replay (with
 * FUZZ_REPLAY defined), which feeds each corpus tests/fuzz/corpus/NAME/ through its target, so
 * the corpora and the regression seeds run in every `make check` (and under valgrind/ASan).
 *
 * Targets check properties, not just survival: FUZZ_ASSERT aborts (a crash libFuzzer reports)
 * when a decoder breaks its contract, for example returning an error without an od_error, or
 * when text meant for a terminal still carries a control byte. */
#ifndef OD_FUZZ_H
#define OD_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

#ifdef FUZZ_REPLAY
#define FUZZ_ENTRY(name)                                                                           \
    int fuzz_##name(const uint8_t *data, size_t size);                                             \
    int fuzz_##name(const uint8_t *data, size_t size)
#else
#define FUZZ_ENTRY(name)                                                                           \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);                                  \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#endif

/* Every target, in one list: the replay driver expands it into declarations and a table. The
 * theme target lives with the console library and is listed separately (FUZZ_UI_TARGETS). */
#define FUZZ_TARGETS(X)                                                                            \
    X(ecs_arn_list)                                                                                \
    X(ecs_clusters)                                                                                \
    X(ecs_services)                                                                                \
    X(ecs_tasks)                                                                                   \
    X(ecs_container_instances)                                                                     \
    X(ecs_task_definition)                                                                         \
    X(cw_metric_data)                                                                              \
    X(cw_alarms)                                                                                   \
    X(elbv2_target_groups)                                                                         \
    X(elbv2_target_health)                                                                         \
    X(elbv2_load_balancers)                                                                        \
    X(cf_distributions)                                                                            \
    X(cf_invalidations)                                                                            \
    X(cf_invalidation)                                                                             \
    X(sts_identity)                                                                                \
    X(proto_error)                                                                                 \
    X(ini)                                                                                         \
    X(profiles)                                                                                    \
    X(creds_process)                                                                               \
    X(creds_json)                                                                                  \
    X(settings)                                                                                    \
    X(sanitize)                                                                                    \
    X(logs_filter_log_events)                                                                      \
    X(logs_get_log_events)                                                                         \
    X(logs_describe_log_streams)                                                                   \
    X(ecr_images)                                                                                  \
    X(aas_scaling)                                                                                 \
    X(logs_insights)

/* Targets over the console library (ui/), linked with libondeck_ui.a. */
#define FUZZ_UI_TARGETS(X) X(theme)

#define FUZZ_ASSERT(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond);            \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* A NUL-terminated copy of the input (for APIs that take C strings); free() it. */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s == NULL)
        abort();
    if (size > 0)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* The decoder contract: OD_OK leaves err empty; a failure says what failed. */
static inline void
fuzz_check_result(enum od_err rc, const struct od_error *err)
{
    if (rc == OD_OK) {
        FUZZ_ASSERT(err->err == OD_OK);
    } else {
        FUZZ_ASSERT(rc > OD_OK && rc < OD_E__COUNT);
        FUZZ_ASSERT(err->err != OD_OK);
    }
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid (overlong forms,
 * surrogates and code points past U+10FFFF are invalid). */
static inline size_t
fuzz_utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len, i;
    uint32_t c;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
        c = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        c = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        c = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
        (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

/* Text a terminal may receive: valid UTF-8 with no C0 control (newline allowed when
 * allow_nl), no DEL, no C1 control (U+0080..U+009F). */
static inline bool
fuzz_text_is_inert(const char *s, size_t n, bool allow_nl)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, l;
    uint32_t cp;

    while (i < n) {
        if ((l = fuzz_utf8_len(p + i, n - i, &cp)) == 0)
            return false;
        if ((cp < 0x20 && !(allow_nl && cp == '\n')) || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
            return false;
        i += l;
    }
    return true;
}

#endif
