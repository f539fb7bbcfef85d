/* A service's deployment history (see deploy_history.h): list every page up to max_items,
 * then describe the deployments and the revisions they name in batches, all batches of a step
 * in flight at once. */
#include "poller/deploy_history.h"

#include <stdlib.h>
#include <string.h>

#include "aws/proto_json.h"
#include "model/entities.h"
#include "util/str.h"
#include "util/xalloc.h"

#define HISTORY_DEFAULT_ITEMS 20

enum step { STEP_LIST, STEP_DEPLOYMENTS, STEP_REVISIONS };

struct od_history_fetch {
    struct od_aws *aws;
    char *cluster, *service;
    size_t max_items;
    int page_size;
    deploy_history_cb cb;
    void *ud;
    enum step step;
    char **arns;   /* deployments listed, then revisions to describe */
    size_t narns, carns;
    size_t outstanding;
    struct od_error failed; /* first failure of the step */
    struct od_deploy_history *h;
    struct od_history_fetch **self; /* the caller's handle, cleared when done */
};

static void on_list(const struct od_aws_response *resp, const struct od_error *err, void *ud);

static void
push_arn(struct od_history_fetch *f, const char *arn)
{
    if (arn == NULL)
        return;
    for (size_t i = 0; i < f->narns; i++)
        if (strcmp(f->arns[i], arn) == 0)
            return;
    if (f->narns == f->carns) {
        f->carns = f->carns > 0 ? f->carns * 2 : 32;
        f->arns = xreallocarray(f->arns, f->carns, sizeof *f->arns);
    }
    f->arns[f->narns++] = xstrdup(arn);
}

static void
fetch_free(struct od_history_fetch *f)
{
    arn_list_free(&f->arns, &f->narns);
    free(f->cluster);
    free(f->service);
    od_error_clear(&f->failed);
    deploy_history_free(&f->h);
    if (f->self != NULL)
        *f->self = NULL;
    free(f);
}

/* Hand over the history (or the error) and free the fetch. */
static void
finish(struct od_history_fetch *f, const struct od_error *err)
{
    struct od_deploy_history *h = err == NULL ? f->h : NULL;
    deploy_history_cb cb = f->cb;
    void *ud = f->ud;
    struct od_error copy = {0};

    if (err != NULL)
        od_error_copy(&copy, err);
    else
        f->h = NULL;
    fetch_free(f);
    cb(h, err != NULL ? &copy : NULL, ud);
    od_error_clear(&copy);
}

/* Start one call of body (freed here). */
static enum od_err
call(struct od_history_fetch *f, const char *op, char *body, od_aws_cb cb, struct od_error *err)
{
    enum od_err rc = aws_call_json(f->aws, OD_SVC_ECS, op, body, 0, cb, f, err);

    free(body);
    if (rc == OD_OK)
        f->outstanding++;
    return rc;
}

static enum od_err
list_page(struct od_history_fetch *f, const char *token, struct od_error *err)
{
    cJSON *o = json_new_object();

    json_add_str(o, "cluster", f->cluster);
    json_add_str(o, "service", f->service);
    if (f->page_size > 0)
        json_add_num(o, "maxResults", f->page_size);
    json_add_str(o, "nextToken", token);
    return call(f, "ListServiceDeployments", json_print_free(o), on_list, err);
}

/* One answer of the step is in: keep the first failure; when none is left, the next step. */
static void start_deployments(struct od_history_fetch *f);
static void start_revisions(struct od_history_fetch *f);

static void
step_failed(struct od_history_fetch *f, const struct od_error *err)
{
    if (f->failed.err == OD_OK)
        od_error_copy(&f->failed, err);
}

static void
answered(struct od_history_fetch *f)
{
    if (--f->outstanding > 0)
        return;
    if (f->step == STEP_LIST) {
        if (f->failed.err != OD_OK)
            finish(f, &f->failed);
        else
            start_deployments(f);
    } else if (f->step == STEP_DEPLOYMENTS) {
        if (f->failed.err != OD_OK)
            finish(f, &f->failed);
        else
            start_revisions(f);
    } else {
        /* The revisions only add the diffs: their failure costs the diffs alone. */
        if (f->failed.err != OD_OK)
            f->h->revisions_error = od_error_format(&f->failed);
        finish(f, NULL);
    }
}

