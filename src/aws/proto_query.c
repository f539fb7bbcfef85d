/* awsQuery form encoding (see proto_query.h). */
#include "aws/proto_query.h"

#include <stdio.h>
#include <string.h>

#include "util/str.h"

static enum od_err
enc(struct od_buf *out, const char *s)
{
    return str_uri_encode(out, s, strlen(s), false);
}

enum od_err
proto_query_begin(struct od_buf *out, const char *action, const char *version)
{
    enum od_err err;

    buf_reset(out);
    if ((err = buf_puts(out, "Action=")) != OD_OK || (err = enc(out, action)) != OD_OK ||
        (err = buf_puts(out, "&Version=")) != OD_OK || (err = enc(out, version)) != OD_OK)
        return err;
    return OD_OK;
}

enum od_err
proto_query_add(struct od_buf *out, const char *key, const char *value)
{
    enum od_err err;

    if ((err = buf_putc(out, '&')) != OD_OK || (err = enc(out, key)) != OD_OK ||
        (err = buf_putc(out, '=')) != OD_OK)
        return err;
    return value != NULL ? enc(out, value) : OD_OK;
}

enum od_err
proto_query_add_long(struct od_buf *out, const char *key, long value)
{
    char num[24];

    snprintf(num, sizeof num, "%ld", value);
    return proto_query_add(out, key, num);
}

enum od_err
proto_query_add_bool(struct od_buf *out, const char *key, bool value)
{
    return proto_query_add(out, key, value ? "true" : "false");
}

enum od_err
proto_query_add_member(struct od_buf *out, const char *prefix, size_t index, const char *field,
                       const char *value)
{
    enum od_err err;

    /* The key is built straight into out: the prefix and field are model names (unreserved
     * characters and '.'), encoded anyway so a bad caller cannot inject '&' or '='. */
    if ((err = buf_putc(out, '&')) != OD_OK || (err = enc(out, prefix)) != OD_OK ||
        (err = buf_printf(out, ".member.%zu", index)) != OD_OK)
        return err;
    if (field != NULL && ((err = buf_putc(out, '.')) != OD_OK || (err = enc(out, field)) != OD_OK))
        return err;
    if ((err = buf_putc(out, '=')) != OD_OK)
        return err;
    return value != NULL ? enc(out, value) : OD_OK;
}

enum od_err
proto_query_add_list(struct od_buf *out, const char *name, const char *const *values, size_t n)
{
    enum od_err err = OD_OK;
    size_t i;

    if (n == 0)
        return proto_query_add(out, name, NULL);
    for (i = 0; i < n && err == OD_OK; i++)
        err = proto_query_add_member(out, name, i + 1, NULL, values[i]);
    return err;
}

enum od_err
proto_query_encode(struct od_buf *out, const char *action, const char *version,
                   const struct od_kv *params, size_t nparams)
{
    enum od_err err = proto_query_begin(out, action, version);
    size_t i;

    for (i = 0; i < nparams && err == OD_OK; i++)
        err = proto_query_add(out, params[i].key, params[i].value);
    return err;
}
