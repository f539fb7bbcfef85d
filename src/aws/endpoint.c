#include "aws/endpoint.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/profile.h"
#include "util/str.h"
#include "util/xalloc.h"

static const struct od_svc_info svc_table[OD_SVC__COUNT] = {
    [OD_SVC_ECS] = {.id = "ecs", .signing_name = "ecs", .host_prefix = "ecs",
                    .env_suffix = "ECS", .config_key = "ecs", .proto = OD_PROTO_JSON,
                    .target_prefix = "AmazonEC2ContainerServiceV20141113",
                    .json_version = "1.1"},
    [OD_SVC_ELBV2] = {.id = "elbv2", .signing_name = "elasticloadbalancing",
                      .host_prefix = "elasticloadbalancing",
                      .env_suffix = "ELASTIC_LOAD_BALANCING_V2",
                      .config_key = "elastic_load_balancing_v2", .proto = OD_PROTO_QUERY,
                      .api_version = "2015-12-01"},
    [OD_SVC_CLOUDWATCH] = {.id = "cloudwatch", .signing_name = "monitoring",
                           .host_prefix = "monitoring", .env_suffix = "CLOUDWATCH",
                           .config_key = "cloudwatch", .proto = OD_PROTO_JSON,
                           .target_prefix = "GraniteServiceVersion20100801",
                           .json_version = "1.0", .api_version = "2010-08-01"},
    [OD_SVC_LOGS] = {.id = "logs", .signing_name = "logs", .host_prefix = "logs",
                     .env_suffix = "CLOUDWATCH_LOGS", .config_key = "cloudwatch_logs",
                     .proto = OD_PROTO_JSON, .target_prefix = "Logs_20140328",
                     .json_version = "1.1"},
    [OD_SVC_CLOUDFRONT] = {.id = "cloudfront", .signing_name = "cloudfront",
                           .host_prefix = "cloudfront", .env_suffix = "CLOUDFRONT",
                           .config_key = "cloudfront", .proto = OD_PROTO_RESTXML,
                           .api_version = "2020-05-31", .global = true},
    [OD_SVC_ECR] = {.id = "ecr", .signing_name = "ecr", .host_prefix = "api.ecr",
                    .env_suffix = "ECR", .config_key = "ecr", .proto = OD_PROTO_JSON,
                    .target_prefix = "AmazonEC2ContainerRegistry_V20150921",
                    .json_version = "1.1"},
    [OD_SVC_STS] = {.id = "sts", .signing_name = "sts", .host_prefix = "sts",
                    .env_suffix = "STS", .config_key = "sts", .proto = OD_PROTO_QUERY,
                    .api_version = "2011-06-15"},
    [OD_SVC_SSO] = {.id = "sso", .signing_name = "awsssoportal", .host_prefix = "portal.sso",
                    .env_suffix = "SSO", .config_key = "sso", .proto = OD_PROTO_RESTJSON},
    [OD_SVC_SSO_OIDC] = {.id = "sso-oidc", .signing_name = "sso-oauth", .host_prefix = "oidc",
                         .env_suffix = "SSO_OIDC", .config_key = "sso_oidc",
                         .proto = OD_PROTO_RESTJSON},
    [OD_SVC_AUTOSCALING] = {.id = "application-autoscaling",
                            .signing_name = "application-autoscaling",
                            .host_prefix = "application-autoscaling",
                            .env_suffix = "APPLICATION_AUTO_SCALING",
                            .config_key = "application_auto_scaling", .proto = OD_PROTO_JSON,
                            .target_prefix = "AnyScaleFrontendService", .json_version = "1.1"},
    [OD_SVC_IAM] = {.id = "iam", .signing_name = "iam", .host_prefix = "iam",
                    .env_suffix = "IAM", .config_key = "iam", .proto = OD_PROTO_QUERY,
                    .api_version = "2010-05-08", .global = true},
};

const struct od_svc_info *
svc_info(enum od_svc svc)
{
    return &svc_table[svc];
}

char *
svc_iam_action(enum od_svc svc, const char *op)
{
    /* IAM prefixes differ from the signing names for these two. */
    const char *prefix = svc == OD_SVC_CLOUDWATCH ? "cloudwatch"
                         : svc == OD_SVC_ELBV2    ? "elasticloadbalancing"
                                                  : svc_table[svc].id;

    return xasprintf("%s:%s", prefix, op);
}

const char *
endpoint_partition(const char *region)
{
    if (str_has_prefix(region, "cn-"))
        return "aws-cn";
    if (str_has_prefix(region, "us-gov-"))
        return "aws-us-gov";
    return "aws";
}

const char *
endpoint_dns_suffix(const char *region)
{
    return str_has_prefix(region, "cn-") ? "amazonaws.com.cn" : "amazonaws.com";
}

void
endpoint_free(struct od_endpoint *ep)
{
    xfree(&ep->url);
    xfree(&ep->host);
    xfree(&ep->base_path);
    xfree(&ep->signing_region);
}

