/* Service revisions and their diff: DescribeServiceRevisions bodies the AWS-behaviour layer
 * answered after a move to another task definition, subnet, security group, public IP and
 * target group (tests/unit/data/history/, see its README), and the same body edited with a
 * capacity provider strategy and platform version, decoded and compared. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/ecs_deployments.h"
#include "check.h"
#include "model/service_revision.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

static char *
load(const char *name)
{
    const char *src = getenv("ONDECK_SRCDIR");
    char *path = xasprintf("%s/tests/unit/data/history/%s", !str_empty(src) ? src : "..", name);
    FILE *f = fopen(path, "rb");
    struct od_buf b;
    char chunk[4096];
    size_t n;

    if (f == NULL) {
        printf("Bail out! cannot open fixture %s (set ONDECK_SRCDIR)\n", path);
        exit(1);
    }
    buf_init(&b, 0);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    free(path);
    return buf_steal(&b);
}

static const struct od_revision_change *
find(const struct od_revision_change *c, size_t n, const char *field)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(c[i].field, field) == 0)
            return &c[i];
    return NULL;
}

static void
decode(const char *name, struct od_service_revision **revs, size_t *n)
{
    char *body = load(name);
    struct od_error err = {0};

    CHECK(ecs_decode_service_revisions(body, strlen(body), revs, n, &err) == OD_OK, name);
    CHECK_INT(*n, 2, "two revisions: the target, then the source");
    free(body);
}

static void
test_moved(void)
{
    struct od_service_revision *r = NULL;
    size_t n = 0, nc = 0;
    struct od_revision_change *c;
    char *text;

    decode("ecs_describe_service_revisions_moved_layer.json", &r, &n);
    if (n != 2)
        return;
    CHECK_INT(r[0].nsubnets, 1, "target: one subnet");
    CHECK_STR(r[0].assign_public_ip, "ENABLED", "target: public IP");
    CHECK_INT(r[0].nlbs, 1, "target: one load balancer");
    CHECK_INT(r[0].lbs[0].container_port, 8080, "target: container port");
    CHECK_STR(r[1].lbs[0].container_name, "app", "source: container name");

    c = revision_diff(&r[1], &r[0], &nc);
    CHECK_INT(nc, 6, "six differences source -> target");
    CHECK_STR(find(c, nc, "task definition") ? find(c, nc, "task definition")->from : NULL,
              "web:1", "task definition from (short name of the ARN)");
    CHECK_STR(find(c, nc, "task definition") ? find(c, nc, "task definition")->to : NULL,
              "web:2", "task definition to");
    CHECK_STR(find(c, nc, "image app") ? find(c, nc, "image app")->to : NULL,
              "nginx:1.27@sha256:cd4495bb73de9b01bf009710b80ecf4be2d298db47492f4e9e7d0b04981c4614",
              "image with its digest");
    CHECK_STR(find(c, nc, "subnets") ? find(c, nc, "subnets")->from : NULL,
              "subnet-bec1515cd31fc5f00", "subnets from");
    CHECK_STR(find(c, nc, "security groups") ? find(c, nc, "security groups")->to : NULL,
              "sg-a646e98bb4e97a241", "security groups to");
    CHECK_STR(find(c, nc, "public IP") ? find(c, nc, "public IP")->from : NULL, "DISABLED",
              "public IP from");
    CHECK_STR(find(c, nc, "load balancers") ? find(c, nc, "load balancers")->to : NULL,
              "green/6cfe0f5cb7298746 app:8080", "load balancer: target group, container, port");
    CHECK(find(c, nc, "launch type") == NULL, "same launch type: not a difference");
    text = revision_diff_text(c, nc);
    CHECK(strstr(text, "public IP: DISABLED -> ENABLED\n") != NULL, "text: one line per change");
    CHECK(strncmp(text, "task definition: web:1 -> web:2\n", 32) == 0,
          "text: task definition first");
    free(text);
    revision_changes_free(&c, &nc);
    CHECK(c == NULL && nc == 0, "changes freed");

    c = revision_diff(&r[0], &r[0], &nc);
    CHECK(c == NULL && nc == 0, "a revision against itself: no difference");
    text = revision_diff_text(c, nc);
    CHECK_STR(text, "", "text of no difference is empty");
    free(text);
    for (size_t i = 0; i < n; i++)
        service_revision_clear(&r[i]);
    free(r);
}

static void
test_capacity(void)
{
    struct od_service_revision *r = NULL;
    size_t n = 0, nc = 0;
    struct od_revision_change *c;
    const struct od_revision_change *x;

    decode("ecs_describe_service_revisions_moved_edited.json", &r, &n);
    if (n != 2)
        return;
    CHECK_INT(r[0].ncapacity, 1, "target: one capacity provider");
    c = revision_diff(&r[1], &r[0], &nc);
    x = find(c, nc, "capacity provider strategy");
    CHECK_STR(x ? x->from : NULL, "FARGATE weight 1 base 1", "capacity provider from");
    CHECK_STR(x ? x->to : NULL, "FARGATE_SPOT weight 1 base 0", "capacity provider to");
    x = find(c, nc, "platform version");
    CHECK_STR(x ? x->to : NULL, "1.4.0", "platform version to");
    CHECK(find(c, nc, "launch type") == NULL, "no launch type on either side");
    CHECK(find(c, nc, "platform family") == NULL, "same platform family");
    revision_changes_free(&c, &nc);
    for (size_t i = 0; i < n; i++)
        service_revision_clear(&r[i]);
    free(r);
}

/* Lists are sets: another order of the same subnets is no change; a container only in one
 * revision is. */
static void
test_sets(void)
{
    char sa[] = "subnet-a", sb[] = "subnet-b", app[] = "app nginx:1@sha256:1",
         log[] = "log fluent:2";
    char *s1[] = {sa, sb}, *s2[] = {sb, sa}, *i1[] = {app}, *i2[] = {app, log};
    struct od_service_revision a = {0}, b = {0};
    struct od_revision_change *c;
    size_t nc;

    a.subnets = s1;
    a.nsubnets = 2;
    b.subnets = s2;
    b.nsubnets = 2;
    a.images = i1;
    a.nimages = 1;
    b.images = i2;
    b.nimages = 2;
    c = revision_diff(&a, &b, &nc);
    CHECK_INT(nc, 1, "subnets in another order: no change; an added container: one");
    if (nc == 1) {
        CHECK_STR(c[0].field, "image log", "the added container");
        CHECK(c[0].from == NULL, "absent before");
    }
    revision_changes_free(&c, &nc);
}

int
main(void)
{
    test_moved();
    test_capacity();
    test_sets();
    return check_done();
}
