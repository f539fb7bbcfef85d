/* The timeline store: load, dedup, bound, save (see store.h). */
#include "timeline/store.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "aws/proto_json.h"
#include "model/entities.h"
#include "settings.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/fs.h"
#include "util/str.h"
#include "util/xalloc.h"

/* Far above any max_bytes a config would set: a file this big was not written by ondeck. */
#define TL_READ_MAX ((size_t)64 << 20)

static const char *const ref_names[] = {
    [TL_REF_NONE] = "none",
    [TL_REF_TASK] = "task",
    [TL_REF_DEPLOYMENT] = "deployment",
    [TL_REF_ALARM] = "alarm",
    [TL_REF_DISTRIBUTION] = "distribution",
};

const char *
tl_ref_name(enum tl_ref r)
{
    return (size_t)r < sizeof ref_names / sizeof ref_names[0] ? ref_names[r] : "none";
}

static enum tl_ref
ref_from_name(const char *s)
{
    for (size_t i = 0; i < sizeof ref_names / sizeof ref_names[0]; i++)
        if (str_eq(s, ref_names[i]))
            return (enum tl_ref)i;
    return TL_REF_NONE;
}

void
tl_limits_from_settings(const struct od_settings *settings, struct tl_limits *out)
{
    long entries = settings_get_long(settings, "timeline", "max_entries", TL_DEFAULT_MAX_ENTRIES);
    long bytes = settings_get_long(settings, "timeline", "max_bytes", TL_DEFAULT_MAX_BYTES);
    long days = settings_get_long(settings, "timeline", "max_age_days", TL_DEFAULT_MAX_AGE_DAYS);

    out->max_entries = entries > 0 ? (size_t)entries : TL_DEFAULT_MAX_ENTRIES;
    out->max_bytes = bytes > 0 ? (size_t)bytes : TL_DEFAULT_MAX_BYTES;
    out->max_age_s = (days > 0 ? (double)days : TL_DEFAULT_MAX_AGE_DAYS) * 86400.0;
}

static char *
path_part(const char *s)
{
    char *out = xstrdup(str_empty(s) ? "-" : s);

    for (char *p = out; *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || (*p == '.' && p != out)))
            *p = '_';
    return out;
}

char *
tl_store_path(const char *account, const char *region, const char *cluster)
{
    char *dir = settings_state_dir(), *a = path_part(account), *r = path_part(region),
         *c = path_part(cluster_short_name(cluster)), *out;

    out = xasprintf("%s/timeline/%s/%s/%s.jsonl", dir, a, r, c);
    free(dir);
    free(a);
    free(r);
    free(c);
    return out;
}

void
tl_entry_clear(struct tl_entry *e)
{
    free(e->key);
    free(e->source);
    free(e->service);
    free(e->text);
    free(e->ref);
    memset(e, 0, sizeof *e);
}

/* ---- the key index: a refresh offers every event again, so lookups must not scan ----- */

#define NO_SLOT SIZE_MAX

static uint64_t
key_hash(const char *k)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */

    for (; *k != '\0'; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211ull;
    return h;
}

static void
index_drop(struct tl_store *s)
{
    free(s->slots);
    s->slots = NULL;
    s->nslots = 0;
}

static void
index_put(struct tl_store *s, size_t i)
{
    size_t m = s->nslots - 1, at = (size_t)key_hash(s->v[i].key) & m;

    while (s->slots[at] != NO_SLOT)
        at = (at + 1) & m;
    s->slots[at] = i;
}

static void
index_build(struct tl_store *s)
{
    size_t want = 64;

    while (want < 2 * s->n + 2)
        want *= 2;
    free(s->slots);
    s->slots = xreallocarray(NULL, want, sizeof *s->slots);
    s->nslots = want;
    for (size_t i = 0; i < want; i++)
        s->slots[i] = NO_SLOT;
    for (size_t i = 0; i < s->n; i++)
        index_put(s, i);
}

static void
clear_all(struct tl_store *s)
{
    index_drop(s);
    for (size_t i = 0; i < s->n; i++)
        tl_entry_clear(&s->v[i]);
    for (size_t i = 0; i < s->nhealth; i++) {
        free(s->health[i].target);
        free(s->health[i].state);
    }
    s->n = s->nhealth = 0;
}

void
tl_store_free(struct tl_store *s)
{
    clear_all(s);
    free(s->v);
    free(s->health);
    free(s->path);
    index_drop(s);
    memset(s, 0, sizeof *s);
}

bool
tl_store_has(struct tl_store *s, const char *key)
{
    size_t m, at;

    if (key == NULL || s->n == 0)
        return false;
    if (s->slots == NULL)
        index_build(s);
    m = s->nslots - 1;
    for (at = (size_t)key_hash(key) & m; s->slots[at] != NO_SLOT; at = (at + 1) & m)
        if (str_eq(s->v[s->slots[at]].key, key))
            return true;
    return false;
}

