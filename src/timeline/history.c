#include "timeline/history.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

struct tl_history {
    struct od_aws *aws;
    double start;
    int pages;
    struct od_alarm_change *v;
    size_t n, cap;
    tl_history_cb cb;
    void *ud;
};

void
tl_history_changes_free(struct od_alarm_change *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        alarm_change_clear(&c[i]);
    free(c);
}

static void
finish(struct tl_history *h, const struct od_error *err)
{
    if (err != NULL) {
        tl_history_changes_free(h->v, h->n);
        h->cb(NULL, 0, err, h->ud);
    } else {
        h->cb(h->v, h->n, NULL, h->ud);
    }
    free(h);
}

static enum od_err ask(struct tl_history *h, const char *token, struct od_error *err);

static void
on_page(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct tl_history *h = ud;
    struct od_alarm_change *arr = NULL;
    struct od_error perr = {0};
    char *next = NULL;
    size_t n = 0;

    if (err != NULL && err->err != OD_OK) {
        finish(h, err);
        return;
    }
    if (cw_decode_alarm_history(resp->body, resp->body_len, &arr, &n, &next, &perr) != OD_OK) {
        finish(h, &perr);
        od_error_clear(&perr);
        return;
    }
    if (h->n + n > h->cap) {
        h->cap = h->n + n + 16;
        h->v = xreallocarray(h->v, h->cap, sizeof *h->v);
    }
    if (n > 0)
        memcpy(h->v + h->n, arr, n * sizeof *arr);
    h->n += n;
    free(arr);
    if (next != NULL && ++h->pages < TL_HISTORY_PAGES) {
        if (ask(h, next, &perr) != OD_OK) {
            finish(h, &perr);
            od_error_clear(&perr);
        }
    } else {
        finish(h, NULL);
    }
    free(next);
}

static enum od_err
ask(struct tl_history *h, const char *token, struct od_error *err)
{
    char *body = cw_body_describe_alarm_history(h->start, token);
    enum od_err rc = aws_call_json(h->aws, OD_SVC_CLOUDWATCH, "DescribeAlarmHistory", body, 0,
                                   on_page, h, err);

    free(body);
    return rc;
}

enum od_err
tl_history_fetch(struct od_aws *aws, double start, tl_history_cb cb, void *ud,
                 struct tl_history **out, struct od_error *err)
{
    struct tl_history *h = xcalloc(1, sizeof *h);

    h->aws = aws;
    h->start = start;
    h->cb = cb;
    h->ud = ud;
    if (ask(h, NULL, err) != OD_OK) {
        free(h);
        return err->err;
    }
    if (out != NULL)
        *out = h;
    return OD_OK;
}

void
tl_history_cancel(struct tl_history *h)
{
    if (h == NULL)
        return;
    aws_cancel_ud(h->aws, h);
    tl_history_changes_free(h->v, h->n);
    free(h);
}
