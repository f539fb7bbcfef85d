/* actions: the registry, task-definition copies (read-only denylist), image changes by
 * container name, the canonical diff, the CallerReference, the watcher's decisions on recorded
 * and edited DescribeServices bodies, ECR references and tags, and the audit journal's modes.
 * Fixtures: tests/unit/data/actions (see the README there). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actions/action.h"
#include "actions/audit.h"
#include "actions/internal.h"
#include "actions/taskdef.h"
#include "actions/watch.h"
#include "aws/ecr.h"
#include "aws/ecs.h"
#include "aws/proto_json.h"
#include "check.h"
#include "settings.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#define MINE "ecs-svc/1111111111111111111"
#define TD_ARN "arn:aws:ecs:us-east-1:123456789012:task-definition/"

static char *
load(const char *name)
{
    const char *src = getenv("ONDECK_SRCDIR");
    char *path = !str_empty(src) ? xasprintf("%s/tests/unit/data/actions/%s", src, name)
                                 : xasprintf("%s/../tests/unit/data/actions/%s", ".", name);
    FILE *f = fopen(path, "rb");
    struct od_buf b;
    char chunk[4096];
    size_t n;

    if (f == NULL) {
        /* running from the build tree next to the sources */
        free(path);
        path = xasprintf("tests/unit/data/actions/%s", name);
        f = fopen(path, "rb");
    }
    if (f == NULL) {
        printf("Bail out! cannot open fixture %s (set ONDECK_SRCDIR)\n", name);
        exit(1);
    }
    buf_init(&b, 0);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    free(path);
    return buf_steal(&b);
}

static cJSON *
described_td(void)
{
    char *body = load("describe_task_definition.json");
    cJSON *root = json_parse(body, strlen(body), NULL), *td;

    free(body);
    td = cJSON_DetachItemFromObjectCaseSensitive(root, "taskDefinition");
    cJSON_Delete(root);
    return td;
}

static void
test_registry(void)
{
    const char *keys = "DRSKIxC";
    size_t n = action_count();

    CHECK_INT(n, 7, "seven actions in the registry");
    for (size_t i = 0; i < n; i++) {
        const struct od_action_def *d = action_at(i);

        CHECK(d->key == keys[i], "keys D R S K I x C in display order");
        CHECK((d->flags & OD_ACTION_MUTATES) && (d->flags & OD_ACTION_NEEDS_CONFIRM),
              "every action mutates and needs confirmation");
        CHECK(action_find(d->name) == d && action_by_key(d->key) == d,
              "found by name and by key");
    }
    CHECK(!(action_get(OD_ACTION_DEPLOY)->flags & OD_ACTION_IDEMPOTENT) &&
              !(action_get(OD_ACTION_ROLLBACK)->flags & OD_ACTION_IDEMPOTENT),
          "deploy and rollback are not idempotent");
    CHECK((action_get(OD_ACTION_SCALE)->flags & OD_ACTION_IDEMPOTENT) &&
              (action_get(OD_ACTION_STOP_TASK)->flags & OD_ACTION_IDEMPOTENT) &&
              (action_get(OD_ACTION_INVALIDATE)->flags & OD_ACTION_IDEMPOTENT),
          "scale, stop-task and invalidate are idempotent");
    CHECK(!(action_get(OD_ACTION_EXEC)->flags & OD_ACTION_IDEMPOTENT),
          "exec opens a new session each time: not idempotent");
    CHECK(action_find("logs") == NULL && action_by_key('X') == NULL, "unknown name and key");
    {
        struct od_action_env env = {.read_only = true};

        CHECK(action_refused(&env, action_get(OD_ACTION_INVALIDATE)),
              "read-only mode refuses a mutation");
        env.read_only = false;
        CHECK(!action_refused(&env, action_get(OD_ACTION_INVALIDATE)), "otherwise allowed");
    }
}

