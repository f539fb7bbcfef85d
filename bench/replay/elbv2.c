/* elbv2.c - Elastic Load Balancing v2 (awsquery, XML answers) for the generated world: one
 * ip target group per load-balanced service, 50 per ALB, two targets each (the tasks' IPs);
 * every world.unhealthy_every-th group has one unhealthy target. Pages: PageSize 1..400,
 * Marker/NextMarker, as ELBv2. */
#include "replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"
#define MAX_PAGE 400

static void
open_response(struct rp_buf *b, const char *op)
{
    buf_printf(b, "<%sResponse xmlns=\"" NS "\"><%sResult>", op, op);
}

static void
close_response(struct rp_buf *b, const char *op, struct rp_answer *a)
{
    buf_printf(b, "</%sResult><ResponseMetadata><RequestId>%08x-3333-4000-8000-000000000000"
                  "</RequestId></ResponseMetadata></%sResponse>",
               op, world_hash(op, (uint32_t)b->len), op);
    a->status = 200;
    a->ctype = "text/xml";
    a->body = buf_take(b, &a->len);
}

/* Members of a query list ("Key.member.1", "Key.member.2", ...), malloc'd; *n their count. */
static char **
form_list(const struct rp_request *rq, const char *key, int *n)
{
    char **v = NULL, k[96];

    *n = 0;
    for (;;) {
        snprintf(k, sizeof k, "%s.member.%d", key, *n + 1);
        char *s = form_get(rq->body, rq->body_len, k);
        if (s == NULL)
            return v;
        v = realloc(v, sizeof *v * (size_t)(*n + 1));
        if (v == NULL)
            abort();
        v[(*n)++] = s;
    }
}

