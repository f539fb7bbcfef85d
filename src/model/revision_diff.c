/* ECS service revisions: clearing one, and the differences between two (see
 * service_revision.h). Lists (subnets, security groups, load balancers, capacity providers)
 * are compared as sorted sets, so an order ECS does not promise never shows as a change. */
#include "model/service_revision.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/entities.h"
#include "util/str.h"
#include "util/xalloc.h"

static void
strs_free(char ***v, size_t *n)
{
    for (size_t i = 0; *v != NULL && i < *n; i++)
        free((*v)[i]);
    free(*v);
    *v = NULL;
    *n = 0;
}

void
service_revision_clear(struct od_service_revision *r)
{
    free(r->arn);
    free(r->service_arn);
    free(r->task_definition);
    free(r->launch_type);
    free(r->platform_version);
    free(r->platform_family);
    strs_free(&r->images, &r->nimages);
    strs_free(&r->subnets, &r->nsubnets);
    strs_free(&r->security_groups, &r->nsecurity_groups);
    free(r->assign_public_ip);
    for (size_t i = 0; i < r->nlbs; i++) {
        free(r->lbs[i].target_group_arn);
        free(r->lbs[i].load_balancer_name);
        free(r->lbs[i].container_name);
    }
    free(r->lbs);
    for (size_t i = 0; i < r->ncapacity; i++)
        free(r->capacity[i].provider);
    free(r->capacity);
    memset(r, 0, sizeof *r);
}

struct changes {
    struct od_revision_change *v;
    size_t n, cap;
};