static void
test_denylist(void)
{
    cJSON *td = described_td(), *reg, *extra;
    struct od_error err = {0};

    reg = taskdef_registrable_tree(td, &err);
    CHECK(reg != NULL, "a described task definition gives a registrable copy");
    for (size_t i = 0; taskdef_read_only_fields[i] != NULL; i++) {
        char what[120];

        snprintf(what, sizeof what, "read-only %s is dropped", taskdef_read_only_fields[i]);
        CHECK(cJSON_GetObjectItemCaseSensitive(reg, taskdef_read_only_fields[i]) == NULL, what);
    }
    CHECK(cJSON_GetObjectItemCaseSensitive(td, "compatibilities") != NULL &&
              cJSON_GetObjectItemCaseSensitive(td, "revision") != NULL,
          "(the fixture has compatibilities and revision)");
    CHECK_STR(json_str(reg, "family"), "web", "family kept");
    CHECK_STR(json_str(reg, "executionRoleArn"),
              "arn:aws:iam::123456789012:role/ecsTaskExecutionRole", "execution role kept");
    CHECK_STR(json_str(reg, "cpu"), "512", "cpu kept");
    CHECK(json_arr(reg, "requiresCompatibilities") != NULL && json_arr(reg, "volumes") != NULL &&
              json_arr(reg, "placementConstraints") != NULL,
          "requiresCompatibilities, volumes and placementConstraints kept");
    CHECK_INT(json_arr_len(reg, "containerDefinitions"), 2, "both containers kept");
    cJSON_Delete(reg);

    /* A denylist, not an allowlist: a member AWS adds tomorrow survives the copy. */
    extra = cJSON_Duplicate(td, 1);
    json_add_str(extra, "someFutureField", "keep-me");
    json_add_str(extra, "registeredBy", "arn:aws:iam::123456789012:user/x");
    json_add_num(extra, "deregisteredAt", 1.0);
    json_add_num(extra, "deleteRequestedAt", 1.0);
    reg = taskdef_registrable_tree(extra, &err);
    CHECK_STR(json_str(reg, "someFutureField"), "keep-me", "unknown members are kept");
    CHECK(cJSON_GetObjectItemCaseSensitive(reg, "registeredBy") == NULL &&
              cJSON_GetObjectItemCaseSensitive(reg, "deregisteredAt") == NULL &&
              cJSON_GetObjectItemCaseSensitive(reg, "deleteRequestedAt") == NULL,
          "registeredBy, deregisteredAt, deleteRequestedAt dropped");
    cJSON_Delete(reg);
    cJSON_Delete(extra);
    CHECK(taskdef_registrable("{\"x\":1}", &err) == NULL && err.err == OD_E_PARSE,
          "not a task definition: refused");
    od_error_clear(&err);
    cJSON_Delete(td);
}

static void
test_images_and_diff(void)
{
    cJSON *td = described_td(), *reg = taskdef_registrable_tree(td, NULL), *a, *b;
    char *diff, *images;
    cJSON *env, *pm;

    CHECK_STR(taskdef_default_container(td), "app", "default container: the only essential one");
    CHECK(taskdef_set_image(reg, "redis", "redis:7.2"), "set the image by container name");
    CHECK_STR(json_str(taskdef_container(reg, "redis"), "image"), "redis:7.2", "redis changed");
    CHECK_STR(json_str(taskdef_container(reg, "app"), "image"), "public.ecr.aws/nginx/nginx:1.27",
              "app untouched");
    CHECK(!taskdef_set_image(reg, "sidecar", "x"), "unknown container: false");
    images = taskdef_images(reg);
    CHECK_STR(images, "app=public.ecr.aws/nginx/nginx:1.27 redis=redis:7.2", "images summary");
    free(images);

    diff = taskdef_diff(td, reg);
    CHECK_STR(diff,
              "- containerDefinitions[redis].image = \"public.ecr.aws/docker/library/redis:7\"\n"
              "+ containerDefinitions[redis].image = \"redis:7.2\"\n",
              "the diff names the container and shows old and new image only");
    free(diff);
    CHECK(!taskdef_same_content(td, reg), "a changed image is different content");

    /* Read-only members never show in the diff; the described and registrable copies match. */
    a = taskdef_registrable_tree(td, NULL);
    diff = taskdef_diff(td, a);
    CHECK_STR(diff, "", "read-only members are not a difference");
    free(diff);
    CHECK(taskdef_same_content(td, a), "described and registrable: same content");

    /* Sets are canonical: reordering environment or port mappings is no difference. */
    b = cJSON_Duplicate(a, 1);
    env = (cJSON *)json_arr(taskdef_container(b, "app"), "environment");
    json_push_object(env);
    cJSON_AddStringToObject(cJSON_GetArrayItem(env, 1), "name", "A_FIRST");
    cJSON_AddStringToObject(cJSON_GetArrayItem(env, 1), "value", "1");
    diff = taskdef_diff(a, b);
    CHECK_STR(diff, "+ containerDefinitions[app].environment[A_FIRST].value = \"1\"\n",
              "an added variable is one + line, keyed by name");
    free(diff);
    {
        cJSON *c = cJSON_Duplicate(b, 1);
        cJSON *e2 = (cJSON *)json_arr(taskdef_container(c, "app"), "environment");
        cJSON *first = cJSON_DetachItemFromArray(e2, 0);

        cJSON_AddItemToArray(e2, first); /* reorder */
        pm = (cJSON *)json_arr(taskdef_container(c, "app"), "portMappings");
        json_push_object(pm);
        cJSON_AddNumberToObject(cJSON_GetArrayItem(pm, 1), "containerPort", 9090);
        diff = taskdef_diff(b, c);
        CHECK_STR(diff,
                  "+ containerDefinitions[app].portMappings[9090/tcp].containerPort = 9090\n",
                  "reordered environment is no difference; a new port is keyed by port/protocol");
        free(diff);
        cJSON_Delete(c);
    }
    /* Hostile text from AWS is inert in the diff. */
    {
        cJSON *c = cJSON_Duplicate(a, 1);

        taskdef_set_image(c, "app", "evil\x1b]0;pwned\x07:1");
        diff = taskdef_diff(a, c);
        CHECK(strchr(diff, '\x1b') == NULL && strchr(diff, '\x07') == NULL &&
                  strstr(diff, "pwned") != NULL,
              "control characters in the diff are made visible, not sent to the terminal");
        free(diff);
        cJSON_Delete(c);
    }
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(reg);
    cJSON_Delete(td);
}

