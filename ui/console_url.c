#include "ui/console_url.h"

#include <stdlib.h>
#include <string.h>

#include "aws/endpoint.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

char *
console_url_encode(const char *s, const char *keep)
{
    static const char hex[] = "0123456789ABCDEF";
    struct od_buf b;

    buf_init(&b, 0);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-_.~", *p) != NULL || (keep != NULL && strchr(keep, *p) != NULL))
            buf_printf(&b, "%c", *p);
        else
            buf_printf(&b, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
    }
    return buf_steal(&b);
}

/* "https://us-east-1.console.aws.amazon.com" for the region's partition. */
static char *
console_base(const char *region)
{
    const char *part = endpoint_partition(region);

    if (str_eq(part, "aws-cn"))
        return xstrdup("https://console.amazonaws.cn");
    if (str_eq(part, "aws-us-gov"))
        return xstrdup("https://console.amazonaws-us-gov.com");
    return xasprintf("https://%s.console.aws.amazon.com", region);
}

/* The CloudWatch console's log-group fragment: the name percent-encoded twice, '%' as '$'. */
static char *
log_group_fragment(const char *name)
{
    char *once = console_url_encode(name, NULL), *twice = console_url_encode(once, NULL);

    for (char *p = twice; *p != '\0'; p++)
        if (*p == '%')
            *p = '$';
    free(once);
    return twice;
}

char *
console_url(const struct console_ref *r)
{
    char *base, *region, *a = NULL, *b = NULL, *url = NULL;

    if (str_empty(r->region) && r->kind != CI_DISTRIBUTION)
        return NULL;
    region = console_url_encode(r->kind == CI_DISTRIBUTION ? "us-east-1" : r->region, NULL);
    base = console_base(region);
    switch (r->kind) {
    case CI_CLUSTER:
        if (str_empty(r->cluster))
            break;
        a = console_url_encode(str_last_segment(r->cluster), NULL);
        url = xasprintf("%s/ecs/v2/clusters/%s/services?region=%s", base, a, region);
        break;
    case CI_SERVICE:
        if (str_empty(r->cluster) || str_empty(r->service))
            break;
        a = console_url_encode(str_last_segment(r->cluster), NULL);
        b = console_url_encode(str_last_segment(r->service), NULL);
        url = xasprintf("%s/ecs/v2/clusters/%s/services/%s/health?region=%s", base, a, b,
                        region);
        break;
    case CI_TASK:
        if (str_empty(r->cluster) || str_empty(r->task))
            break;
        a = console_url_encode(str_last_segment(r->cluster), NULL);
        b = console_url_encode(str_last_segment(r->task), NULL);
        url = xasprintf("%s/ecs/v2/clusters/%s/tasks/%s/configuration?region=%s", base, a, b,
                        region);
        break;
    case CI_TARGET_GROUP:
        if (str_empty(r->id))
            break;
        a = console_url_encode(r->id, ":/");
        url = xasprintf("%s/ec2/home?region=%s#TargetGroup:targetGroupArn=%s", base, region, a);
        break;
    case CI_ALARM:
        if (str_empty(r->id))
            break;
        a = console_url_encode(r->id, NULL);
        url = xasprintf("%s/cloudwatch/home?region=%s#alarmsV2:alarm/%s", base, region, a);
        break;
    case CI_DISTRIBUTION:
        if (str_empty(r->id))
            break;
        a = console_url_encode(r->id, NULL);
        url = xasprintf("%s/cloudfront/v4/home#/distributions/%s", base, a);
        break;
    case CI_LOG_GROUP:
        if (str_empty(r->id))
            break;
        a = log_group_fragment(r->id);
        url = xasprintf("%s/cloudwatch/home?region=%s#logsV2:log-groups/log-group/%s", base,
                        region, a);
        break;
    }
    free(a);
    free(b);
    free(base);
    free(region);
    return url;
}
