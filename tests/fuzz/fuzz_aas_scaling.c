/* Application Auto Scaling responses (awsJson 1.1): the same bytes through the three
 * decoders (scalable targets, policies, activities), as any of them may be answered. */
#include "aws/autoscaling.h"
#include "model/entities.h"
#include "tests/fuzz/fuzz.h"

FUZZ_ENTRY(aas_scaling)
{
    struct od_error err = { 0 };
    struct od_scaling *t = NULL;
    struct od_scaling_policy *p = NULL;
    struct od_scaling_activity *a = NULL;
    size_t n = 0;
    char *next = NULL;
    enum od_err rc;

    rc = autoscaling_decode_targets((const char *)data, size, &t, &n, &next, &err);
    fuzz_check_result(rc, &err);
    if (rc != OD_OK)
        FUZZ_ASSERT(t == NULL && n == 0);
    for (size_t i = 0; i < n; i++)
        FUZZ_ASSERT(t[i].service != NULL && t[i].min >= 0 && t[i].max >= 0);
    OD_FREE_ARRAY(t, n, scaling_clear);
    free(next);
    next = NULL;
    od_error_clear(&err);

    rc = autoscaling_decode_policies((const char *)data, size, &p, &n, &next, &err);
    fuzz_check_result(rc, &err);
    if (rc != OD_OK)
        FUZZ_ASSERT(p == NULL && n == 0);
    for (size_t i = 0; i < n; i++)
        FUZZ_ASSERT(p[i].name != NULL);
    OD_FREE_ARRAY(p, n, scaling_policy_clear);
    free(next);
    next = NULL;
    od_error_clear(&err);

    rc = autoscaling_decode_activities((const char *)data, size, &a, &n, &next, &err);
    fuzz_check_result(rc, &err);
    if (rc != OD_OK)
        FUZZ_ASSERT(a == NULL && n == 0);
    OD_FREE_ARRAY(a, n, scaling_activity_clear);
    free(next);
    od_error_clear(&err);
    return 0;
}
