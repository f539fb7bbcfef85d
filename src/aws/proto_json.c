/* cJSON helpers: bounded parsing, null-as-absent getters, abort-on-OOM builders. */
#include "aws/proto_json.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

/* cJSON_ParseWithLengthOpts and the checked cJSON_AddItemTo* both arrived in 1.7.13. */
#if CJSON_VERSION_MAJOR * 10000 + CJSON_VERSION_MINOR * 100 + CJSON_VERSION_PATCH < 10713
#error "cJSON 1.7.13 or newer is required"
#endif

static bool
only_space(const char *p, const char *end)
{
    for (; p < end; p++)
        if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
            return false;
    return true;
}

cJSON *
json_parse(const char *body, size_t len, struct od_error *err)
{
    const char *end = NULL;
    cJSON *j;

    if (body == NULL || len == 0 || only_space(body, body + len)) {
        if (err != NULL)
            od_error_set(err, OD_E_PARSE, "malformed JSON: empty body");
        return NULL;
    }
    j = cJSON_ParseWithLengthOpts(body, len, &end, 0);
    if (j == NULL) {
        /* cJSON reports where it stopped (or NULL on OOM, which we cannot tell apart). */
        if (err != NULL) {
            size_t at = end != NULL && end >= body && end <= body + len ? (size_t)(end - body) : 0;

            od_error_set(err, OD_E_PARSE, "malformed JSON at byte %zu of %zu", at, len);
        }
        return NULL;
    }
    if (!cJSON_IsObject(j) || end == NULL || end < body || end > body + len ||
        !only_space(end, body + len)) {
        if (err != NULL)
            od_error_set(err, OD_E_PARSE, "%s",
                         cJSON_IsObject(j) ? "malformed JSON: trailing data after the object"
                                           : "malformed JSON: top level is not an object");
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

void
json_free(cJSON **jp)
{
    cJSON_Delete(*jp);
    *jp = NULL;
}

static const cJSON *
member(const cJSON *obj, const char *key)
{
    if (obj == NULL || key == NULL || !cJSON_IsObject(obj))
        return NULL;
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

const char *
json_str(const cJSON *obj, const char *key)
{
    const cJSON *m = member(obj, key);

    return cJSON_IsString(m) ? m->valuestring : NULL;
}

char *
json_strdup(const cJSON *obj, const char *key)
{
    const char *s = json_str(obj, key);

    return s != NULL ? xstrdup(s) : NULL;
}

bool
json_num(const cJSON *obj, const char *key, double *out)
{
    const cJSON *m = member(obj, key);

    if (!cJSON_IsNumber(m) || !isfinite(m->valuedouble))
        return false;
    *out = m->valuedouble;
    return true;
}

bool
json_int(const cJSON *obj, const char *key, int64_t *out)
{
    double d;

    /* 2^63 is exactly representable; everything below it converts safely. */
    if (!json_num(obj, key, &d) || d != floor(d) || d < -9223372036854775808.0 ||
        d >= 9223372036854775808.0)
        return false;
    *out = (int64_t)d;
    return true;
}

long
json_long(const cJSON *obj, const char *key)
{
    int64_t v;

    if (!json_int(obj, key, &v) || v < (int64_t)LONG_MIN || v > (int64_t)LONG_MAX)
        return 0;
    return (long)v;
}

bool
json_bool(const cJSON *obj, const char *key, bool *out)
{
    const cJSON *m = member(obj, key);

    if (!cJSON_IsBool(m))
        return false;
    *out = cJSON_IsTrue(m);
    return true;
}

const cJSON *
json_arr(const cJSON *obj, const char *key)
{
    const cJSON *m = member(obj, key);

    return cJSON_IsArray(m) ? m : NULL;
}

const cJSON *
json_obj(const cJSON *obj, const char *key)
{
    const cJSON *m = member(obj, key);

    return cJSON_IsObject(m) ? m : NULL;
}

size_t
json_arr_len(const cJSON *obj, const char *key)
{
    const cJSON *a = json_arr(obj, key);
    int n = a != NULL ? cJSON_GetArraySize(a) : 0;

    return n > 0 ? (size_t)n : 0;
}

/* Epoch seconds within a sane range for time_t and for millisecond arithmetic. */
#define EPOCH_MAX 253402300799.0 /* 9999-12-31T23:59:59Z */

bool
json_time(const cJSON *obj, const char *key, time_t *out)
{
    double d;

    if (!json_num(obj, key, &d) || d < 0 || d > EPOCH_MAX)
        return false;
    *out = (time_t)floor(d);
    return true;
}

bool
json_time_ms(const cJSON *obj, const char *key, int64_t *out_ms)
{
    double d;

    if (!json_num(obj, key, &d) || d < 0 || d > EPOCH_MAX)
        return false;
    *out_ms = (int64_t)llround(d * 1000.0);
    return true;
}

bool
json_epoch_ms(const cJSON *obj, const char *key, int64_t *out_ms)
{
    int64_t v;

    if (!json_int(obj, key, &v) || v < 0 || v > (int64_t)(EPOCH_MAX * 1000.0))
        return false;
    *out_ms = v;
    return true;
}

static cJSON *
must(cJSON *item)
{
    if (item == NULL)
        od_fatal("cJSON: out of memory");
    return item;
}

cJSON *
json_new_object(void)
{
    return must(cJSON_CreateObject());
}

cJSON *
json_new_array(void)
{
    return must(cJSON_CreateArray());
}

static void
add(cJSON *obj, const char *key, cJSON *item)
{
    if (!cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        od_fatal("cJSON: out of memory");
    }
}

void
json_add_str(cJSON *obj, const char *key, const char *value)
{
    if (value != NULL)
        add(obj, key, must(cJSON_CreateString(value)));
}

void
json_add_num(cJSON *obj, const char *key, double value)
{
    add(obj, key, must(cJSON_CreateNumber(value)));
}

void
json_add_bool(cJSON *obj, const char *key, bool value)
{
    add(obj, key, must(cJSON_CreateBool(value)));
}

void
json_add_strs(cJSON *obj, const char *key, const char *const *values, size_t n)
{
    cJSON *arr = json_add_array(obj, key);
    size_t i;

    for (i = 0; i < n; i++)
        json_push_str(arr, values[i]);
}

cJSON *
json_add_object(cJSON *obj, const char *key)
{
    cJSON *c = json_new_object();

    add(obj, key, c);
    return c;
}

cJSON *
json_add_array(cJSON *obj, const char *key)
{
    cJSON *c = json_new_array();

    add(obj, key, c);
    return c;
}

static void
push(cJSON *arr, cJSON *item)
{
    if (!cJSON_AddItemToArray(arr, item)) {
        cJSON_Delete(item);
        od_fatal("cJSON: out of memory");
    }
}

void
json_push_str(cJSON *arr, const char *value)
{
    push(arr, must(cJSON_CreateString(value != NULL ? value : "")));
}

cJSON *
json_push_object(cJSON *arr)
{
    cJSON *c = json_new_object();

    push(arr, c);
    return c;
}

char *
json_print(const cJSON *item)
{
    char *s = cJSON_PrintUnformatted(item);
    char *copy;

    if (s == NULL)
        od_fatal("cJSON: out of memory");
    /* cJSON may use custom hooks; hand out memory the caller frees with free(). */
    copy = xstrdup(s);
    cJSON_free(s);
    return copy;
}

char *
json_print_free(cJSON *item)
{
    char *s = json_print(item);

    cJSON_Delete(item);
    return s;
}

size_t
json_count_objects(const cJSON *obj, const char *key)
{
    const cJSON *it;
    size_t n = 0;

    JSON_FOREACH(it, obj, key)
        if (cJSON_IsObject(it))
            n++;
    return n;
}

bool
json_list_absent_or_array(const cJSON *root, const char *key)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, key);

    return m == NULL || cJSON_IsNull(m) || cJSON_IsArray(m);
}

cJSON *
json_parse_with_list(const char *body, size_t len, const char *key, const char *what,
                     struct od_error *err)
{
    cJSON *root = json_parse(body, len, err);

    if (root == NULL)
        return NULL;
    if (!json_list_absent_or_array(root, key)) {
        od_error_set(err, OD_E_PARSE, "%s response: \"%s\" is not an array", what, key);
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}