/* Record field when from and to differ (NULL and "" are both "absent"). */
static void
note(struct changes *c, const char *field, const char *from, const char *to)
{
    struct od_revision_change *x;

    if (str_empty(from))
        from = NULL;
    if (str_empty(to))
        to = NULL;
    if (from == NULL ? to == NULL : (to != NULL && strcmp(from, to) == 0))
        return;
    if (c->n == c->cap) {
        c->cap = c->cap > 0 ? c->cap * 2 : 8;
        c->v = xreallocarray(c->v, c->cap, sizeof *c->v);
    }
    x = &c->v[c->n++];
    x->field = xstrdup(field);
    x->from = from != NULL ? xstrdup(from) : NULL;
    x->to = to != NULL ? xstrdup(to) : NULL;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The strings sorted and joined with ", " (NULL when there are none; malloc'd). */
static char *
join_sorted(char **v, size_t n)
{
    char **copy;
    size_t len = 1;
    char *out;

    if (n == 0)
        return NULL;
    copy = xcalloc(n, sizeof *copy);
    for (size_t i = 0; i < n; i++) {
        copy[i] = v[i];
        len += strlen(v[i]) + 2;
    }
    qsort(copy, n, sizeof *copy, cmp_str);
    out = xcalloc(1, len);
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strcat(out, ", ");
        strcat(out, copy[i]);
    }
    free(copy);
    return out;
}

static void
note_set(struct changes *c, const char *field, char **a, size_t na, char **b, size_t nb)
{
    char *x = join_sorted(a, na), *y = join_sorted(b, nb);

    note(c, field, x, y);
    free(x);
    free(y);
}

/* A load balancer as "green/6cfe0f5cb7298746 app:8080" (the target group's name and id). */
static char *
lb_word(const struct od_sr_lb *lb)
{
    const char *tg = lb->target_group_arn, *cut = tg != NULL ? strstr(tg, ":targetgroup/") : NULL;
    const char *name = cut != NULL ? cut + strlen(":targetgroup/")
                                   : (tg != NULL ? tg : lb->load_balancer_name);

    return xasprintf("%s %s:%ld", name != NULL ? name : "-",
                     lb->container_name != NULL ? lb->container_name : "-", lb->container_port);
}

static void
note_lbs(struct changes *c, const struct od_service_revision *a,
         const struct od_service_revision *b)
{
    char **x = a->nlbs > 0 ? xcalloc(a->nlbs, sizeof *x) : NULL;
    char **y = b->nlbs > 0 ? xcalloc(b->nlbs, sizeof *y) : NULL;
    size_t nx = a->nlbs, ny = b->nlbs;

    for (size_t i = 0; i < nx; i++)
        x[i] = lb_word(&a->lbs[i]);
    for (size_t i = 0; i < ny; i++)
        y[i] = lb_word(&b->lbs[i]);
    note_set(c, "load balancers", x, nx, y, ny);
    strs_free(&x, &nx);
    strs_free(&y, &ny);
}

static void
note_capacity(struct changes *c, const struct od_service_revision *a,
              const struct od_service_revision *b)
{
    char **x = a->ncapacity > 0 ? xcalloc(a->ncapacity, sizeof *x) : NULL;
    char **y = b->ncapacity > 0 ? xcalloc(b->ncapacity, sizeof *y) : NULL;
    size_t nx = a->ncapacity, ny = b->ncapacity;

    for (size_t i = 0; i < nx; i++)
        x[i] = xasprintf("%s weight %ld base %ld", a->capacity[i].provider != NULL
                                                       ? a->capacity[i].provider : "-",
                         a->capacity[i].weight, a->capacity[i].base);
    for (size_t i = 0; i < ny; i++)
        y[i] = xasprintf("%s weight %ld base %ld", b->capacity[i].provider != NULL
                                                       ? b->capacity[i].provider : "-",
                         b->capacity[i].weight, b->capacity[i].base);
    note_set(c, "capacity provider strategy", x, nx, y, ny);
    strs_free(&x, &nx);
    strs_free(&y, &ny);
}

/* The image of container name in r ("image@digest"), or NULL. images[] holds
 * "name image@digest". */
static const char *
image_of(const struct od_service_revision *r, const char *name, size_t len)
{
    for (size_t i = 0; i < r->nimages; i++)
        if (strncmp(r->images[i], name, len) == 0 && r->images[i][len] == ' ')
            return r->images[i] + len + 1;
    return NULL;
}

static void
note_images(struct changes *c, const struct od_service_revision *a,
            const struct od_service_revision *b)
{
    /* Containers of from in its order, then those only in to. */
    for (int pass = 0; pass < 2; pass++) {
        const struct od_service_revision *r = pass == 0 ? a : b;

        for (size_t i = 0; i < r->nimages; i++) {
            const char *sp = strchr(r->images[i], ' ');
            size_t len = sp != NULL ? (size_t)(sp - r->images[i]) : strlen(r->images[i]);
            char *name, *field;

            if (pass == 1 && image_of(a, r->images[i], len) != NULL)
                continue;
            name = xstrndup(r->images[i], len);
            field = xasprintf("image %s", name);
            note(c, field, image_of(a, name, len), image_of(b, name, len));
            free(field);
            free(name);
        }
    }
}

struct od_revision_change *
revision_diff(const struct od_service_revision *from, const struct od_service_revision *to,
              size_t *n)
{
    struct changes c = {0};
    char *x = task_def_short_name(from->task_definition), *y = task_def_short_name(to->task_definition);

    note(&c, "task definition", x, y);
    free(x);
    free(y);
    note_images(&c, from, to);
    note_set(&c, "subnets", from->subnets, from->nsubnets, to->subnets, to->nsubnets);
    note_set(&c, "security groups", from->security_groups, from->nsecurity_groups,
             to->security_groups, to->nsecurity_groups);
    note(&c, "public IP", from->assign_public_ip, to->assign_public_ip);
    note_lbs(&c, from, to);
    note_capacity(&c, from, to);
    note(&c, "launch type", from->launch_type, to->launch_type);
    note(&c, "platform version", from->platform_version, to->platform_version);
    note(&c, "platform family", from->platform_family, to->platform_family);
    *n = c.n;
    return c.v;
}

char *
revision_diff_text(const struct od_revision_change *c, size_t n)
{
    size_t len = 1;
    char *out;

    for (size_t i = 0; i < n; i++)
        len += strlen(c[i].field) + strlen(c[i].from != NULL ? c[i].from : "-") +
               strlen(c[i].to != NULL ? c[i].to : "-") + 8;
    out = xcalloc(1, len);
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(out);

        snprintf(out + used, len - used, "%s: %s -> %s\n", c[i].field,
                 c[i].from != NULL ? c[i].from : "-", c[i].to != NULL ? c[i].to : "-");
    }
    return out;
}

void
revision_changes_free(struct od_revision_change **c, size_t *n)
{
    for (size_t i = 0; *c != NULL && i < *n; i++) {
        free((*c)[i].field);
        free((*c)[i].from);
        free((*c)[i].to);
    }
    free(*c);
    *c = NULL;
    *n = 0;
}
