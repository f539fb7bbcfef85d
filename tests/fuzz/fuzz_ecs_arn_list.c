/* ECS List* responses (ListClusters, ListServices, ListTasks, ListContainerInstances,
 * ListTaskDefinitions): ecs_decode_arn_list under each key ondeck asks for. */
#include "aws/ecs.h"
#include "tests/fuzz/fuzz.h"

static const char *const keys[] = {
    "clusterArns", "serviceArns", "taskArns", "containerInstanceArns", "taskDefinitionArns",
};

FUZZ_ENTRY(ecs_arn_list)
{
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        struct od_error err = { 0 };
        char **arns = NULL, *next = NULL;
        size_t n = 0;
        enum od_err rc = ecs_decode_arn_list((const char *)data, size, keys[k], &arns, &n, &next,
                                             &err);

        fuzz_check_result(rc, &err);
        for (size_t i = 0; i < n; i++)
            FUZZ_ASSERT(arns[i] != NULL);
        arn_list_free(&arns, &n);
        free(next);
        od_error_clear(&err);
    }
    return 0;
}