/* Split "scheme://host[:port][/path]" into the URL root, the Host header and a base path. */
static enum od_err
parse_url(const char *url, struct od_endpoint *out, struct od_error *err)
{
    const char *p, *hoststart, *pathstart;
    bool https;
    size_t hostlen;

    if (str_has_prefix(url, "https://")) {
        https = true;
        hoststart = url + 8;
    } else if (str_has_prefix(url, "http://")) {
        https = false;
        hoststart = url + 7;
    } else {
        od_error_set(err, OD_E_CONFIG, "endpoint URL must start with http:// or https://: %s",
                     url);
        return OD_E_CONFIG;
    }
    pathstart = strchr(hoststart, '/');
    hostlen = pathstart != NULL ? (size_t)(pathstart - hoststart) : strlen(hoststart);
    if (hostlen == 0) {
        od_error_set(err, OD_E_CONFIG, "endpoint URL has no host: %s", url);
        return OD_E_CONFIG;
    }
    for (p = hoststart; p < hoststart + hostlen; p++) {
        if (isspace((unsigned char)*p) || *p == '@' || *p == '?' || *p == '#') {
            od_error_set(err, OD_E_CONFIG, "endpoint URL has an invalid host: %s", url);
            return OD_E_CONFIG;
        }
    }
    out->host = xstrndup(hoststart, hostlen);
    /* Sign the Host exactly as curl sends it: the default port is dropped. */
    if ((https && str_has_suffix(out->host, ":443")) ||
        (!https && str_has_suffix(out->host, ":80")))
        out->host[strlen(out->host) - (https ? 4 : 3)] = '\0';
    out->url = xasprintf("%s://%s", https ? "https" : "http", out->host);
    if (pathstart != NULL) {
        size_t len = strlen(pathstart);

        while (len > 0 && pathstart[len - 1] == '/')
            len--;
        if (len > 0)
            out->base_path = xstrndup(pathstart, len);
    }
    return OD_OK;
}

/* AWS_ENDPOINT_URL_<SUFFIX>, AWS_ENDPOINT_URL, [services] sub-section, profile endpoint_url. */
static const char *
configured_url(const struct od_endpoint_config *cfg, const struct od_svc_info *info)
{
    char name[80];
    const char *v, *services;

    snprintf(name, sizeof name, "AWS_ENDPOINT_URL_%s", info->env_suffix);
    if (!str_empty(v = getenv(name)))
        return v;
    if (!str_empty(v = getenv("AWS_ENDPOINT_URL")))
        return v;
    if (cfg->profiles == NULL || cfg->profile == NULL)
        return NULL;
    services = profiles_get(cfg->profiles, cfg->profile, "services");
    if (services != NULL &&
        !str_empty(v = profiles_services_get(cfg->profiles, services, info->config_key,
                                             "endpoint_url")))
        return v;
    if (!str_empty(v = profiles_get(cfg->profiles, cfg->profile, "endpoint_url")))
        return v;
    return NULL;
}

static bool
ignore_configured(const struct od_endpoint_config *cfg)
{
    const char *v = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");

    if (cfg->ignore_configured || str_case_eq(v, "true"))
        return true;
    if (cfg->profiles != NULL && cfg->profile != NULL)
        return str_case_eq(profiles_get(cfg->profiles, cfg->profile,
                                        "ignore_configured_endpoint_urls"), "true");
    return false;
}

enum od_err
endpoint_resolve(const struct od_endpoint_config *cfg, enum od_svc svc, const char *region,
                 struct od_endpoint *out, struct od_error *err)
{
    const struct od_svc_info *info = svc_info(svc);
    const char *url = cfg->cli_endpoint_url;
    char *def;
    enum od_err rc;

    memset(out, 0, sizeof *out);
    if (str_empty(url) && !ignore_configured(cfg))
        url = configured_url(cfg, info);
    if (!str_empty(url)) {
        if ((rc = parse_url(url, out, err)) != OD_OK)
            return rc;
        out->custom = true;
        /* A global service is signed for its one region wherever it is reached (botocore
         * signs the configured region at a custom endpoint, which AWS itself refuses). */
        if (info->global)
            out->signing_region = xstrdup(str_has_prefix(region, "cn-") ? "cn-northwest-1"
                                                                        : "us-east-1");
        else
            out->signing_region = xstrdup(!str_empty(region) ? region : "us-east-1");
        return OD_OK;
    }
    if (info->global) {
        if (svc == OD_SVC_IAM && str_has_prefix(region, "cn-")) {
            def = xstrdup("https://iam.cn-north-1.amazonaws.com.cn");
            out->signing_region = xstrdup("cn-north-1");
        } else if (svc == OD_SVC_IAM) {
            def = xstrdup("https://iam.amazonaws.com");
            out->signing_region = xstrdup("us-east-1");
        } else if (str_has_prefix(region, "cn-")) {
            def = xstrdup("https://cloudfront.cn-northwest-1.amazonaws.com.cn");
            out->signing_region = xstrdup("cn-northwest-1");
        } else {
            def = xstrdup("https://cloudfront.amazonaws.com");
            out->signing_region = xstrdup("us-east-1");
        }
    } else {
        if (str_empty(region)) {
            od_error_set(err, OD_E_CONFIG,
                         "no region: use --region, AWS_REGION or the profile's region");
            return OD_E_CONFIG;
        }
        for (const char *p = region; *p != '\0'; p++) {
            if (!isalnum((unsigned char)*p) && *p != '-') {
                od_error_set(err, OD_E_CONFIG, "invalid region name");
                return OD_E_CONFIG;
            }
        }
        def = xasprintf("https://%s.%s.%s", info->host_prefix, region,
                        endpoint_dns_suffix(region));
        out->signing_region = xstrdup(region);
    }
    rc = parse_url(def, out, err);
    free(def);
    return rc;
}

const char *
region_resolve(const char *cli_region, const struct od_profiles *profiles, const char *profile)
{
    const char *v;

    if (!str_empty(cli_region))
        return cli_region;
    if (!str_empty(v = getenv("AWS_REGION")))
        return v;
    if (!str_empty(v = getenv("AWS_DEFAULT_REGION")))
        return v;
    if (profiles != NULL && profile != NULL && !str_empty(v = profiles_get(profiles, profile, "region")))
        return v;
    return NULL;
}
