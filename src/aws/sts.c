#include "aws/sts.h"

#include <stdlib.h>

#include "aws/proto_xml.h"
#include "util/xalloc.h"

void
sts_identity_free(struct od_identity *id)
{
    xfree(&id->account);
    xfree(&id->arn);
    xfree(&id->user_id);
}

enum od_err
sts_decode_identity(const char *body, size_t len, struct od_identity *out, struct od_error *err)
{
    struct od_xml *doc = NULL;
    const struct od_xml_node *res;
    enum od_err rc;

    if ((rc = xml_parse(body, len, &doc, err)) != OD_OK)
        return rc;
    res = xml_path(xml_root(doc), "GetCallerIdentityResult");
    out->account = xml_text_at(res, "Account");
    out->arn = xml_text_at(res, "Arn");
    out->user_id = xml_text_at(res, "UserId");
    xml_free(&doc);
    if (out->account == NULL || out->arn == NULL) {
        sts_identity_free(out);
        od_error_set(err, OD_E_PARSE, "GetCallerIdentity response has no Account or Arn");
        return OD_E_PARSE;
    }
    return OD_OK;
}

struct identity_req {
    sts_identity_cb cb;
    void *ud;
};

static void
on_identity(const struct od_aws_response *resp, const struct od_error *err, void *ud)
{
    struct identity_req *r = ud;
    struct od_identity id = {0};
    struct od_error perr = {0};

    if (err != NULL && err->err != OD_OK) {
        r->cb(NULL, err, r->ud);
    } else if (sts_decode_identity(resp->body, resp->body_len, &id, &perr) != OD_OK) {
        r->cb(NULL, &perr, r->ud);
    } else {
        r->cb(&id, NULL, r->ud);
    }
    sts_identity_free(&id);
    od_error_clear(&perr);
    free(r);
}

enum od_err
sts_get_caller_identity(struct od_aws *aws, sts_identity_cb cb, void *ud, struct od_error *err)
{
    struct identity_req *r = xmalloc(sizeof *r);
    enum od_err rc;

    r->cb = cb;
    r->ud = ud;
    rc = aws_call_query(aws, OD_SVC_STS, "GetCallerIdentity", NULL, 0, 0, on_identity, r, err);
    if (rc != OD_OK)
        free(r);
    return rc;
}
