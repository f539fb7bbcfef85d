/* Endpoints and regions: partitions, global CloudFront, every override in botocore's order. */
#include <stdlib.h>
#include <string.h>

#include "aws/endpoint.h"
#include "aws/profile.h"
#include "check.h"

static const char *const env_vars[] = {
    "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECS", "AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2",
    "AWS_ENDPOINT_URL_CLOUDFRONT", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_REGION",
    "AWS_DEFAULT_REGION",
};

static void
clean_env(void)
{
    for (size_t i = 0; i < sizeof env_vars / sizeof env_vars[0]; i++)
        unsetenv(env_vars[i]);
}

/* Resolve and return "url host signing-region" (static buffer) or "ERR". */
static const char *
resolve(const struct od_endpoint_config *cfg, enum od_svc svc, const char *region)
{
    static char out[512];
    struct od_endpoint ep;
    struct od_error err = {0};

    if (endpoint_resolve(cfg, svc, region, &ep, &err) != OD_OK) {
        od_error_clear(&err);
        return "ERR";
    }
    snprintf(out, sizeof out, "%s %s %s%s%s", ep.url, ep.host, ep.signing_region,
             ep.base_path != NULL ? " " : "", ep.base_path != NULL ? ep.base_path : "");
    endpoint_free(&ep);
    return out;
}

