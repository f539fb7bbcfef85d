/* misc.c - the services ondeck may touch that this world leaves empty: CloudWatch Logs,
 * Application Auto Scaling and ECR answer with empty lists (JSON 1.1). */
#include "replay.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *op, *body;
} empty[] = {
    {"DescribeLogStreams", "{\"logStreams\":[]}"},
    {"DescribeLogGroups", "{\"logGroups\":[]}"},
    {"FilterLogEvents", "{\"events\":[],\"searchedLogStreams\":[]}"},
    {"GetLogEvents", "{\"events\":[]}"},
    {"DescribeScalableTargets", "{\"ScalableTargets\":[]}"},
    {"DescribeScalingPolicies", "{\"ScalingPolicies\":[]}"},
    {"DescribeScalingActivities", "{\"ScalingActivities\":[]}"},
    {"DescribeImages", "{\"imageDetails\":[]}"},
};

void
misc_answer(const struct rp_request *rq, struct rp_answer *a)
{
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        if (strcmp(rq->op, empty[i].op) == 0) {
            struct rp_buf b = {0};
            buf_puts(&b, empty[i].body);
            answer_json(a, 200, buf_take(&b, NULL));
            return;
        }
    }
    json_error(a, 400, "UnknownOperationException", "");
}
