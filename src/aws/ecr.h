/* ECR (awsJson 1.1, AmazonEC2ContainerRegistry_V20150921): DescribeImages for the deploy
 * dialog's tag suggestions, and the image-reference parser that tells whether an image lives in
 * ECR. Pure functions: no I/O. */
#ifndef OD_ECR_H
#define OD_ECR_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct od_ecr_image {
    char *digest;
    char **tags; /* empty for untagged images */
    size_t ntags;
    double pushed_at; /* epoch seconds */
    long long size;
};

void ecr_image_clear(struct od_ecr_image *img);

/* An image reference in a private ECR registry: ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com
 * [.cn]/REPO[:TAG][@DIGEST]. The parts are malloc'd (tag and digest NULL when absent); false
 * and nothing allocated for any other registry (Docker Hub, public.ecr.aws, ...). */
struct od_ecr_ref {
    char *registry_id;
    char *region;
    char *repository;
    char *tag;
    char *digest;
};
bool ecr_parse_image(const char *image, struct od_ecr_ref *out);
void ecr_ref_clear(struct od_ecr_ref *ref);

/* The same image with another tag: any :TAG and @DIGEST are replaced ("repo:tag"). */
char *ecr_image_with_tag(const char *image, const char *tag);

/* DescribeImages body: tagged images only, up to 1000 per page. registry_id may be NULL. */
char *ecr_body_describe_images(const char *registry_id, const char *repository,
                               const char *next_token);

/* Decode a DescribeImages page (imageDetails, nextToken). */
enum od_err ecr_decode_images(const char *body, size_t len, struct od_ecr_image **out, size_t *n,
                              char **next_token, struct od_error *err);

/* Newest push first; ties keep their order. */
void ecr_sort_newest_first(struct od_ecr_image *imgs, size_t n);

#endif
