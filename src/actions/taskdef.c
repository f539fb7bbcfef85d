/* Task-definition copies, image changes and the canonical diff. */
#include "actions/taskdef.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto_json.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

const char *const taskdef_read_only_fields[] = {
    "taskDefinitionArn", "revision",     "status",         "requiresAttributes",
    "compatibilities",   "registeredAt", "registeredBy",   "deregisteredAt",
    "deleteRequestedAt", NULL,
};

bool
taskdef_is_read_only_field(const char *name)
{
    for (size_t i = 0; taskdef_read_only_fields[i] != NULL; i++)
        if (str_eq(name, taskdef_read_only_fields[i]))
            return true;
    return false;
}

cJSON *
taskdef_registrable_tree(const cJSON *td, struct od_error *err)
{
    cJSON *copy;
    const cJSON *it;

    if (!cJSON_IsObject(td) || json_str(td, "family") == NULL ||
        json_arr(td, "containerDefinitions") == NULL) {
        if (err != NULL)
            od_error_set(err, OD_E_PARSE, "task definition has no family or containerDefinitions");
        return NULL;
    }
    copy = json_new_object();
    cJSON_ArrayForEach(it, td) {
        cJSON *dup;

        if (it->string == NULL || taskdef_is_read_only_field(it->string))
            continue;
        if ((dup = cJSON_Duplicate(it, 1)) == NULL)
            od_fatal("out of memory copying a task definition");
        cJSON_AddItemToObject(copy, it->string, dup);
    }
    return copy;
}

cJSON *
taskdef_registrable(const char *td_json, struct od_error *err)
{
    cJSON *td, *out;

    if (td_json == NULL) {
        if (err != NULL)
            od_error_set(err, OD_E_PARSE, "no task definition");
        return NULL;
    }
    if ((td = json_parse(td_json, strlen(td_json), err)) == NULL)
        return NULL;
    out = taskdef_registrable_tree(td, err);
    cJSON_Delete(td);
    return out;
}

cJSON *
taskdef_container(const cJSON *td, const char *name)
{
    const cJSON *it;

    JSON_FOREACH(it, td, "containerDefinitions")
        if (cJSON_IsObject(it) && str_eq(json_str(it, "name"), name))
            return (cJSON *)it;
    return NULL;
}

const char **
taskdef_container_names(const cJSON *td, size_t *n)
{
    const cJSON *it;
    const char **names;
    size_t cap = json_arr_len(td, "containerDefinitions");

    *n = 0;
    names = xcalloc(cap + 1, sizeof *names);
    JSON_FOREACH(it, td, "containerDefinitions")
        if (cJSON_IsObject(it) && json_str(it, "name") != NULL)
            names[(*n)++] = json_str(it, "name");
    return names;
}

const char *
taskdef_default_container(const cJSON *td)
{
    const cJSON *it;
    const char *only = NULL, *essential = NULL;
    size_t n = 0, ness = 0;

    JSON_FOREACH(it, td, "containerDefinitions") {
        bool ess = true; /* essential defaults to true */

        if (!cJSON_IsObject(it) || json_str(it, "name") == NULL)
            continue;
        n++;
        only = json_str(it, "name");
        (void)json_bool(it, "essential", &ess);
        if (ess) {
            ness++;
            essential = only;
        }
    }
    if (n == 1)
        return only;
    return ness == 1 ? essential : NULL;
}

bool
taskdef_set_image(cJSON *td, const char *name, const char *image)
{
    cJSON *c = taskdef_container(td, name);

    if (c == NULL || image == NULL)
        return false;
    cJSON_DeleteItemFromObjectCaseSensitive(c, "image");
    json_add_str(c, "image", image);
    return true;
}

char *
taskdef_images(const cJSON *td)
{
    const cJSON *it;
    struct od_buf b;

    buf_init(&b, 0);
    JSON_FOREACH(it, td, "containerDefinitions") {
        if (!cJSON_IsObject(it))
            continue;
        buf_printf(&b, "%s%s=%s", b.len > 0 ? " " : "",
                   json_str(it, "name") != NULL ? json_str(it, "name") : "?",
                   json_str(it, "image") != NULL ? json_str(it, "image") : "?");
    }
    return buf_steal(&b);
}

/* ---- canonical form ------------------------------------------------------------------- */

struct leaf {
    char *path;
    char *value;
};

struct leaves {
    struct leaf *v;
    size_t n, cap;
};

