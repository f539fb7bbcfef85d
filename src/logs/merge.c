/* Several sources, one stream (see merge.h). */
#include "logs/merge.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

void
logs_merge_init(struct logs_merge *m)
{
    memset(m, 0, sizeof *m);
    m->include_stopped = true;
}

static void
clear_uses(struct logs_merge *m)
{
    for (size_t i = 0; i < m->nuses; i++)
        free(m->uses[i].group);
    free(m->uses);
    m->uses = NULL;
    m->nuses = 0;
}

void
logs_merge_free(struct logs_merge *m)
{
    for (size_t i = 0; i < m->n; i++)
        free(m->v[i].name);
    free(m->v);
    clear_uses(m);
    memset(m, 0, sizeof *m);
}

size_t
logs_merge_add(struct logs_merge *m, enum merge_kind kind, const char *name)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->v[i].kind == kind && str_eq(m->v[i].name, name))
            return i;
    m->v = xreallocarray(m->v, m->n + 1, sizeof *m->v);
    m->v[m->n] = (struct merge_origin){kind, xstrdup(name), false};
    return m->n++;
}

void
logs_merge_add_all_services(struct logs_merge *m, const struct od_world *w)
{
    for (size_t i = 0; w != NULL && i < w->nservices; i++)
        logs_merge_add(m, MERGE_SERVICE, w->services[i].name);
}

bool
logs_merge_needs_world(const struct logs_merge *m)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->v[i].kind != MERGE_GROUP)
            return true;
    return false;
}

/* The sources_query of one origin. */
static struct sources_query
origin_query(const struct logs_merge *m, const struct merge_origin *o)
{
    struct sources_query q = {0};

    q.include_stopped = m->include_stopped;
    switch (o->kind) {
    case MERGE_SERVICE:
        q.service = o->name;
        q.container = m->container;
        q.log_group = m->override_group;
        break;
    case MERGE_TASK:
        q.task = o->name;
        q.service = m->task_service;
        q.container = m->container;
        q.log_group = m->override_group;
        break;
    case MERGE_GROUP:
        q.log_group = o->name;
        break;
    }
    return q;
}

void
logs_merge_missing_task_defs(const struct logs_merge *m, const struct od_world *w,
                             char ***arns, size_t *n)
{
    *arns = NULL;
    *n = 0;
    for (size_t i = 0; i < m->n; i++) {
        struct sources_query q = origin_query(m, &m->v[i]);
        char **more = NULL;
        size_t nmore = 0;

        if (m->v[i].kind == MERGE_GROUP)
            continue;
        sources_missing_task_defs(w, &q, &more, &nmore);
        for (size_t k = 0; k < nmore; k++) {
            bool have = false;

            for (size_t j = 0; j < *n && !have; j++)
                have = str_eq((*arns)[j], more[k]);
            if (have) {
                free(more[k]);
                continue;
            }
            *arns = xreallocarray(*arns, *n + 1, sizeof **arns);
            (*arns)[(*n)++] = more[k];
        }
        free(more);
    }
}

static void
note_uses(struct logs_merge *m, const char *group, size_t origin)
{
    for (size_t i = 0; i < m->nuses; i++)
        if (m->uses[i].origin == origin && str_eq(m->uses[i].group, group))
            return;
    m->uses = xreallocarray(m->uses, m->nuses + 1, sizeof *m->uses);
    m->uses[m->nuses++] = (struct merge_group_use){xstrdup(group), origin};
}

static void
take_notes(struct od_log_sources *out, struct od_log_sources *part)
{
    if (part->nnotes == 0)
        return;
    out->notes = xreallocarray(out->notes, out->nnotes + part->nnotes, sizeof *out->notes);
    memcpy(out->notes + out->nnotes, part->notes, part->nnotes * sizeof *part->notes);
    out->nnotes += part->nnotes;
    free(part->notes);
    part->notes = NULL;
    part->nnotes = 0;
}

static void
add_note(struct od_log_sources *out, char *note)
{
    out->notes = xreallocarray(out->notes, out->nnotes + 1, sizeof *out->notes);
    out->notes[out->nnotes++] = note;
}

/* A stream two origins both name (a service and a --log-group holding it) is read once:
 * the first origin keeps it. */
static bool
have_source(const struct od_log_sources *out, const struct od_log_source *s)
{
    for (size_t i = 0; i < out->n; i++)
        if (str_eq(out->v[i].group, s->group) && str_eq(out->v[i].region, s->region) &&
            str_eq(out->v[i].stream, s->stream))
            return true;
    return false;
}

enum od_err
logs_merge_build(struct logs_merge *m, const struct od_world *w, struct od_log_sources *out,
                 struct od_error *err)
{
    struct od_error first = {0};
    size_t failed = 0;

    memset(out, 0, sizeof *out);
    clear_uses(m);
    for (size_t i = 0; i < m->n; i++) {
        struct merge_origin *o = &m->v[i];
        struct sources_query q = origin_query(m, o);
        struct od_log_sources part = {0};
        struct od_error e = {0};

        o->failed = false;
        if (sources_build(o->kind == MERGE_GROUP ? NULL : w, &q, &part, &e) != OD_OK) {
            o->failed = true;
            failed++;
            if (m->n > 1)
                add_note(out, xasprintf("%s: %s", o->name,
                                        e.message != NULL ? e.message : od_strerror(e.err)));
            if (first.err == OD_OK)
                od_error_copy(&first, &e);
            od_error_clear(&e);
            sources_clear(&part);
            continue;
        }
        take_notes(out, &part);
        for (size_t k = 0; k < part.n; k++) {
            struct od_log_source *s = &part.v[k];

            note_uses(m, s->group, i);
            if (have_source(out, s))
                continue;
            out->v = xreallocarray(out->v, out->n + 1, sizeof *out->v);
            out->v[out->n] = *s;
            memset(s, 0, sizeof *s);
            free(out->v[out->n].label);
            out->v[out->n].label = xstrdup(o->name);
            out->v[out->n].origin = (int)i;
            out->n++;
        }
        sources_clear(&part);
    }
    if (m->n == 0 || failed == m->n) {
        if (first.err == OD_OK)
            od_error_set(&first, OD_E_USAGE, "say which logs: --service, --task or --log-group");
        od_error_copy(err, &first);
        od_error_clear(&first);
        sources_clear(out);
        return OD_E_USAGE;
    }
    od_error_clear(&first);
    return OD_OK;
}

size_t
logs_merge_failed(const struct logs_merge *m)
{
    size_t n = 0;

    for (size_t i = 0; i < m->n; i++)
        n += m->v[i].failed;
    return n;
}

char *
logs_merge_who(const struct logs_merge *m, const char *group)
{
    struct od_buf b;

    if (group == NULL)
        return NULL;
    buf_init(&b, 0);
    for (size_t i = 0; i < m->nuses; i++) {
        if (!str_eq(m->uses[i].group, group))
            continue;
        if (b.len > 0)
            buf_puts(&b, ", ");
        buf_puts(&b, m->v[m->uses[i].origin].name);
    }
    if (b.len == 0) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b);
}