bool
tl_store_add(struct tl_store *s, struct tl_entry *e)
{
    if (str_empty(e->key) || str_empty(e->source) || e->text == NULL || tl_store_has(s, e->key)) {
        tl_entry_clear(e);
        return false;
    }
    if (s->n == s->cap) {
        s->cap = s->cap != 0 ? s->cap * 2 : 64;
        s->v = xreallocarray(s->v, s->cap, sizeof *s->v);
    }
    s->v[s->n++] = *e;
    memset(e, 0, sizeof *e);
    if (s->slots != NULL && 2 * s->n + 2 <= s->nslots)
        index_put(s, s->n - 1);
    else
        index_drop(s);
    return true;
}

const char *
tl_store_health(const struct tl_store *s, const char *target)
{
    for (size_t i = 0; i < s->nhealth; i++)
        if (str_eq(s->health[i].target, target))
            return s->health[i].state;
    return NULL;
}

void
tl_store_set_health(struct tl_store *s, const char *target, const char *state)
{
    for (size_t i = 0; i < s->nhealth; i++)
        if (str_eq(s->health[i].target, target)) {
            free(s->health[i].state);
            s->health[i].state = xstrdup(state);
            return;
        }
    if (s->nhealth == s->chealth) {
        s->chealth = s->chealth != 0 ? s->chealth * 2 : 16;
        s->health = xreallocarray(s->health, s->chealth, sizeof *s->health);
    }
    s->health[s->nhealth].target = xstrdup(target);
    s->health[s->nhealth].state = xstrdup(state);
    s->nhealth++;
}

/* ---- text form ------------------------------------------------------------------------- */

static cJSON *
entry_json(const struct tl_entry *e)
{
    cJSON *o = json_new_object();

    json_add_num(o, "at", e->at);
    json_add_str(o, "key", e->key);
    json_add_str(o, "source", e->source);
    json_add_str(o, "service", e->service);
    json_add_str(o, "text", e->text);
    if (e->ref_kind != TL_REF_NONE && e->ref != NULL) {
        json_add_str(o, "ref_kind", tl_ref_name(e->ref_kind));
        json_add_str(o, "ref", e->ref);
    }
    return o;
}

static char *
entry_line(const struct tl_entry *e)
{
    return json_print_free(entry_json(e));
}

static char *
health_line(const struct tl_store *s)
{
    cJSON *o = json_new_object(), *h = json_add_object(o, "target_health");

    for (size_t i = 0; i < s->nhealth; i++)
        json_add_str(h, s->health[i].target, s->health[i].state);
    return json_print_free(o);
}

char *
tl_store_text(const struct tl_store *s)
{
    struct od_buf b;

    buf_init(&b, 0);
    for (size_t i = 0; i < s->n; i++) {
        char *line = entry_line(&s->v[i]);

        buf_printf(&b, "%s\n", line);
        free(line);
    }
    if (s->nhealth > 0) {
        char *line = health_line(s);

        buf_printf(&b, "%s\n", line);
        free(line);
    }
    return buf_steal(&b);
}

static bool
parse_health(struct tl_store *s, const cJSON *h)
{
    const cJSON *it;

    if (!cJSON_IsObject(h))
        return false;
    cJSON_ArrayForEach(it, h) {
        if (!cJSON_IsString(it) || it->string == NULL)
            return false;
        tl_store_set_health(s, it->string, it->valuestring);
    }
    return true;
}

static bool
parse_line(struct tl_store *s, const char *line, size_t len)
{
    cJSON *o = cJSON_ParseWithLength(line, len);
    struct tl_entry e = {0};
    bool ok = false;

    if (!cJSON_IsObject(o))
        goto out;
    if (json_obj(o, "target_health") != NULL) {
        ok = parse_health(s, json_obj(o, "target_health"));
        goto out;
    }
    if (!json_num(o, "at", &e.at) || json_str(o, "key") == NULL ||
        json_str(o, "source") == NULL || json_str(o, "text") == NULL)
        goto out;
    e.key = json_strdup(o, "key");
    e.source = json_strdup(o, "source");
    e.service = json_strdup(o, "service");
    e.text = json_strdup(o, "text");
    e.ref_kind = ref_from_name(json_str(o, "ref_kind"));
    e.ref = json_strdup(o, "ref");
    (void)tl_store_add(s, &e); /* a key written twice by hand: the first wins */
    ok = true;
out:
    cJSON_Delete(o);
    return ok;
}

bool
tl_store_parse(struct tl_store *s, const char *text, size_t *bad_line)
{
    size_t lineno = 0;

    for (const char *p = text; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

        lineno++;
        if (len > 0 && !parse_line(s, p, len)) {
            *bad_line = lineno;
            clear_all(s);
            return false;
        }
        p += len + (nl != NULL ? 1 : 0);
    }
    return true;
}