int
main(void)
{
    struct od_endpoint_config cfg = {0};
    struct od_profiles *p = NULL;
    struct od_error err = {0};

    clean_env();
    CHECK_STR(resolve(&cfg, OD_SVC_ECS, "us-east-1"),
              "https://ecs.us-east-1.amazonaws.com ecs.us-east-1.amazonaws.com us-east-1",
              "ECS in the aws partition");
    CHECK_STR(resolve(&cfg, OD_SVC_ECR, "eu-west-1"),
              "https://api.ecr.eu-west-1.amazonaws.com api.ecr.eu-west-1.amazonaws.com eu-west-1",
              "ECR uses the api.ecr host");
    CHECK_STR(svc_info(OD_SVC_ECR)->signing_name, "ecr", "ECR signs as ecr");
    CHECK_STR(resolve(&cfg, OD_SVC_ELBV2, "cn-north-1"),
              "https://elasticloadbalancing.cn-north-1.amazonaws.com.cn "
              "elasticloadbalancing.cn-north-1.amazonaws.com.cn cn-north-1",
              "China partition suffix");
    CHECK_STR(endpoint_partition("us-gov-west-1"), "aws-us-gov", "GovCloud partition");
    CHECK_STR(endpoint_partition("cn-northwest-1"), "aws-cn", "China partition");
    CHECK_STR(endpoint_partition("eu-central-1"), "aws", "standard partition");
    CHECK_STR(resolve(&cfg, OD_SVC_CLOUDFRONT, "eu-west-1"),
              "https://cloudfront.amazonaws.com cloudfront.amazonaws.com us-east-1",
              "CloudFront is global and signs in us-east-1");
    CHECK_STR(resolve(&cfg, OD_SVC_CLOUDFRONT, "cn-north-1"),
              "https://cloudfront.cn-northwest-1.amazonaws.com.cn "
              "cloudfront.cn-northwest-1.amazonaws.com.cn cn-northwest-1",
              "CloudFront in China");
    CHECK_STR(resolve(&cfg, OD_SVC_ECS, NULL), "ERR", "no region is an error for ECS");
    CHECK_STR(resolve(&cfg, OD_SVC_ECS, "us-east-1/../x"), "ERR", "a region with junk is refused");

    setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:5055", 1);
    CHECK_STR(resolve(&cfg, OD_SVC_ECS, "us-east-1"),
              "http://127.0.0.1:5055 127.0.0.1:5055 us-east-1", "AWS_ENDPOINT_URL applies");
    CHECK_STR(resolve(&cfg, OD_SVC_CLOUDFRONT, "eu-west-1"),
              "http://127.0.0.1:5055 127.0.0.1:5055 us-east-1",
              "a custom endpoint signs CloudFront for us-east-1, its one region");
    CHECK_STR(resolve(&cfg, OD_SVC_ECS, "eu-west-1"),
              "http://127.0.0.1:5055 127.0.0.1:5055 eu-west-1",
              "and a regional service for the configured region");
    setenv("AWS_ENDPOINT_URL_ECS", "https://ecs.example.test:443/base/", 1);
    CHECK_STR(resolve(&cfg, OD_SVC_ECS, "us-east-1"),
              "https://ecs.example.test ecs.example.test us-east-1 /base",
              "AWS_ENDPOINT_URL_ECS wins; default port dropped; base path kept");
    setenv("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2", "http://elb.test:8080", 1);
    CHECK_STR(resolve(&cfg, OD_SVC_ELBV2, "us-east-1"),
              "http://elb.test:8080 elb.test:8080 us-east-1", "service suffix for ELBv2");
    cfg.cli_endpoint_url = "http://localhost:4566";
    CHECK_STR(resolve(&cfg, OD_SVC_ECS, "us-east-1"),
              "http://localhost:4566 localhost:4566 us-east-1", "--endpoint-url wins over env");
    cfg.cli_endpoint_url = NULL;
    setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true", 1);
    CHECK_STR(resolve(&cfg, OD_SVC_ECS, "us-east-1"),
              "https://ecs.us-east-1.amazonaws.com ecs.us-east-1.amazonaws.com us-east-1",
              "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ignores the environment");
    cfg.cli_endpoint_url = "http://localhost:4566";
    CHECK_STR(resolve(&cfg, OD_SVC_ECS, "us-east-1"),
              "http://localhost:4566 localhost:4566 us-east-1", "but not --endpoint-url");
    cfg.cli_endpoint_url = NULL;
    clean_env();
    setenv("AWS_ENDPOINT_URL", "ftp://nope", 1);
    CHECK_STR(resolve(&cfg, OD_SVC_ECS, "us-east-1"), "ERR", "a non-HTTP endpoint is refused");
    clean_env();

    CHECK(profiles_parse(&p,
                         "[profile local]\nservices = moto\nregion = eu-west-2\n"
                         "endpoint_url = http://profile.test\n\n"
                         "[services moto]\necs =\n  endpoint_url = http://services.test:9000\n",
                         NULL, &err) == OD_OK,
          "profiles with a services section parse");
    cfg.profiles = p;
    cfg.profile = "local";
    CHECK_STR(resolve(&cfg, OD_SVC_ECS, "eu-west-2"),
              "http://services.test:9000 services.test:9000 eu-west-2",
              "[services] sub-section for ECS");
    CHECK_STR(resolve(&cfg, OD_SVC_LOGS, "eu-west-2"),
              "http://profile.test profile.test eu-west-2",
              "profile endpoint_url for services without a sub-section");
    setenv("AWS_ENDPOINT_URL", "http://env.test", 1);
    CHECK_STR(resolve(&cfg, OD_SVC_ECS, "eu-west-2"), "http://env.test env.test eu-west-2",
              "environment wins over the config file");
    clean_env();

    CHECK_STR(region_resolve(NULL, p, "local"), "eu-west-2", "profile region");
    setenv("AWS_DEFAULT_REGION", "ap-south-1", 1);
    CHECK_STR(region_resolve(NULL, p, "local"), "ap-south-1", "AWS_DEFAULT_REGION over profile");
    setenv("AWS_REGION", "sa-east-1", 1);
    CHECK_STR(region_resolve(NULL, p, "local"), "sa-east-1", "AWS_REGION over AWS_DEFAULT_REGION");
    CHECK_STR(region_resolve("us-west-2", p, "local"), "us-west-2", "--region over everything");
    clean_env();
    CHECK(region_resolve(NULL, NULL, NULL) == NULL, "no region anywhere");
    profiles_free(&p);
    return check_done();
}