static void
test_caller_reference(void)
{
    const char *p1[] = {"/index.html", "/static/*"};
    const char *p2[] = {"static/*", " /index.html ", "/index.html"};
    const char *p3[] = {"/index.html"};
    const char *op = "arn:aws:sts::123456789012:assumed-role/ops/alice";
    time_t t = 1795307580; /* a whole minute */
    char *a = invalidate_caller_reference("E2ABC", p1, 2, op, t);
    char *b = invalidate_caller_reference("E2ABC", p2, 3, op, t + 59);
    char *c = invalidate_caller_reference("E2ABC", p1, 2, op, t + 60);
    char *d = invalidate_caller_reference("E2ABC", p3, 1, op, t);
    char *e = invalidate_caller_reference("E2XYZ", p1, 2, op, t);
    char *f = invalidate_caller_reference("E2ABC", p1, 2, "arn:aws:sts::123456789012:user/bob", t);
    size_t n = 0;
    char **norm = invalidate_normalise_paths(p2, 3, &n);

    CHECK(strlen(a) == strlen("ondeck-") + 32 && str_has_prefix(a, "ondeck-"),
          "CallerReference is ondeck- and 32 hex digits");
    CHECK_STR(a, b, "same distribution, paths (any order, duplicates), operator and minute: same "
                    "reference (a retry cannot double the invalidation)");
    CHECK(strcmp(a, c) != 0, "the next minute gives a new reference");
    CHECK(strcmp(a, d) != 0, "other paths give another reference");
    CHECK(strcmp(a, e) != 0, "another distribution gives another reference");
    CHECK(strcmp(a, f) != 0, "another operator gives another reference");
    CHECK_INT(n, 2, "normalised: duplicates dropped");
    CHECK(n == 2 && str_eq(norm[0], "/index.html") && str_eq(norm[1], "/static/*"),
          "normalised: trimmed, leading slash added, sorted");
    action_strv_free(&norm, &n);
    free(a);
    free(b);
    free(c);
    free(d);
    free(e);
    free(f);
    {
        struct od_settings *s = NULL;
        struct od_error err = {0};

        settings_parse("[distribution E2ABC]\npaths = /index.html  static/app.js\n", "test", &s,
                       &err);
        norm = invalidate_default_paths(s, "E2ABC", &n);
        CHECK(n == 2 && str_eq(norm[0], "/index.html") && str_eq(norm[1], "/static/app.js"),
              "default paths from [distribution ID] paths");
        action_strv_free(&norm, &n);
        norm = invalidate_default_paths(s, "E2OTHER", &n);
        CHECK(n == 1 && str_eq(norm[0], "/*"), "no configured paths: /*");
        action_strv_free(&norm, &n);
        settings_free(&s);
        od_error_clear(&err);
    }
}