static void
add_leaf(struct leaves *ls, const char *path, char *value)
{
    if (ls->n == ls->cap) {
        ls->cap = ls->cap ? ls->cap * 2 : 64;
        ls->v = xreallocarray(ls->v, ls->cap, sizeof *ls->v);
    }
    ls->v[ls->n].path = xstrdup(path);
    ls->v[ls->n].value = value;
    ls->n++;
}

static void
leaves_free(struct leaves *ls)
{
    for (size_t i = 0; i < ls->n; i++) {
        free(ls->v[i].path);
        free(ls->v[i].value);
    }
    free(ls->v);
    memset(ls, 0, sizeof *ls);
}

/* Lists that are sets, and the member that names an element. */
static const struct {
    const char *list;
    const char *key;
} set_keys[] = {
    {"containerDefinitions", "name"}, {"environment", "name"},     {"secrets", "name"},
    {"volumes", "name"},              {"ulimits", "name"},         {"portMappings", "containerPort"},
    {"mountPoints", "containerPath"}, {"volumesFrom", "sourceContainer"},
    {"dependsOn", "containerName"},   {"extraHosts", "hostname"},  {"systemControls", "namespace"},
    {"resourceRequirements", "type"}, {"inferenceAccelerators", "deviceName"},
    {"tags", "key"},
};

static const char *
set_key_for(const char *list)
{
    for (size_t i = 0; i < sizeof set_keys / sizeof set_keys[0]; i++)
        if (str_eq(list, set_keys[i].list))
            return set_keys[i].key;
    return NULL;
}

/* The identity of a set element ("80/tcp" for a port mapping); NULL when it has none. */
static char *
element_key(const cJSON *el, const char *list, const char *key)
{
    const cJSON *k;

    if (!cJSON_IsObject(el) || (k = cJSON_GetObjectItemCaseSensitive(el, key)) == NULL)
        return NULL;
    if (str_eq(list, "portMappings")) {
        const char *proto = json_str(el, "protocol");

        if (!cJSON_IsNumber(k))
            return NULL;
        return xasprintf("%.0f/%s", k->valuedouble, proto != NULL ? proto : "tcp");
    }
    if (cJSON_IsString(k))
        return xstrdup(k->valuestring);
    if (cJSON_IsNumber(k))
        return xasprintf("%.17g", k->valuedouble);
    return NULL;
}

struct keyed {
    const cJSON *el;
    char *key;
};

