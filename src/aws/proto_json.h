/* cJSON helpers for the JSON-protocol services (ECS, ECR, Logs, CloudWatch-JSON) and the
 * credential documents.
 *
 * Reading: every getter takes a possibly-NULL object and a key, matches the key case-
 * sensitively (CloudWatch is UpperCamel, ECS lowerCamel), and treats JSON null, a missing
 * member and a member of the wrong type alike: "absent" (NULL or false, *out untouched).
 * Returned cJSON and const char * values are borrowed from the tree; json_strdup copies.
 *
 * Building: the json_new/json_add_* helpers abort on allocation failure like xmalloc, so
 * request encoders need no checks. json_add_* with a NULL value adds nothing (an omitted
 * optional member). Items added belong to their parent (cJSON_AddItemTo* rule).
 */
#ifndef OD_PROTO_JSON_H
#define OD_PROTO_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "util/err.h"

/* Parse exactly len bytes (need not be NUL-terminated). The document must be one JSON
 * object with nothing but white space after it. NULL with err set (OD_E_PARSE; err may be
 * NULL) on failure. Free with cJSON_Delete or json_free. */
cJSON *json_parse(const char *body, size_t len, struct od_error *err);
void json_free(cJSON **jp);

const char *json_str(const cJSON *obj, const char *key);  /* string member, borrowed */
char *json_strdup(const cJSON *obj, const char *key);     /* malloc'd copy, or NULL */
bool json_num(const cJSON *obj, const char *key, double *out);
/* Integral number that fits in int64_t (a fraction is refused). */
bool json_int(const cJSON *obj, const char *key, int64_t *out);
bool json_bool(const cJSON *obj, const char *key, bool *out);
const cJSON *json_arr(const cJSON *obj, const char *key); /* array member, borrowed */
const cJSON *json_obj(const cJSON *obj, const char *key); /* object member, borrowed */
/* Number of elements of the array member key (0 when absent). */
size_t json_arr_len(const cJSON *obj, const char *key);
/* Number of object elements of the array member key (0 when absent). */
size_t json_count_objects(const cJSON *obj, const char *key);
/* An integral member that fits a long, else 0 (absent, fractional, out of range). */
long json_long(const cJSON *obj, const char *key);
/* botocore marks every output member optional and reads an absent (or null) list as none:
 * only a member that is there and is not a list makes a response malformed. */
bool json_list_absent_or_array(const cJSON *root, const char *key);
/* Parse a response whose main list key may be absent (none); NULL with OD_E_PARSE when the
 * body is not a JSON object or key is there and not a list ("WHAT response: ..."). */
cJSON *json_parse_with_list(const char *body, size_t len, const char *key, const char *what,
                            struct od_error *err);

/* awsJson timestamps: epoch seconds as a number, maybe fractional (ECS "createdAt":
 * 1795304678.894). json_time floors to whole seconds; json_time_ms keeps milliseconds. */
bool json_time(const cJSON *obj, const char *key, time_t *out);
bool json_time_ms(const cJSON *obj, const char *key, int64_t *out_ms);
/* Logs times are model type long: epoch milliseconds already. */
bool json_epoch_ms(const cJSON *obj, const char *key, int64_t *out_ms);

/* Iterate the array member key of obj (no iterations when absent or not an array). */
#define JSON_FOREACH(it, obj, key) cJSON_ArrayForEach((it), (cJSON *)json_arr((obj), (key)))

/* Builders (abort on OOM). */
cJSON *json_new_object(void);
cJSON *json_new_array(void);
void json_add_str(cJSON *obj, const char *key, const char *value); /* NULL value: nothing */
void json_add_num(cJSON *obj, const char *key, double value);
void json_add_bool(cJSON *obj, const char *key, bool value);
/* Array of n strings (n == 0 adds []). */
void json_add_strs(cJSON *obj, const char *key, const char *const *values, size_t n);
cJSON *json_add_object(cJSON *obj, const char *key); /* returns the new child, borrowed */
cJSON *json_add_array(cJSON *obj, const char *key);  /* returns the new child, borrowed */
void json_push_str(cJSON *arr, const char *value);
cJSON *json_push_object(cJSON *arr); /* returns the new element, borrowed */
/* Compact text of item; malloc'd (free with free()). */
char *json_print(const cJSON *item);
/* The same, and item is deleted (a request body built and sent as text). */
char *json_print_free(cJSON *item);

#endif