static struct od_service
service_from(const char *fixture)
{
    char *body = load(fixture);
    struct od_service s;
    struct od_error err = {0};

    if (decode_described_service(body, strlen(body), "web", &s, &err) != OD_OK) {
        printf("Bail out! %s: %s\n", fixture, err.message);
        exit(1);
    }
    free(body);
    return s;
}

static enum od_verdict
decide(const char *fixture, const char *dep, const char *td, char **reason)
{
    struct od_service s = service_from(fixture);
    enum od_verdict v = watch_decide(&s, dep, td, reason);

    service_clear(&s);
    return v;
}

static void
test_watch_decisions(void)
{
    char *why = NULL;
    struct od_service s;

    /* moto: one PRIMARY deployment IN_PROGRESS forever */
    s = service_from("services_in_progress.json");
    CHECK_INT(watch_decide(&s, s.deployments[0].id, NULL, &why), OD_ROLLOUT_PENDING,
              "moto's endless IN_PROGRESS: still pending (the watcher ends by timeout)");
    free(why);
    CHECK(service_stable_td(&s) == NULL, "moto: no deployment completed, nothing known stable");
    service_clear(&s);

    CHECK_INT(decide("services_rolling.json", MINE, TD_ARN "web:4", &why), OD_ROLLOUT_PENDING,
              "rolling: new 1/2 and the old deployment still serving: pending");
    free(why);
    s = service_from("services_rolling.json");
    CHECK_STR(service_stable_td(&s), TD_ARN "web:3",
              "while rolling, the ACTIVE (old) deployment's revision is the stable one");
    service_clear(&s);

    CHECK_INT(decide("services_completed.json", MINE, TD_ARN "web:4", &why), OD_ROLLOUT_COMPLETED,
              "my deployment COMPLETED with 2/2: success");
    CHECK(why != NULL && strstr(why, "COMPLETED") != NULL, "the reason says COMPLETED");
    free(why);
    s = service_from("services_completed.json");
    CHECK_STR(service_stable_td(&s), TD_ARN "web:4", "after completion the new revision is stable");
    service_clear(&s);

    CHECK_INT(decide("services_completed.json", "ecs-svc/other", NULL, &why), OD_ROLLOUT_FAILED,
              "a completed service without my deployment is NOT my success");
    free(why);

    CHECK_INT(decide("services_failed.json", MINE, TD_ARN "web:4", &why), OD_ROLLOUT_FAILED,
              "rolloutState FAILED: failure");
    CHECK(why != NULL && strstr(why, "circuit breaker: tasks failed to start") != NULL,
          "the reason carries rolloutStateReason");
    free(why);
    s = service_from("services_failed.json");
    CHECK_STR(service_stable_td(&s), TD_ARN "web:3", "the rollback offer: the old, stable web:3");
    service_clear(&s);

    CHECK_INT(decide("services_rolled_back.json", MINE, TD_ARN "web:4", &why), OD_ROLLOUT_FAILED,
              "circuit-breaker rollback (my deployment disappeared, one deployment, running == "
              "desired): FAILED, not stable-success");
    CHECK(why != NULL && strstr(why, "circuit breaker rolled the service back to web:3") != NULL,
          "the reason names the circuit breaker and the revision it went back to");
    free(why);

    CHECK_INT(decide("services_no_rollout_state.json", MINE, TD_ARN "web:4", &why),
              OD_ROLLOUT_COMPLETED, "no rolloutState: one deployment on my revision, all running");
    free(why);
    CHECK_INT(decide("services_no_rollout_state.json", MINE, "web:5", &why), OD_ROLLOUT_PENDING,
              "no rolloutState: not my revision yet: pending");
    free(why);
    CHECK_INT(decide("services_no_rollout_state.json", MINE, "web:4", &why), OD_ROLLOUT_COMPLETED,
              "family:rev and ARN compare equal");
    free(why);
    CHECK_STR(watch_verdict_name(OD_ROLLOUT_TIMEOUT), "TIMEOUT", "verdict names");
}