/* The whole file, or NULL with errno (EFBIG past the cap). */
static char *
read_file(const char *path, size_t cap)
{
    struct od_buf b;
    char chunk[8192];
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (fd < 0)
        return NULL;
    buf_init(&b, cap);
    while ((n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || buf_append(&b, chunk, (size_t)n) != OD_OK) {
            int e = n < 0 ? errno : EFBIG;

            buf_free(&b);
            close(fd);
            errno = e;
            return NULL;
        }
    }
    close(fd);
    return buf_steal(&b);
}

static enum od_err
set_aside(const char *path, const char *why, char **notice, struct od_error *err)
{
    char stamp[21], *aside;

    clock_format_amz((time_t)(clock_wall_ms() / 1000), stamp);
    aside = xasprintf("%s.corrupt-%s", path, stamp);
    if (rename(path, aside) != 0) {
        od_error_set(err, OD_E_IO, "timeline: %s is corrupt (%s) and cannot be set aside: %s",
                     path, why, strerror(errno));
        free(aside);
        return OD_E_IO;
    }
    *notice = xasprintf("timeline: %s was corrupt (%s); set aside as %s, starting afresh", path,
                        why, aside);
    free(aside);
    return OD_OK;
}

enum od_err
tl_store_load(struct tl_store *s, const char *path, char **notice, struct od_error *err)
{
    char *text, why[64];
    size_t bad = 0;

    *notice = NULL;
    free(s->path);
    s->path = xstrdup(path);
    errno = 0;
    if ((text = read_file(path, TL_READ_MAX)) == NULL) {
        if (errno == ENOENT)
            return OD_OK;
        if (errno == EFBIG)
            return set_aside(path, "larger than ondeck ever writes", notice, err);
        od_error_set(err, OD_E_IO, "timeline: cannot read %s: %s", path, strerror(errno));
        return OD_E_IO;
    }
    if (!tl_store_parse(s, text, &bad)) {
        snprintf(why, sizeof why, "line %zu does not parse", bad);
        free(text);
        return set_aside(path, why, notice, err);
    }
    free(text);
    return OD_OK;
}

/* ---- bounds ---------------------------------------------------------------------------- */

static int
by_time(const void *a, const void *b)
{
    const struct tl_entry *x = a, *y = b;

    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* Drop the first k entries (the oldest once sorted). */
static void
drop_oldest(struct tl_store *s, size_t k)
{
    index_drop(s);
    for (size_t i = 0; i < k; i++)
        tl_entry_clear(&s->v[i]);
    memmove(s->v, s->v + k, (s->n - k) * sizeof *s->v);
    s->n -= k;
}

void
tl_store_prune(struct tl_store *s, const struct tl_limits *lim, double now)
{
    size_t old = 0, total = 0, keep_from;
    char *hl;

    index_drop(s); /* entries move */
    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, by_time);
    while (old < s->n && s->v[old].at < now - lim->max_age_s)
        old++;
    drop_oldest(s, old);
    if (s->n > lim->max_entries)
        drop_oldest(s, s->n - lim->max_entries);
    /* Newest first until the byte budget is spent (the health line counts too). */
    hl = health_line(s);
    total = strlen(hl) + 1;
    free(hl);
    keep_from = s->n;
    while (keep_from > 0) {
        char *line = entry_line(&s->v[keep_from - 1]);
        size_t len = strlen(line) + 1;

        free(line);
        if (total + len > lim->max_bytes)
            break;
        total += len;
        keep_from--;
    }
    drop_oldest(s, keep_from);
}

/* ---- saving ---------------------------------------------------------------------------- */

static bool
write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        len -= (size_t)w;
    }
    return true;
}

enum od_err
tl_store_save(const struct tl_store *s, struct od_error *err)
{
    char *text, *tmp;
    int fd, saved;
    bool ok;

    if (s->path == NULL) {
        od_error_set(err, OD_E_IO, "timeline: no file to save to");
        return OD_E_IO;
    }
    if (fs_make_parent(s->path, "timeline", err) != OD_OK)
        return OD_E_IO;
    tmp = xasprintf("%s.%ld.tmp", s->path, (long)getpid());
    (void)unlink(tmp); /* a leftover of a crashed run of this pid */
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        od_error_set(err, OD_E_IO, "timeline: cannot create %s: %s", tmp, strerror(errno));
        free(tmp);
        return OD_E_IO;
    }
    text = tl_store_text(s);
    ok = write_all(fd, text, strlen(text)) && fsync(fd) == 0;
    saved = errno;
    ok = close(fd) == 0 && ok;
    free(text);
    if (!ok || rename(tmp, s->path) != 0) {
        if (ok)
            saved = errno;
        od_error_set(err, OD_E_IO, "timeline: cannot write %s: %s", s->path, strerror(saved));
        unlink(tmp);
        free(tmp);
        return OD_E_IO;
    }
    free(tmp);
    return OD_OK;
}
