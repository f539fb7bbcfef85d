/* STS: GetCallerIdentity (who am I, which account) and the AssumeRole response decoder. */
#ifndef OD_STS_H
#define OD_STS_H

#include <time.h>

#include "aws/request.h"

struct od_identity {
    char *account;
    char *arn;
    char *user_id;
};

void sts_identity_free(struct od_identity *id);
/* Decode a GetCallerIdentity response body. */
enum od_err sts_decode_identity(const char *body, size_t len, struct od_identity *out,
                                struct od_error *err);

typedef void (*sts_identity_cb)(const struct od_identity *id, const struct od_error *err,
                                void *ud);
/* Start GetCallerIdentity with the client's credentials. */
enum od_err sts_get_caller_identity(struct od_aws *aws, sts_identity_cb cb, void *ud,
                                    struct od_error *err);

#endif