static void
on_list(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct od_history_fetch *f = ud;
    char **arns = NULL, *next = NULL;
    size_t n = 0;
    struct od_error e = {0};

    if (err != NULL && err->err != OD_OK) {
        step_failed(f, err);
    } else if (ecs_decode_service_deployment_list(resp->body, resp->body_len, &arns, &n, &next,
                                                  &e) != OD_OK) {
        step_failed(f, &e);
    } else {
        f->h->list_calls++;
        for (size_t i = 0; i < n && f->narns < f->max_items; i++)
            push_arn(f, arns[i]);
        if (next != NULL && f->narns >= f->max_items)
            f->h->truncated = true;
        else if (next != NULL && list_page(f, next, &e) != OD_OK)
            step_failed(f, &e);
    }
    od_error_clear(&e);
    free(next);
    arn_list_free(&arns, &n);
    answered(f);
}

static void
on_deployments(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct od_history_fetch *f = ud;
    struct od_service_deployment *arr = NULL;
    size_t n = 0;
    struct od_error e = {0};

    if (err != NULL && err->err != OD_OK) {
        step_failed(f, err);
    } else if (ecs_decode_service_deployments(resp->body, resp->body_len, &arr, &n, &e) !=
               OD_OK) {
        step_failed(f, &e);
    } else {
        struct od_deploy_history *h = f->h;

        h->deps = xreallocarray(h->deps, h->ndeps + n + 1, sizeof *h->deps);
        memcpy(h->deps + h->ndeps, arr, n * sizeof *arr);
        h->ndeps += n;
        free(arr);
    }
    od_error_clear(&e);
    answered(f);
}

static void
on_revisions(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct od_history_fetch *f = ud;
    struct od_service_revision *arr = NULL;
    size_t n = 0;
    struct od_error e = {0};

    if (err != NULL && err->err != OD_OK) {
        step_failed(f, err);
    } else if (ecs_decode_service_revisions(resp->body, resp->body_len, &arr, &n, &e) != OD_OK) {
        step_failed(f, &e);
    } else {
        struct od_deploy_history *h = f->h;

        h->revs = xreallocarray(h->revs, h->nrevs + n + 1, sizeof *h->revs);
        memcpy(h->revs + h->nrevs, arr, n * sizeof *arr);
        h->nrevs += n;
        free(arr);
    }
    od_error_clear(&e);
    answered(f);
}

/* Describe f->arns in batches with op; false (finished with the error) when none started. */
static bool
describe_batches(struct od_history_fetch *f, const char *op,
                 char *(*body)(const char *const *, size_t), od_aws_cb cb)
{
    struct od_error e = {0};

    for (size_t i = 0; i < f->narns; i += DESCRIBE_SERVICE_DEPLOYMENTS_MAX) {
        size_t m = f->narns - i < DESCRIBE_SERVICE_DEPLOYMENTS_MAX
                       ? f->narns - i : DESCRIBE_SERVICE_DEPLOYMENTS_MAX;

        if (call(f, op, body((const char *const *)f->arns + i, m), cb, &e) != OD_OK) {
            step_failed(f, &e);
            od_error_clear(&e);
            break;
        }
    }
    return f->outstanding > 0;
}

static void
start_deployments(struct od_history_fetch *f)
{
    f->step = STEP_DEPLOYMENTS;
    if (f->narns == 0) {
        finish(f, NULL);
        return;
    }
    if (!describe_batches(f, "DescribeServiceDeployments", ecs_body_describe_service_deployments,
                          on_deployments))
        finish(f, &f->failed);
}

/* Newest first: by createdAt, ties (and unknown times) in the listed order. */
static int
newest_first(const void *a, const void *b)
{
    const struct od_service_deployment *x = a, *y = b;

    return x->created_ms > y->created_ms ? -1 : x->created_ms < y->created_ms;
}

