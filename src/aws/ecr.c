/* ECR DescribeImages and image references. Decoders are total like the ECS ones: members of
 * the wrong type read as absent, non-object elements are skipped. */
#include "aws/ecr.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "aws/proto_json.h"
#include "util/str.h"
#include "util/xalloc.h"

void
ecr_image_clear(struct od_ecr_image *img)
{
    free(img->digest);
    for (size_t i = 0; i < img->ntags; i++)
        free(img->tags[i]);
    free(img->tags);
    memset(img, 0, sizeof *img);
}

void
ecr_ref_clear(struct od_ecr_ref *ref)
{
    free(ref->registry_id);
    free(ref->region);
    free(ref->repository);
    free(ref->tag);
    free(ref->digest);
    memset(ref, 0, sizeof *ref);
}

static bool
all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static bool
region_chars(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

bool
ecr_parse_image(const char *image, struct od_ecr_ref *out)
{
    const char *slash, *host_end, *p, *region, *name, *at, *colon;
    size_t rlen;

    memset(out, 0, sizeof *out);
    if (image == NULL || (slash = strchr(image, '/')) == NULL)
        return false;
    host_end = slash;
    /* ACCOUNT */
    if (host_end - image < 12 || !all_digits(image, 12) || image[12] != '.')
        return false;
    p = image + 13;
    if (str_has_prefix(p, "dkr.ecr-fips."))
        p += strlen("dkr.ecr-fips.");
    else if (str_has_prefix(p, "dkr.ecr."))
        p += strlen("dkr.ecr.");
    else
        return false;
    region = p;
    while (p < host_end && *p != '.')
        p++;
    rlen = (size_t)(p - region);
    if (!region_chars(region, rlen))
        return false;
    if ((size_t)(host_end - p) == strlen(".amazonaws.com") &&
        strncmp(p, ".amazonaws.com", (size_t)(host_end - p)) == 0) {
        /* ok */
    } else if ((size_t)(host_end - p) == strlen(".amazonaws.com.cn") &&
               strncmp(p, ".amazonaws.com.cn", (size_t)(host_end - p)) == 0) {
        /* ok */
    } else {
        return false;
    }
    name = slash + 1;
    if (*name == '\0')
        return false;
    at = strchr(name, '@');
    colon = strrchr(name, ':');
    if (at != NULL && colon != NULL && colon > at)
        colon = NULL; /* the colon of "sha256:" */
    if (colon != NULL && strchr(colon, '/') != NULL)
        colon = NULL;
    out->registry_id = xstrndup(image, 12);
    out->region = xstrndup(region, rlen);
    if (colon != NULL) {
        out->repository = xstrndup(name, (size_t)(colon - name));
        out->tag = at != NULL ? xstrndup(colon + 1, (size_t)(at - colon - 1)) : xstrdup(colon + 1);
    } else {
        out->repository = at != NULL ? xstrndup(name, (size_t)(at - name)) : xstrdup(name);
    }
    if (at != NULL)
        out->digest = xstrdup(at + 1);
    if (str_empty(out->repository)) {
        ecr_ref_clear(out);
        return false;
    }
    return true;
}

char *
ecr_image_with_tag(const char *image, const char *tag)
{
    const char *last_slash, *at, *colon;
    size_t keep;

    if (image == NULL)
        return xstrdup("");
    at = strchr(image, '@');
    keep = at != NULL ? (size_t)(at - image) : strlen(image);
    last_slash = memrchr(image, '/', keep);
    colon = memrchr(image, ':', keep);
    if (colon != NULL && (last_slash == NULL || colon > last_slash))
        keep = (size_t)(colon - image);
    return xasprintf("%.*s:%s", (int)keep, image, tag);
}

char *
ecr_body_describe_images(const char *registry_id, const char *repository, const char *next_token)
{
    cJSON *o = json_new_object(), *f;
    char *s;

    json_add_str(o, "registryId", registry_id);
    json_add_str(o, "repositoryName", repository);
    json_add_num(o, "maxResults", 1000);
    json_add_str(o, "nextToken", next_token);
    f = json_add_object(o, "filter");
    json_add_str(f, "tagStatus", "TAGGED");
    s = json_print(o);
    cJSON_Delete(o);
    return s;
}

enum od_err
ecr_decode_images(const char *body, size_t len, struct od_ecr_image **out, size_t *n,
                  char **next_token, struct od_error *err)
{
    cJSON *root;
    const cJSON *it, *t, *list;
    size_t cap = 0;

    *out = NULL;
    *n = 0;
    if (next_token != NULL)
        *next_token = NULL;
    if ((root = json_parse(body, len, err)) == NULL)
        return OD_E_PARSE;
    /* botocore reads an absent or null list as none; only a non-list member is malformed. */
    list = cJSON_GetObjectItemCaseSensitive(root, "imageDetails");
    if (list != NULL && !cJSON_IsNull(list) && !cJSON_IsArray(list)) {
        od_error_set(err, OD_E_PARSE, "DescribeImages response: \"imageDetails\" is not an array");
        cJSON_Delete(root);
        return OD_E_PARSE;
    }
    JSON_FOREACH(it, root, "imageDetails")
        if (cJSON_IsObject(it))
            cap++;
    if (cap > 0)
        *out = xcalloc(cap, sizeof **out);
    JSON_FOREACH(it, root, "imageDetails") {
        struct od_ecr_image *img;
        double d;
        int64_t sz;
        size_t ntags = 0;

        if (!cJSON_IsObject(it))
            continue;
        img = &(*out)[(*n)++];
        img->digest = json_strdup(it, "imageDigest");
        if (json_num(it, "imagePushedAt", &d))
            img->pushed_at = d;
        if (json_int(it, "imageSizeInBytes", &sz))
            img->size = (long long)sz;
        JSON_FOREACH(t, it, "imageTags")
            if (cJSON_IsString(t))
                ntags++;
        if (ntags > 0) {
            img->tags = xcalloc(ntags, sizeof *img->tags);
            JSON_FOREACH(t, it, "imageTags")
                if (cJSON_IsString(t))
                    img->tags[img->ntags++] = xstrdup(t->valuestring);
        }
    }
    if (next_token != NULL)
        *next_token = json_strdup(root, "nextToken");
    cJSON_Delete(root);
    return OD_OK;
}

struct slot {
    struct od_ecr_image img;
    size_t pos;
};

static int
newest_cmp(const void *a, const void *b)
{
    const struct slot *x = a, *y = b;

    if (x->img.pushed_at != y->img.pushed_at)
        return x->img.pushed_at > y->img.pushed_at ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

void
ecr_sort_newest_first(struct od_ecr_image *imgs, size_t n)
{
    struct slot *s;

    if (n < 2)
        return;
    s = xcalloc(n, sizeof *s);
    for (size_t i = 0; i < n; i++) {
        s[i].img = imgs[i];
        s[i].pos = i;
    }
    qsort(s, n, sizeof *s, newest_cmp);
    for (size_t i = 0; i < n; i++)
        imgs[i] = s[i].img;
    free(s);
}
