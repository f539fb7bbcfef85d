#include "util/err.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static const char *const err_names[OD_E__COUNT] = {
    [OD_OK] = "ok",
    [OD_E_USAGE] = "usage error",
    [OD_E_IO] = "input/output error",
    [OD_E_CONFIG] = "configuration error",
    [OD_E_PARSE] = "malformed response",
    [OD_E_TOO_LARGE] = "response too large",
    [OD_E_NETWORK] = "network error",
    [OD_E_TIMEOUT] = "timed out",
    [OD_E_HTTP] = "HTTP error",
    [OD_E_AWS] = "AWS error",
    [OD_E_THROTTLED] = "throttled",
    [OD_E_NO_CREDS] = "no credentials",
    [OD_E_EXPIRED_CREDS] = "credentials expired",
    [OD_E_REFUSED] = "refused",
    [OD_E_CANCELLED] = "cancelled",
};

const char *
od_strerror(enum od_err err)
{
    if ((unsigned)err >= OD_E__COUNT)
        return "unknown error";
    return err_names[err];
}

void
od_error_clear(struct od_error *e)
{
    xfree(&e->code);
    xfree(&e->message);
    xfree(&e->request_id);
    e->err = OD_OK;
    e->http_status = 0;
}

void
od_error_set(struct od_error *e, enum od_err err, const char *fmt, ...)
{
    va_list ap;

    od_error_clear(e);
    e->err = err;
    if (fmt != NULL) {
        va_start(ap, fmt);
        e->message = xvasprintf(fmt, ap);
        va_end(ap);
    }
}

static char *
dup_or_null(const char *s)
{
    return s != NULL ? xstrdup(s) : NULL;
}

void
od_error_copy(struct od_error *dst, const struct od_error *src)
{
    od_error_clear(dst);
    dst->err = src->err;
    dst->http_status = src->http_status;
    dst->code = dup_or_null(src->code);
    dst->message = dup_or_null(src->message);
    dst->request_id = dup_or_null(src->request_id);
}

char *
od_error_format(const struct od_error *e)
{
    const char *what = e->code != NULL ? e->code : od_strerror(e->err);
    const char *msg = e->message != NULL ? e->message : "";
    const char *sep = e->message != NULL ? ": " : "";

    if (e->http_status != 0 && e->request_id != NULL)
        return xasprintf("%s%s%s (HTTP %ld, request id %s)", what, sep, msg, e->http_status,
                         e->request_id);
    if (e->http_status != 0)
        return xasprintf("%s%s%s (HTTP %ld)", what, sep, msg, e->http_status);
    if (e->request_id != NULL)
        return xasprintf("%s%s%s (request id %s)", what, sep, msg, e->request_id);
    return xasprintf("%s%s%s", what, sep, msg);
}

bool
od_error_denied(const struct od_error *e)
{
    /* AccessDeniedException: ECS, Logs, ECR, CloudWatch's JSON protocol; AccessDenied: ELBv2,
     * CloudWatch's Query code, STS, CloudFront. */
    static const char *const codes[] = {"AccessDeniedException", "AccessDenied",
                                        "UnauthorizedOperation"};

    if (e == NULL || e->code == NULL)
        return false;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (strcmp(e->code, codes[i]) == 0)
            return true;
    return false;
}