static void
start_revisions(struct od_history_fetch *f)
{
    struct od_deploy_history *h = f->h;

    /* Describe answers come in any order: put them in the listed order, then by time. */
    for (size_t i = 0, k = 0; i < f->narns; i++)
        for (size_t j = k; j < h->ndeps; j++)
            if (str_eq(h->deps[j].arn, f->arns[i])) {
                struct od_service_deployment t = h->deps[k];

                h->deps[k] = h->deps[j];
                h->deps[j] = t;
                k++;
                break;
            }
    /* qsort is not stable: the listed order is kept by sorting a stable merge by hand. */
    for (size_t i = 1; i < h->ndeps; i++)
        for (size_t j = i; j > 0 && newest_first(&h->deps[j - 1], &h->deps[j]) > 0; j--) {
            struct od_service_deployment t = h->deps[j];

            h->deps[j] = h->deps[j - 1];
            h->deps[j - 1] = t;
        }
    f->step = STEP_REVISIONS;
    arn_list_free(&f->arns, &f->narns);
    f->carns = 0;
    for (size_t i = 0; i < h->ndeps; i++) {
        push_arn(f, h->deps[i].target.arn);
        for (size_t k = 0; k < h->deps[i].nsources; k++)
            push_arn(f, h->deps[i].sources[k].arn);
    }
    if (f->narns == 0) {
        finish(f, NULL);
        return;
    }
    if (!describe_batches(f, "DescribeServiceRevisions", ecs_body_describe_service_revisions,
                          on_revisions)) {
        h->revisions_error = od_error_format(&f->failed);
        finish(f, NULL);
    }
}

enum od_err
deploy_history_fetch(struct od_aws *aws, const char *cluster, const char *service,
                     size_t max_items, int page_size, deploy_history_cb cb, void *ud,
                     struct od_history_fetch **out, struct od_error *err)
{
    struct od_history_fetch *f = xcalloc(1, sizeof *f);

    f->aws = aws;
    f->cluster = xstrdup(cluster);
    f->service = xstrdup(service);
    f->max_items = max_items > 0 ? max_items : HISTORY_DEFAULT_ITEMS;
    f->page_size = page_size;
    f->cb = cb;
    f->ud = ud;
    f->h = xcalloc(1, sizeof *f->h);
    if (list_page(f, NULL, err) != OD_OK) {
        fetch_free(f);
        return err->err;
    }
    f->self = out;
    if (out != NULL)
        *out = f;
    return OD_OK;
}

void
deploy_history_cancel(struct od_history_fetch **fp)
{
    struct od_history_fetch *f = fp != NULL ? *fp : NULL;

    if (f == NULL)
        return;
    aws_cancel_ud(f->aws, f);
    f->self = NULL;
    *fp = NULL;
    fetch_free(f);
}

void
deploy_history_free(struct od_deploy_history **hp)
{
    struct od_deploy_history *h = *hp;

    if (h == NULL)
        return;
    for (size_t i = 0; i < h->ndeps; i++)
        service_deployment_clear(&h->deps[i]);
    free(h->deps);
    for (size_t i = 0; i < h->nrevs; i++)
        service_revision_clear(&h->revs[i]);
    free(h->revs);
    free(h->revisions_error);
    free(h);
    *hp = NULL;
}

const struct od_service_revision *
deploy_history_revision(const struct od_deploy_history *h, const char *arn)
{
    for (size_t i = 0; arn != NULL && i < h->nrevs; i++)
        if (str_eq(h->revs[i].arn, arn))
            return &h->revs[i];
    return NULL;
}

struct od_revision_change *
deploy_history_changes(const struct od_deploy_history *h, const struct od_service_deployment *d,
                       size_t *n)
{
    const struct od_service_revision *to = deploy_history_revision(h, d->target.arn);
    const struct od_service_revision *from =
        d->nsources > 0 ? deploy_history_revision(h, d->sources[0].arn) : NULL;

    *n = 0;
    if (from == NULL || to == NULL)
        return NULL;
    return revision_diff(from, to, n);
}

char *
deploy_history_label(const struct od_deploy_history *h, const char *revision_arn)
{
    const struct od_service_revision *r = deploy_history_revision(h, revision_arn);
    const char *slash;

    if (r != NULL && r->task_definition != NULL)
        return task_def_short_name(r->task_definition);
    if (revision_arn == NULL)
        return xstrdup("-");
    slash = strrchr(revision_arn, '/');
    return xstrdup(slash != NULL ? slash + 1 : revision_arn);
}

long
deploy_history_duration_s(const struct od_service_deployment *d, int64_t now_ms)
{
    int64_t start = d->started_ms > 0 ? d->started_ms : d->created_ms;
    int64_t end = d->finished_ms > 0 ? d->finished_ms
                                     : (service_deployment_in_flight(d) ? now_ms : 0);

    if (start <= 0 || end <= 0 || end < start)
        return -1;
    return (long)((end - start) / 1000);
}