static void
free_list(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* Marker and PageSize of a paged Describe: false (and the error answered) when invalid. */
static bool
paging(const struct rp_request *rq, long *off, int *size, struct rp_answer *a)
{
    char *marker = form_get(rq->body, rq->body_len, "Marker");
    char *ps = form_get(rq->body, rq->body_len, "PageSize");
    bool ok = true;

    *off = 0;
    *size = ps != NULL ? atoi(ps) : MAX_PAGE;
    if (*size < 1 || *size > MAX_PAGE) {
        query_error(a, 400, NS, "ValidationError",
                    "1 validation error detected: Value at 'pageSize' failed to satisfy "
                    "constraint: Member must have value less than or equal to 400");
        ok = false;
    } else if (marker != NULL && (*off = token_parse(marker, rq->op)) < 0) {
        query_error(a, 400, NS, "ValidationError", "Invalid marker");
        ok = false;
    }
    free(marker);
    free(ps);
    return ok;
}

static void
next_marker(struct rp_buf *b, const char *op, long end, long total)
{
    char t[96];

    if (end < total) {
        token_make(t, sizeof t, op, end);
        buf_xml(b, "NextMarker", t);
    }
}

static void
add_tg(struct rp_buf *b, long tg)
{
    char arn[192], name[32];

    world_tg_arn(tg, arn, sizeof arn);
    world_tg_name(tg, name, sizeof name);
    buf_puts(b, "<member>");
    buf_xml(b, "TargetGroupArn", arn);
    buf_xml(b, "TargetGroupName", name);
    buf_puts(b, "<Protocol>HTTP</Protocol><Port>8080</Port><VpcId>vpc-0123456789abcdef0</VpcId>"
                "<HealthCheckProtocol>HTTP</HealthCheckProtocol>"
                "<HealthCheckPort>traffic-port</HealthCheckPort>"
                "<HealthCheckEnabled>true</HealthCheckEnabled>"
                "<HealthCheckIntervalSeconds>30</HealthCheckIntervalSeconds>"
                "<HealthCheckTimeoutSeconds>5</HealthCheckTimeoutSeconds>"
                "<HealthyThresholdCount>5</HealthyThresholdCount>"
                "<UnhealthyThresholdCount>2</UnhealthyThresholdCount>"
                "<HealthCheckPath>/health</HealthCheckPath>"
                "<Matcher><HttpCode>200</HttpCode></Matcher><LoadBalancerArns>");
    world_lb_arn(tg / world.tgs_per_lb, arn, sizeof arn);
    buf_xml(b, "member", arn);
    buf_puts(b, "</LoadBalancerArns><TargetType>ip</TargetType>"
                "<ProtocolVersion>HTTP1</ProtocolVersion><IpAddressType>ipv4</IpAddressType>"
                "</member>");
}

static void
describe_target_groups(const struct rp_request *rq, struct rp_answer *a)
{
    struct rp_buf b = {0};
    int n, size;
    char **arns = form_list(rq, "TargetGroupArns", &n);
    char *lb = form_get(rq->body, rq->body_len, "LoadBalancerArn");
    long off, first = 0, total = world_target_groups(), lbi;

    if (!paging(rq, &off, &size, a))
        goto out;
    for (int i = 0; i < n; i++) {
        if (world_tg_index(arns[i]) < 0) {
            query_error(a, 400, NS, "TargetGroupNotFound",
                        "One or more target groups not found");
            goto out;
        }
    }
    if (lb != NULL) {
        if ((lbi = world_lb_index(lb)) < 0) {
            query_error(a, 400, NS, "LoadBalancerNotFound",
                        "One or more load balancers not found");
            goto out;
        }
        first = lbi * world.tgs_per_lb;
        total = first + world.tgs_per_lb < total ? first + world.tgs_per_lb : total;
    }
    open_response(&b, rq->op);
    buf_puts(&b, "<TargetGroups>");
    if (n > 0) {
        for (int i = 0; i < n; i++)
            add_tg(&b, world_tg_index(arns[i]));
        buf_puts(&b, "</TargetGroups>");
    } else {
        long end = first + off + size < total ? first + off + size : total;
        for (long t = first + off; t < end; t++)
            add_tg(&b, t);
        buf_puts(&b, "</TargetGroups>");
        next_marker(&b, rq->op, end - first, total - first);
    }
    close_response(&b, rq->op, a);
out:
    free_list(arns, n);
    free(lb);
}

static void
describe_target_health(const struct rp_request *rq, struct rp_answer *a)
{
    char *arn = form_get(rq->body, rq->body_len, "TargetGroupArn");
    long tg = arn != NULL ? world_tg_index(arn) : -1, svc;
    struct rp_buf b = {0};
    char ip[24];

    free(arn);
    if (tg < 0) {
        query_error(a, 400, NS, "TargetGroupNotFound", "One or more target groups not found");
        return;
    }
    svc = world_tg_service(tg);
    open_response(&b, rq->op);
    buf_puts(&b, "<TargetHealthDescriptions>");
    for (int k = 0; k < world.tasks_per_svc; k++) {
        bool bad = world.unhealthy_every > 0 && tg % world.unhealthy_every == 0 && k == 0;
        world_task_ip(svc, k, ip, sizeof ip);
        buf_puts(&b, "<member><Target>");
        buf_xml(&b, "Id", ip);
        buf_printf(&b, "<Port>8080</Port><AvailabilityZone>us-east-1%c</AvailabilityZone>"
                       "</Target><HealthCheckPort>8080</HealthCheckPort><TargetHealth>",
                   k ? 'b' : 'a');
        if (bad)
            buf_puts(&b, "<State>unhealthy</State><Reason>Target.ResponseCodeMismatch</Reason>"
                         "<Description>Health checks failed with these codes: [502]"
                         "</Description>");
        else
            buf_puts(&b, "<State>healthy</State>");
        buf_puts(&b, "</TargetHealth></member>");
    }
    buf_puts(&b, "</TargetHealthDescriptions>");
    close_response(&b, rq->op, a);
}

static void
add_lb(struct rp_buf *b, long lb)
{
    char arn[192], name[32], when[40];

    world_lb_arn(lb, arn, sizeof arn);
    world_lb_name(lb, name, sizeof name);
    world_iso8601(world.started - 86400 * 400, when, sizeof when);
    buf_puts(b, "<member>");
    buf_xml(b, "LoadBalancerArn", arn);
    buf_printf(b, "<DNSName>%s-%u." RP_REGION ".elb.amazonaws.com</DNSName>", name,
               world_hash(name, 5) % 1000000000u);
    buf_puts(b, "<CanonicalHostedZoneId>Z35SXDOTRQ7X7K</CanonicalHostedZoneId>");
    buf_xml(b, "CreatedTime", when);
    buf_xml(b, "LoadBalancerName", name);
    buf_puts(b, "<Scheme>internet-facing</Scheme><VpcId>vpc-0123456789abcdef0</VpcId>"
                "<State><Code>active</Code></State><Type>application</Type>"
                "<AvailabilityZones><member><ZoneName>us-east-1a</ZoneName>"
                "<SubnetId>subnet-0a1b2c3d4e5f60718</SubnetId></member><member>"
                "<ZoneName>us-east-1b</ZoneName><SubnetId>subnet-0f1e2d3c4b5a60798</SubnetId>"
                "</member></AvailabilityZones><SecurityGroups><member>sg-0123456789abcdef0"
                "</member></SecurityGroups><IpAddressType>ipv4</IpAddressType></member>");
}

static void
describe_load_balancers(const struct rp_request *rq, struct rp_answer *a)
{
    struct rp_buf b = {0};
    int n, size;
    char **arns = form_list(rq, "LoadBalancerArns", &n);
    long off, total = world_load_balancers();

    if (!paging(rq, &off, &size, a))
        goto out;
    for (int i = 0; i < n; i++) {
        if (world_lb_index(arns[i]) < 0) {
            query_error(a, 400, NS, "LoadBalancerNotFound",
                        "One or more load balancers not found");
            goto out;
        }
    }
    open_response(&b, rq->op);
    buf_puts(&b, "<LoadBalancers>");
    if (n > 0) {
        for (int i = 0; i < n; i++)
            add_lb(&b, world_lb_index(arns[i]));
        buf_puts(&b, "</LoadBalancers>");
    } else {
        long end = off + size < total ? off + size : total;
        for (long l = off; l < end; l++)
            add_lb(&b, l);
        buf_puts(&b, "</LoadBalancers>");
        next_marker(&b, rq->op, end, total);
    }
    close_response(&b, rq->op, a);
out:
    free_list(arns, n);
}

void
elbv2_answer(const struct rp_request *rq, struct rp_answer *a)
{
    if (strcmp(rq->op, "DescribeTargetGroups") == 0)
        describe_target_groups(rq, a);
    else if (strcmp(rq->op, "DescribeTargetHealth") == 0)
        describe_target_health(rq, a);
    else if (strcmp(rq->op, "DescribeLoadBalancers") == 0)
        describe_load_balancers(rq, a);
    else
        query_error(a, 400, NS, "InvalidAction",
                    "The action or operation requested is invalid. Verify that the action "
                    "is typed correctly.");
}