static int
keyed_cmp(const void *a, const void *b)
{
    return strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

static int
member_cmp(const void *a, const void *b)
{
    const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;

    return strcmp(x->string, y->string);
}

static void flatten(const cJSON *node, const char *path, const char *name, bool top,
                    const char *skip, struct leaves *out);

static char *
join(const char *path, const char *key)
{
    return *path != '\0' ? xasprintf("%s.%s", path, key) : xstrdup(key);
}

static void
flatten_object(const cJSON *node, const char *path, bool top, const char *skip,
               struct leaves *out)
{
    const cJSON *it, **members;
    size_t n = 0, cap = (size_t)cJSON_GetArraySize(node);

    members = xcalloc(cap + 1, sizeof *members);
    cJSON_ArrayForEach(it, node) {
        if (it->string == NULL || (top && taskdef_is_read_only_field(it->string)) ||
            (skip != NULL && str_eq(it->string, skip)))
            continue;
        members[n++] = it;
    }
    if (n == 0) {
        add_leaf(out, path, xstrdup("{}"));
    } else {
        qsort(members, n, sizeof *members, member_cmp);
        for (size_t i = 0; i < n; i++) {
            char *p = join(path, members[i]->string);

            flatten(members[i], p, members[i]->string, false, NULL, out);
            free(p);
        }
    }
    free(members);
}

static void
flatten_array(const cJSON *node, const char *path, const char *name, struct leaves *out)
{
    const char *key = set_key_for(name);
    size_t n = (size_t)cJSON_GetArraySize(node), i = 0;
    struct keyed *ks = NULL;
    const cJSON *it;
    bool keyed = key != NULL && n > 0;

    if (n == 0) {
        add_leaf(out, path, xstrdup("[]"));
        return;
    }
    if (keyed) {
        ks = xcalloc(n, sizeof *ks);
        cJSON_ArrayForEach(it, node) {
            ks[i].el = it;
            if ((ks[i].key = element_key(it, name, key)) == NULL)
                keyed = false;
            i++;
        }
        if (keyed) {
            qsort(ks, n, sizeof *ks, keyed_cmp);
            for (i = 1; i < n; i++)
                if (strcmp(ks[i - 1].key, ks[i].key) == 0)
                    keyed = false; /* duplicate keys: not a set after all */
        }
        if (keyed) {
            for (i = 0; i < n; i++) {
                char *p = xasprintf("%s[%s]", path, ks[i].key);

                /* the port mapping key also covers the protocol: keep it in the leaves */
                flatten_object(ks[i].el, p, false, str_eq(name, "portMappings") ? NULL : key,
                               out);
                free(p);
            }
        }
        for (i = 0; i < n; i++)
            free(ks[i].key);
        free(ks);
        if (keyed)
            return;
    }
    i = 0;
    cJSON_ArrayForEach(it, node) {
        char *p = xasprintf("%s[%zu]", path, i++);

        flatten(it, p, NULL, false, NULL, out);
        free(p);
    }
}

static void
flatten(const cJSON *node, const char *path, const char *name, bool top, const char *skip,
        struct leaves *out)
{
    if (cJSON_IsObject(node)) {
        flatten_object(node, path, top, skip, out);
    } else if (cJSON_IsArray(node)) {
        flatten_array(node, path, name, out);
    } else {
        char *v = cJSON_PrintUnformatted(node);

        if (v == NULL)
            od_fatal("out of memory printing JSON");
        add_leaf(out, path, v);
    }
}

char *
taskdef_canonical(const cJSON *td)
{
    struct leaves ls = {0};
    struct od_buf b;

    buf_init(&b, 0);
    if (td != NULL)
        flatten(td, "", NULL, true, NULL, &ls);
    for (size_t i = 0; i < ls.n; i++)
        buf_printf(&b, "%s = %s\n", ls.v[i].path, ls.v[i].value);
    leaves_free(&ls);
    return buf_steal(&b);
}

bool
taskdef_same_content(const cJSON *a, const cJSON *b)
{
    char *x = taskdef_canonical(a), *y = taskdef_canonical(b);
    bool same = strcmp(x, y) == 0;

    free(x);
    free(y);
    return same;
}

static void
put_line(struct od_buf *b, char sign, const struct leaf *l)
{
    char *raw = xasprintf("%c %s = %s", sign, l->path, l->value);

    sanitize_append(b, raw, strlen(raw));
    buf_putc(b, '\n');
    free(raw);
}

static long
find_path(const struct leaves *ls, const char *path)
{
    for (size_t i = 0; i < ls->n; i++)
        if (strcmp(ls->v[i].path, path) == 0)
            return (long)i;
    return -1;
}

char *
taskdef_diff(const cJSON *old_td, const cJSON *new_td)
{
    struct leaves a = {0}, b = {0};
    struct od_buf out;
    long *amatch, *bmatch;
    bool *bdone;
    size_t i = 0, j = 0;

    buf_init(&out, 0);
    if (old_td != NULL)
        flatten(old_td, "", NULL, true, NULL, &a);
    if (new_td != NULL)
        flatten(new_td, "", NULL, true, NULL, &b);
    amatch = xcalloc(a.n + 1, sizeof *amatch);
    bmatch = xcalloc(b.n + 1, sizeof *bmatch);
    bdone = xcalloc(b.n + 1, sizeof *bdone);
    for (i = 0; i < a.n; i++)
        amatch[i] = find_path(&b, a.v[i].path);
    for (j = 0; j < b.n; j++)
        bmatch[j] = find_path(&a, b.v[j].path);
    i = j = 0;
    while (i < a.n || j < b.n) {
        if (j < b.n && bdone[j]) {
            j++;
        } else if (i < a.n && amatch[i] < 0) {
            put_line(&out, '-', &a.v[i++]);
        } else if (j < b.n && bmatch[j] < 0) {
            put_line(&out, '+', &b.v[j++]);
        } else if (i < a.n) {
            long m = amatch[i];

            if (strcmp(a.v[i].value, b.v[m].value) != 0) {
                put_line(&out, '-', &a.v[i]);
                put_line(&out, '+', &b.v[m]);
            }
            bdone[m] = true;
            i++;
        } else {
            j++; /* matched lines already handled from the old side */
        }
    }
    free(amatch);
    free(bmatch);
    free(bdone);
    leaves_free(&a);
    leaves_free(&b);
    return buf_steal(&out);
}