static void
test_ecr(void)
{
    struct od_ecr_ref r;
    struct od_ecr_image *imgs = NULL;
    size_t n = 0;
    char *next = NULL, *body = load("describe_images.json"), *s;
    struct od_error err = {0};

    CHECK(ecr_parse_image("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/web:v3", &r),
          "ECR image recognised");
    CHECK_STR(r.registry_id, "123456789012", "registry id");
    CHECK_STR(r.region, "eu-west-1", "region");
    CHECK_STR(r.repository, "team/web", "repository with a slash");
    CHECK_STR(r.tag, "v3", "tag");
    ecr_ref_clear(&r);
    CHECK(ecr_parse_image("123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:abcd", &r) &&
              str_eq(r.repository, "web") && r.tag == NULL && str_eq(r.digest, "sha256:abcd"),
          "digest reference");
    ecr_ref_clear(&r);
    CHECK(!ecr_parse_image("public.ecr.aws/nginx/nginx:1.27", &r), "public ECR is not private ECR");
    CHECK(!ecr_parse_image("nginx:1.27", &r), "Docker Hub is not ECR");
    CHECK(!ecr_parse_image("123456789012.dkr.ecr.us-east-1.evil.com/web:1", &r),
          "look-alike host is not ECR");
    s = ecr_image_with_tag("registry:5000/team/web:v1@sha256:ab", "v2");
    CHECK_STR(s, "registry:5000/team/web:v2", "retag keeps the registry port, drops the digest");
    free(s);
    s = ecr_image_with_tag("web", "v2");
    CHECK_STR(s, "web:v2", "retag an untagged image");
    free(s);
    CHECK(ecr_decode_images(body, strlen(body), &imgs, &n, &next, &err) == OD_OK && n == 2,
          "DescribeImages decoded");
    ecr_sort_newest_first(imgs, n);
    CHECK(n == 2 && imgs[0].ntags == 1 && str_eq(imgs[0].tags[0], "v2") &&
              imgs[0].pushed_at > imgs[1].pushed_at,
          "newest push first");
    for (size_t i = 0; i < n; i++)
        ecr_image_clear(&imgs[i]);
    free(imgs);
    free(next);
    free(body);
    s = ecr_body_describe_images(NULL, "web", NULL);
    CHECK(strstr(s, "\"tagStatus\":\"TAGGED\"") != NULL, "only tagged images are asked for");
    free(s);
}

static void
test_audit(void)
{
    char dirt[] = "/tmp/od-audit-XXXXXX";
    char *dir = mkdtemp(dirt), *path, *sub;
    struct od_error err = {0};
    struct stat st;
    cJSON *line = json_new_object();
    FILE *f;
    char buf[256];
    int lines = 0;

    sub = xasprintf("%s/state/ondeck", dir);
    path = xasprintf("%s/audit.jsonl", sub);
    CHECK(audit_check(path, &err) == OD_OK, "the journal and its directories are created");
    CHECK(stat(sub, &st) == 0 && (st.st_mode & 0777) == 0700, "directory mode 0700");
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "file mode 0600");
    json_add_str(line, "action", "scale");
    CHECK(audit_append(path, line, &err) == OD_OK && audit_append(path, line, &err) == OD_OK,
          "two appends");
    f = fopen(path, "r");
    while (f != NULL && fgets(buf, sizeof buf, f) != NULL)
        lines++;
    if (f != NULL)
        fclose(f);
    CHECK_INT(lines, 2, "one line per append");
    chmod(path, 0644);
    CHECK(audit_append(path, line, &err) == OD_OK && stat(path, &st) == 0 &&
              (st.st_mode & 0777) == 0600,
          "a journal made world-readable is put back to 0600");
    CHECK(audit_check("/proc/no/such/dir/audit.jsonl", &err) == OD_E_IO && err.message != NULL,
          "an unwritable journal is an error (and the action is not sent)");
    od_error_clear(&err);
    cJSON_Delete(line);
    unlink(path);
    rmdir(sub);
    free(sub);
    sub = xasprintf("%s/state", dir);
    rmdir(sub);
    rmdir(dir);
    free(sub);
    free(path);
}

int
main(void)
{
    test_registry();
    test_denylist();
    test_images_and_diff();
    test_caller_reference();
    test_watch_decisions();
    test_ecr();
    test_audit();
    return check_done();
}
