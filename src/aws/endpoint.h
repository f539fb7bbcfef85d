/* Which URL and signing scope each service call goes to. */
#ifndef OD_ENDPOINT_H
#define OD_ENDPOINT_H

#include <stdbool.h>

#include "util/err.h"

struct od_profiles;

enum od_svc {
    OD_SVC_ECS,
    OD_SVC_ELBV2,
    OD_SVC_CLOUDWATCH,
    OD_SVC_LOGS,
    OD_SVC_CLOUDFRONT,
    OD_SVC_ECR,
    OD_SVC_STS,
    OD_SVC_SSO,      /* portal (GetRoleCredentials), unsigned */
    OD_SVC_SSO_OIDC, /* token refresh, unsigned */
    OD_SVC_AUTOSCALING, /* Application Auto Scaling */
    OD_SVC_IAM,         /* global, signed us-east-1 (the fleet's ListAccountAliases) */
    OD_SVC__COUNT
};

enum od_proto {
    OD_PROTO_JSON,     /* awsJson 1.0/1.1 */
    OD_PROTO_QUERY,    /* awsQuery, XML responses */
    OD_PROTO_RESTXML,  /* CloudFront */
    OD_PROTO_RESTJSON, /* SSO */
};

struct od_svc_info {
    const char *id;           /* short name for logs and stats: "ecs" */
    const char *signing_name; /* SigV4 service name */
    const char *host_prefix;  /* "ecs", "elasticloadbalancing", "api.ecr", ... */
    const char *env_suffix;   /* AWS_ENDPOINT_URL_<suffix> */
    const char *config_key;   /* key inside a [services] sub-section */
    enum od_proto proto;
    const char *target_prefix; /* X-Amz-Target prefix for JSON services */
    const char *json_version;  /* "1.0" or "1.1" */
    const char *api_version;   /* query/rest API version */
    bool global;               /* one endpoint for the partition (CloudFront) */
};

const struct od_svc_info *svc_info(enum od_svc svc);
/* The IAM action a policy names for an operation: "cloudwatch:GetMetricData" (malloc'd). */
char *svc_iam_action(enum od_svc svc, const char *op);

/* What the user configured, in precedence order after --endpoint-url. */
struct od_endpoint_config {
    const char *cli_endpoint_url;      /* --endpoint-url (wins over everything) */
    bool ignore_configured;            /* AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / profile key */
    const struct od_profiles *profiles; /* may be NULL */
    const char *profile;                /* selected profile name */
};

struct od_endpoint {
    char *url;            /* "https://ecs.us-east-1.amazonaws.com" (no trailing slash, no path) */
    char *host;           /* Host header value, with :port when not the scheme's default */
    char *base_path;      /* path prefix of a custom endpoint ("/proxy"), or NULL */
    char *signing_region; /* region for the credential scope */
    bool custom;          /* came from configuration rather than the partition */
};

/* Resolve the endpoint for svc in region (sso_region for SSO services). */
enum od_err endpoint_resolve(const struct od_endpoint_config *cfg, enum od_svc svc,
                             const char *region, struct od_endpoint *out, struct od_error *err);
void endpoint_free(struct od_endpoint *ep);

/* Partition DNS suffix for a region: "amazonaws.com", "amazonaws.com.cn". */
const char *endpoint_dns_suffix(const char *region);
/* Partition name: "aws", "aws-cn", "aws-us-gov". */
const char *endpoint_partition(const char *region);

/* Region in effect: --region, AWS_REGION, AWS_DEFAULT_REGION, profile region; NULL if none. */
const char *region_resolve(const char *cli_region, const struct od_profiles *profiles,
                           const char *profile);

#endif
