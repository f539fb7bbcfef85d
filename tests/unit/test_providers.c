/* Credential providers: chain order and explanations, profile resolution errors, the cache
 * (refresh windows with a fake clock, waiter coalescing, invalidate), credential_process
 * through loop/child, and -- with the loopback stub and moto -- IMDS, container, SSO and
 * STS AssumeRole. Every callback must arrive from the loop, never inside get(). */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aws/creds.h"
#include "aws/profile.h"
#include "aws/provider.h"
#include "aws/request.h"
#include "check.h"
#include "loop/child.h"
#include "loop/loop.h"
#include "util/clock.h"
#include "util/str.h"
#include "util/xalloc.h"

/* ---- fixtures ---- */

static int64_t fake_ms;
static int64_t
fake_wall(void)
{
    return fake_ms;
}

static int64_t (*real_wall)(void);

static bool settled;
static void
on_settle(void *ud)
{
    settled = true;
}

/* Let pending loop work (deferred callbacks, background refresh) finish. */
static void
settle(struct od_loop *loop)
{
    settled = false;
    loop_timer_add(loop, 20, on_settle, NULL);
    loop_run_until(loop, &settled);
}

static char tmpdir[] = "/tmp/od-creds-XXXXXX";

struct result {
    bool done;
    int calls;
    struct od_creds *creds;
    struct od_error err;
};

static void
on_creds(struct od_creds *creds, const struct od_error *err, void *ud)
{
    struct result *r = ud;

    r->calls++;
    r->done = true;
    creds_release(&r->creds);
    od_error_clear(&r->err);
    if (creds != NULL)
        r->creds = creds_acquire(creds);
    else
        od_error_copy(&r->err, err);
}

static void
result_clear(struct result *r)
{
    creds_release(&r->creds);
    od_error_clear(&r->err);
    memset(r, 0, sizeof *r);
}

static bool timed_out;
static void
on_deadline(void *ud)
{
    *(bool *)ud = true;
    timed_out = true;
}

static void
wait_done(struct od_loop *loop, bool *done, uint64_t ms)
{
    uint64_t t = loop_timer_add(loop, ms, on_deadline, done);

    loop_run_until(loop, done);
    loop_timer_cancel(loop, t);
}

/* get() through p; checks the callback is deferred; waits for it. */
static void
get_creds(struct od_aws *aws, struct od_provider *p, struct result *r)
{
    result_clear(r);
    timed_out = false;
    CHECK(provider_get(p, on_creds, r) == OD_OK, "get started");
    CHECK_INT(r->calls, 0, "callback not run inside get()");
    wait_done(aws->loop, &r->done, 15000);
    CHECK(!timed_out, "callback arrived");
    CHECK_INT(r->calls, 1, "exactly one callback");
}

static bool
contains(const char *s, const char *sub)
{
    bool ok = s != NULL && strstr(s, sub) != NULL;

    if (!ok)
        printf("#   [%s] lacks [%s]\n", s != NULL ? s : "(null)", sub);
    return ok;
}

static void
aws_init(struct od_aws *aws, struct od_loop *loop, const char *config, const char *creds)
{
    struct od_error err = { 0 };

    memset(aws, 0, sizeof *aws);
    aws->loop = loop;
    if (profiles_parse(&aws->profiles, config, creds, &err) != OD_OK)
        printf("# bad fixture: %s\n", err.message);
    od_error_clear(&err);
}

static void
clear_env(void)
{
    static const char *const vars[] = {
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION", "AWS_ACCOUNT_ID", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS",
        "AWS_ENDPOINT_URL_SSO",
    };
    size_t i;

    for (i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
}

/* ---- chain ---- */

static const char chain_config[] =
    "[default]\n"
    "aws_access_key_id = CFGDEFAULT\n"
    "aws_secret_access_key = cfg-secret\n"
    "[profile dev]\n"
    "aws_access_key_id = CFGDEV\n"
    "aws_secret_access_key = cfg-dev-secret\n"
    "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n"
    "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = a\n"
    "[profile both]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = dev\n"
    "credential_source = Environment\n"
    "[profile dangling]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = ghost\n"
    "[profile mfa]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = dev\n"
    "mfa_serial = arn:aws:iam::123456789012:mfa/me\n"
    "[profile selfnokeys]\nrole_arn = arn:aws:iam::123456789012:role/x\n"
    "source_profile = selfnokeys\n"
    "[profile empty]\nregion = eu-west-1\n"
    "[profile partial]\naws_access_key_id = ONLYID\n"
    "[profile proc]\ncredential_process = /bin/false\n"
    "aws_access_key_id = CFGPROC\naws_secret_access_key = s\n";

static const char chain_credentials[] =
    "[dev]\n"
    "aws_access_key_id = CREDSDEV\n"
    "aws_secret_access_key = creds-dev-secret\n";

static void
test_chain_order(struct od_loop *loop)
{
    struct od_aws aws;
    struct od_provider *p;
    struct result r = { 0 };
    char *why;

    clear_env();
    aws_init(&aws, loop, chain_config, chain_credentials);

    setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
    setenv("AWS_SESSION_TOKEN", "env-token", 1);
    p = provider_default(&aws, "dev", false);
    get_creds(&aws, p, &r);
    CHECK(r.creds != NULL && strcmp(r.creds->access_key_id, "ENVKEY") == 0,
          "env wins over a profile from AWS_PROFILE");
    CHECK_STR(r.creds != NULL ? r.creds->source : NULL, "env", "source env");
    CHECK_STR(r.creds != NULL ? r.creds->session_token : NULL, "env-token", "session token");
    why = provider_chain_explain(p);
    CHECK_STR(why, "env: provided credentials", "explain after env success");
    free(why);
    provider_release(&p);

    p = provider_default(&aws, "dev", true);
    get_creds(&aws, p, &r);
    CHECK(r.creds != NULL && strcmp(r.creds->access_key_id, "CREDSDEV") == 0,
          "--profile skips env; credentials file beats config file");
    CHECK_STR(r.creds != NULL ? r.creds->source : NULL, "profile:dev", "source profile:dev");
    CHECK(r.creds != NULL && r.creds->session_token == NULL && r.creds->expiration == 0,
          "long-term keys");
    provider_release(&p);

    setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
    unsetenv("AWS_SECRET_ACCESS_KEY");
    p = provider_default(&aws, "dev", false);
    get_creds(&aws, p, &r);
    CHECK(r.creds == NULL && r.err.err == OD_E_CONFIG, "partial env keys are an error");
    CHECK(contains(r.err.message, "env: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY"),
          "partial env message");
    provider_release(&p);

    clear_env();
    p = provider_default(&aws, "default", false);
    get_creds(&aws, p, &r);
    CHECK_STR(r.creds != NULL ? r.creds->access_key_id : NULL, "CFGDEFAULT",
              "config-file keys for default");
    why = provider_chain_explain(p);
    CHECK_STR(why, "env: AWS_ACCESS_KEY_ID not set; profile 'default': provided credentials",
              "explain: env declined, profile provided");
    free(why);
    provider_release(&p);

    p = provider_default(&aws, "empty", false);
    get_creds(&aws, p, &r);
    CHECK(r.creds == NULL && r.err.err == OD_E_NO_CREDS, "nothing configured: NO_CREDS");
    why = provider_chain_explain(p);
    CHECK(contains(why, "env: AWS_ACCESS_KEY_ID not set; profile 'empty': no role_arn"),
          "explain lists env and profile");
    CHECK(contains(why, "; container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI not set"
                        "; imds: AWS_EC2_METADATA_DISABLED=true"),
          "explain lists container and imds");
    CHECK(str_has_prefix(r.err.message, "set AWS_PROFILE (or --profile)"),
          "the error says first what to do");
    CHECK(contains(r.err.message, "(tried env:"), "error carries the reasons");
    free(why);
    provider_release(&p);

    p = provider_default(&aws, "nope", true);
    get_creds(&aws, p, &r);
    CHECK(r.err.err == OD_E_CONFIG &&
              contains(r.err.message, "profile 'nope': profile 'nope' not found"),
          "unknown explicit profile is a config error");
    provider_release(&p);

    p = provider_default(&aws, "proc", true);
    get_creds(&aws, p, &r);
    CHECK(r.err.err == OD_E_IO && contains(r.err.message, "exited with status 1"),
          "credential_process beats config-file keys (and its failure ends the chain)");
    provider_release(&p);

    profiles_free(&aws.profiles);
    result_clear(&r);
}

static void
expect_profile_error(struct od_aws *aws, const char *profile, const char *want)
{
    struct od_provider *p = provider_profile_new(aws, profile);
    struct result r = { 0 };

    get_creds(aws, p, &r);
    CHECK(r.creds == NULL && r.err.err == OD_E_CONFIG, profile);
    CHECK(contains(r.err.message, want), want);
    /* Resolution is cached: a second get gives the same answer. */
    get_creds(aws, p, &r);
    CHECK(contains(r.err.message, want), "same error on the second get");
    result_clear(&r);
    provider_release(&p);
}

static void
test_profile_errors(struct od_loop *loop)
{
    struct od_aws aws;

    clear_env();
    aws_init(&aws, loop, chain_config, chain_credentials);
    expect_profile_error(&aws, "a", "source_profile loop: a -> b -> a");
    expect_profile_error(&aws, "selfnokeys", "source_profile loop: selfnokeys -> selfnokeys");
    expect_profile_error(&aws, "both", "both source_profile and credential_source");
    expect_profile_error(&aws, "dangling", "source_profile 'ghost' does not exist");
    expect_profile_error(&aws, "mfa", "mfa_serial needs an interactive MFA prompt");
    expect_profile_error(&aws, "partial", "aws_access_key_id is set without");
    profiles_free(&aws.profiles);
}

/* ---- cache ---- */

struct fake {
    int gets;
    long lifetime_s; /* creds expire this long after "now" */
    int serial;
    bool fail;
};

static enum od_err
fake_get(struct od_provider *p, od_creds_cb cb, void *ud)
{
    struct fake *f = p->impl;
    char akid[32];
    struct od_creds *c;

    f->gets++;
    if (f->fail)
        return provider_fail(p, cb, ud, OD_E_NETWORK, "fake failure");
    snprintf(akid, sizeof akid, "FAKE%d", ++f->serial);
    c = creds_new(akid, "s", "t", (time_t)(fake_ms / 1000) + f->lifetime_s, "fake");
    provider_deliver(p, cb, ud, c, NULL);
    creds_release(&c);
    return OD_OK;
}

static const struct od_provider_ops fake_ops = { .name = "fake", .get = fake_get };

static void
test_cache(struct od_loop *loop)
{
    struct od_aws aws = { .loop = loop };
    struct fake f = { .lifetime_s = 3600 };
    struct od_provider *inner = provider_new(&fake_ops, &aws, &f);
    struct od_provider *cache;
    struct result r1 = { 0 }, r2 = { 0 }, r3 = { 0 };
    struct od_creds *held;

    clock_wall_ms = fake_wall;
    fake_ms = 1800000000000;
    cache = provider_cache_new(&aws, inner);

    CHECK(provider_get(cache, on_creds, &r1) == OD_OK, "first get");
    CHECK(provider_get(cache, on_creds, &r2) == OD_OK, "concurrent get");
    CHECK(provider_get(cache, on_creds, &r3) == OD_OK, "third concurrent get");
    CHECK(r1.calls + r2.calls + r3.calls == 0, "no callback inside get");
    wait_done(loop, &r3.done, 2000);
    CHECK(r1.done && r2.done && r3.done, "all waiters answered");
    CHECK_INT(f.gets, 1, "three waiters, one refresh");
    CHECK(r1.creds != NULL && r1.creds == r2.creds && r2.creds == r3.creds,
          "waiters share the credentials");
    held = r1.creds != NULL ? creds_acquire(r1.creds) : NULL;

    get_creds(&aws, cache, &r1);
    CHECK_INT(f.gets, 1, "fresh credentials served from cache");

    fake_ms += (3600 - 14 * 60) * 1000LL; /* 14 min left: advisory window */
    get_creds(&aws, cache, &r1);
    CHECK_STR(r1.creds != NULL ? r1.creds->access_key_id : NULL, "FAKE1",
              "advisory window serves the current credentials at once");
    CHECK_INT(f.gets, 2, "advisory window starts one background refresh");
    settle(loop);
    get_creds(&aws, cache, &r1);
    CHECK_STR(r1.creds != NULL ? r1.creds->access_key_id : NULL, "FAKE2",
              "the refreshed credentials replace the cached ones");
    CHECK_INT(f.gets, 2, "no further refresh");
    CHECK(held != NULL && strcmp(held->access_key_id, "FAKE1") == 0,
          "a holder of the old credentials keeps them intact");
    creds_release(&held);

    fake_ms += (3600 - 5 * 60) * 1000LL; /* 5 min left: mandatory window */
    f.fail = true;
    get_creds(&aws, cache, &r1);
    CHECK_INT(f.gets, 3, "mandatory window waits for a refresh");
    CHECK_STR(r1.creds != NULL ? r1.creds->access_key_id : NULL, "FAKE2",
              "failed refresh: still-valid credentials are served");
    f.fail = false;
    get_creds(&aws, cache, &r1);
    CHECK_STR(r1.creds != NULL ? r1.creds->access_key_id : NULL, "FAKE3",
              "mandatory refresh yields new credentials");

    provider_invalidate(cache);
    get_creds(&aws, cache, &r1);
    CHECK_INT(f.gets, 5, "invalidate forces a refresh");
    CHECK_STR(r1.creds != NULL ? r1.creds->access_key_id : NULL, "FAKE4", "new after invalidate");

    fake_ms += 7200 * 1000LL; /* expired */
    f.fail = true;
    get_creds(&aws, cache, &r1);
    CHECK(r1.creds == NULL && r1.err.err == OD_E_NETWORK,
          "expired and refresh failed: the error reaches the caller");

    result_clear(&r1);
    result_clear(&r2);
    result_clear(&r3);
    provider_release(&cache);
    clock_wall_ms = real_wall;
}

/* ---- credential_process ---- */

static void
write_file(const char *name, const char *text, int mode)
{
    char *path = xasprintf("%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");

    fputs(text, f);
    fclose(f);
    chmod(path, (mode_t)mode);
    free(path);
}

static void
process_case(struct od_loop *loop, const char *script, const char *args, struct result *r)
{
    char *config;
    struct od_aws aws;
    struct od_provider *p;

    write_file("cp.sh", script, 0755);
    config = xasprintf("[profile p]\ncredential_process = %s/cp.sh %s\n", tmpdir, args);
    aws_init(&aws, loop, config, NULL);
    p = provider_profile_new(&aws, "p");
    get_creds(&aws, p, r);
    provider_release(&p);
    profiles_free(&aws.profiles);
    free(config);
}

static void
test_process(struct od_loop *loop)
{
    struct result r = { 0 };

    clear_env();
    process_case(loop,
                 "#!/bin/sh\n[ \"$1\" = 'arg with space' ] || exit 7\n"
                 "echo '{\"Version\": 1, \"AccessKeyId\": \"PROCAKID\", \"SecretAccessKey\": "
                 "\"proc-secret\", \"SessionToken\": \"proc-token\", \"Expiration\": "
                 "\"2099-01-01T00:00:00Z\", \"AccountId\": \"111122223333\"}'\n",
                 "\"arg with space\"", &r);
    CHECK_STR(r.creds != NULL ? r.creds->access_key_id : NULL, "PROCAKID",
              "process credentials (quoted argument passed without a shell)");
    CHECK_STR(r.creds != NULL ? r.creds->source : NULL, "process:p", "source process:p");
    CHECK_STR(r.creds != NULL ? r.creds->account_id : NULL, "111122223333", "AccountId");
    CHECK(r.creds != NULL && r.creds->expiration == 4070908800, "Expiration parsed");

    process_case(loop, "#!/bin/sh\necho 'SECRETSTDOUT {not json'\n", "", &r);
    CHECK(r.err.err == OD_E_PARSE && contains(r.err.message, "not a JSON object"), "bad JSON");
    CHECK(r.err.message != NULL && strstr(r.err.message, "SECRETSTDOUT") == NULL,
          "stdout never quoted in errors");

    process_case(loop,
                 "#!/bin/sh\necho '{\"Version\": 2, \"AccessKeyId\": \"A\", "
                 "\"SecretAccessKey\": \"S\"}'\n",
                 "", &r);
    CHECK(r.err.err == OD_E_PARSE && contains(r.err.message, "\"Version\": 1"), "Version 2");

    process_case(loop, "#!/bin/sh\necho 'SECRETSTDOUT'\nprintf 'line1\\nboom \\033[31mred\\n' >&2\nexit 3\n",
                 "", &r);
    CHECK(r.err.err == OD_E_IO, "non-zero exit fails");
    CHECK(contains(r.err.message, "exited with status 3: line1 boom \\x1b[31mred"),
          "stderr quoted, sanitised");
    CHECK(r.err.message != NULL && strstr(r.err.message, "SECRETSTDOUT") == NULL,
          "stdout not quoted on failure");

    process_case(loop,
                 "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"A\", "
                 "\"SecretAccessKey\": \"S\", \"Expiration\": \"2001-01-01T00:00:00Z\"}'\n",
                 "", &r);
    CHECK(r.err.err == OD_E_EXPIRED_CREDS && contains(r.err.message, "2001-01-01T00:00:00Z"),
          "Expiration in the past");

    process_case(loop, "#!/bin/sh\nexec cat /dev/zero\n", "", &r);
    CHECK(r.err.err == OD_E_TOO_LARGE, "endless output is capped");

    setenv("ONDECK_CREDENTIAL_PROCESS_TIMEOUT_MS", "300", 1);
    process_case(loop, "#!/bin/sh\nexec sleep 5\n", "", &r);
    CHECK(r.err.err == OD_E_TIMEOUT && contains(r.err.message, "timed out"), "timeout kills");
    unsetenv("ONDECK_CREDENTIAL_PROCESS_TIMEOUT_MS");

    {
        struct od_aws aws;
        struct od_provider *p;

        aws_init(&aws, loop, "[profile p]\ncredential_process = /nonexistent/helper --x\n", NULL);
        p = provider_profile_new(&aws, "p");
        get_creds(&aws, p, &r);
        CHECK(r.err.err == OD_E_IO && contains(r.err.message, "cannot run '/nonexistent/helper'"),
              "missing program");
        provider_release(&p);
        profiles_free(&aws.profiles);
        aws_init(&aws, loop, "[profile p]\ncredential_process = helper 'unterminated\n", NULL);
        p = provider_profile_new(&aws, "p");
        get_creds(&aws, p, &r);
        CHECK(r.err.err == OD_E_CONFIG && contains(r.err.message, "unterminated quote"),
              "bad command line");
        provider_release(&p);
        profiles_free(&aws.profiles);
    }
    CHECK_INT(child_running(), 0, "no child left running");
    result_clear(&r);
}

/* ---- loopback stub and moto ---- */

static int
tcp_connect(int port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Blocking GET for the stub's control endpoint (test plumbing, not the code under test). */
static void
stub_control(int port, const char *query)
{
    int fd = tcp_connect(port);
    char *req = xasprintf("GET /_control?%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                          query);
    char buf[512];

    if (fd < 0) {
        free(req);
        return;
    }
    (void)!write(fd, req, strlen(req));
    while (read(fd, buf, sizeof buf) > 0)
        ;
    close(fd);
    free(req);
}

static int
free_port(void)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t len = sizeof sa;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *)&sa, sizeof sa);
    getsockname(fd, (struct sockaddr *)&sa, &len);
    port = ntohs(sa.sin_port);
    close(fd);
    return port;
}

static pid_t
spawn(char *const argv[])
{
    pid_t pid = fork();

    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);

        dup2(devnull, 1);
        dup2(devnull, 2);
        execvp(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static bool
wait_port(int port, pid_t pid, int seconds)
{
    int i, fd, status;

    for (i = 0; i < seconds * 20; i++) {
        if ((fd = tcp_connect(port)) >= 0) {
            close(fd);
            return true;
        }
        if (waitpid(pid, &status, WNOHANG) == pid)
            return false;
        usleep(50000);
    }
    return false;
}

static void
stop(pid_t pid)
{
    int status;

    if (pid <= 0)
        return;
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
}

static void
aws_from_files(struct od_aws **aws, struct od_loop *loop, const char *config, const char *profile)
{
    struct od_aws_opts opts = { .profile = profile, .region = "us-east-1" };
    struct od_error err = { 0 };
    char *path = xasprintf("%s/config", tmpdir);

    write_file("config", config, 0600);
    setenv("AWS_CONFIG_FILE", path, 1);
    setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", 1);
    if (aws_new(aws, loop, &opts, &err) != OD_OK)
        printf("# aws_new: %s\n", err.message);
    od_error_clear(&err);
    free(path);
}

static void
test_imds(struct od_loop *loop, int port)
{
    struct od_aws *aws = NULL;
    struct od_provider *p;
    struct result r = { 0 };
    char *ep = xasprintf("http://127.0.0.1:%d/", port);

    clear_env();
    unsetenv("AWS_EC2_METADATA_DISABLED");
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", ep, 1);
    aws_from_files(&aws, loop, "[default]\nregion = us-east-1\n", NULL);
    p = provider_imds_new(aws);
    get_creds(aws, p, &r);
    CHECK_STR(r.creds != NULL ? r.creds->access_key_id : NULL, "IMDSAKID", "IMDSv2 credentials");
    CHECK_STR(r.creds != NULL ? r.creds->source : NULL, "imds", "source imds");
    CHECK(r.creds != NULL && r.creds->expiration > 0, "IMDS expiration");
    stub_control(port, "imds=v1");
    get_creds(aws, p, &r);
    CHECK_STR(r.creds != NULL ? r.creds->access_key_id : NULL, "IMDSAKID",
              "token refused (403): IMDSv1 fallback");
    setenv("AWS_EC2_METADATA_V1_DISABLED", "true", 1);
    get_creds(aws, p, &r);
    CHECK(r.err.err == OD_E_NO_CREDS && contains(r.err.message, "HTTP 403 (IMDSv1 disabled)"),
          "v1 disabled: no fallback");
    unsetenv("AWS_EC2_METADATA_V1_DISABLED");
    stub_control(port, "imds=expired");
    get_creds(aws, p, &r);
    CHECK(r.err.err == OD_E_NO_CREDS && contains(r.err.message, "already expired"),
          "expired IMDS credentials refused");
    stub_control(port, "imds=garbage");
    get_creds(aws, p, &r);
    CHECK(r.err.err == OD_E_NO_CREDS && contains(r.err.message, "not a JSON object"),
          "garbage answer");
    stub_control(port, "imds=norole");
    get_creds(aws, p, &r);
    CHECK(contains(r.err.message, "no IAM role attached"), "no role");
    stub_control(port, "imds=ok");
    provider_release(&p);

    /* The whole chain falls through to IMDS. */
    get_creds(aws, aws->provider, &r);
    CHECK_STR(r.creds != NULL ? r.creds->source : NULL, "imds", "default chain reaches IMDS");
    {
        char *why = provider_chain_explain(aws->provider);

        CHECK(contains(why, "; imds: provided credentials"), "explain ends with imds");
        free(why);
    }
    aws_free(&aws);

    /* Nothing listening: a quick, clean NO_CREDS. */
    free(ep);
    ep = xasprintf("http://127.0.0.1:%d", free_port());
    setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", ep, 1);
    aws_from_files(&aws, loop, "[default]\nregion = us-east-1\n", NULL);
    p = provider_imds_new(aws);
    get_creds(aws, p, &r);
    CHECK(r.err.err == OD_E_NO_CREDS && contains(r.err.message, "no instance metadata service"),
          "unreachable IMDS declines");
    provider_release(&p);
    aws_free(&aws);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
    unsetenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
    free(ep);
    result_clear(&r);
}

static void
test_container(struct od_loop *loop, int port)
{
    struct od_aws *aws = NULL;
    struct od_provider *p;
    struct result r = { 0 };
    char *uri = xasprintf("http://127.0.0.1:%d/container/creds", port);
    char *tokfile = xasprintf("%s/ctoken", tmpdir);

    clear_env();
    aws_from_files(&aws, loop, "[default]\nregion = us-east-1\n", NULL);
    p = provider_container_new(aws);
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri, 1);
    stub_control(port, "container_token=Bearer%20abc");
    write_file("ctoken", "Bearer abc\n", 0600);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokfile, 1);
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong", 1);
    get_creds(aws, p, &r);
    CHECK_STR(r.creds != NULL ? r.creds->access_key_id : NULL, "CONTAKID",
              "container credentials, token file wins over env");
    CHECK_STR(r.creds != NULL ? r.creds->session_token : NULL, "CONT-token", "container token");
    CHECK_STR(r.creds != NULL ? r.creds->source : NULL, "container", "source container");
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    get_creds(aws, p, &r);
    CHECK(r.err.err == OD_E_HTTP && r.err.http_status == 401, "wrong token: HTTP 401 error");
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer abc\r\nX-Evil: 1", 1);
    get_creds(aws, p, &r);
    CHECK(r.err.err == OD_E_CONFIG && contains(r.err.message, "CR or LF"), "CR/LF rejected");
    setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer abc", 1);
    stub_control(port, "container=garbage");
    get_creds(aws, p, &r);
    CHECK(r.err.err == OD_E_PARSE, "garbage container answer");
    stub_control(port, "container=expired");
    get_creds(aws, p, &r);
    CHECK(r.err.err == OD_E_EXPIRED_CREDS, "expired container credentials");
    stub_control(port, "container=ok");
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds", 1);
    get_creds(aws, p, &r);
    CHECK(r.err.err == OD_E_CONFIG && contains(r.err.message, "must be https"),
          "plain http to a remote host refused");
    setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1@evil.example/x", 1);
    get_creds(aws, p, &r);
    CHECK(r.err.err == OD_E_CONFIG, "userinfo trick refused");
    unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    stub_control(port, "container_token=");
    provider_release(&p);
    aws_free(&aws);
    free(uri);
    free(tokfile);
    result_clear(&r);
}

static void
test_sso(struct od_loop *loop, int port)
{
    struct od_aws *aws = NULL;
    struct result r = { 0 };
    char *ep = xasprintf("http://127.0.0.1:%d", port);
    char *dir = xasprintf("%s/.aws/sso/cache", tmpdir);
    char *cmd = xasprintf("mkdir -p '%s'", dir);
    const char *cache = ".aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json";
    const char *legacy = ".aws/sso/cache/c7aaaf71fcc8777ae2475525ed049d39fe16c484.json";
    const char *config = "[profile dev]\nsso_session = my-sso\nsso_account_id = 123456789012\n"
                         "sso_role_name = Admin\nregion = eu-west-1\n"
                         "[sso-session my-sso]\n"
                         "sso_start_url = https://my-sso-portal.awsapps.com/start\n"
                         "sso_region = us-east-1\n"
                         "[profile old]\nsso_start_url = https://my-sso-portal.awsapps.com/start\n"
                         "sso_region = us-east-1\nsso_account_id = 123456789012\n"
                         "sso_role_name = Admin\n";

    clear_env();
    if (system(cmd) != 0)
        printf("# mkdir failed\n");
    setenv("HOME", tmpdir, 1);
    setenv("AWS_ENDPOINT_URL_SSO", ep, 1);
    write_file(cache,
               "{\"startUrl\": \"https://my-sso-portal.awsapps.com/start\", \"region\": "
               "\"us-east-1\", \"accessToken\": \"stub-sso-access-token\", \"expiresAt\": "
               "\"2099-01-01T00:00:00Z\"}",
               0600);
    aws_from_files(&aws, loop, config, "dev");
    get_creds(aws, aws->provider, &r);
    CHECK_STR(r.creds != NULL ? r.creds->access_key_id : NULL, "SSOAKID", "sso role credentials");
    CHECK_STR(r.creds != NULL ? r.creds->source : NULL, "sso:dev", "source sso:dev");
    CHECK_STR(r.creds != NULL ? r.creds->account_id : NULL, "123456789012", "sso account");
    CHECK(r.creds != NULL && r.creds->expiration > 1700000000 && r.creds->expiration < 4000000000,
          "expiration from epoch milliseconds");
    aws_free(&aws);

    stub_control(port, "sso=unauthorized");
    aws_from_files(&aws, loop, config, "dev");
    get_creds(aws, aws->provider, &r);
    CHECK(r.err.err == OD_E_EXPIRED_CREDS &&
              contains(r.err.message, "profile 'dev': sso token rejected by the portal"),
          "401 from the portal");
    CHECK(contains(r.err.message, "run `aws sso login --profile dev`"), "tells what to run");
    aws_free(&aws);
    stub_control(port, "sso=garbage");
    aws_from_files(&aws, loop, config, "dev");
    get_creds(aws, aws->provider, &r);
    CHECK(r.err.err == OD_E_PARSE, "garbage portal answer");
    aws_free(&aws);
    stub_control(port, "sso=ok");

    write_file(cache,
               "{\"accessToken\": \"stub-sso-access-token\", \"expiresAt\": "
               "\"2001-01-01T00:00:00Z\"}",
               0600);
    aws_from_files(&aws, loop, config, "dev");
    get_creds(aws, aws->provider, &r);
    CHECK(r.err.err == OD_E_EXPIRED_CREDS, "expired token");
    {
        char *why = provider_chain_explain(aws->provider);

        CHECK_STR(why, "profile 'dev': sso token expired — run `aws sso login --profile dev`",
                  "explain with --profile: no env entry, the sso reason");
        free(why);
    }
    aws_free(&aws);

    aws_from_files(&aws, loop, config, "old");
    get_creds(aws, aws->provider, &r);
    CHECK(r.err.err == OD_E_EXPIRED_CREDS && contains(r.err.message, "no sso token cached"),
          "legacy profile: cache keyed by start URL is missing");
    aws_free(&aws);
    write_file(legacy,
               "{\"accessToken\": \"stub-sso-access-token\", \"expiresAt\": "
               "\"2099-01-01T00:00:00Z\"}",
               0600);
    aws_from_files(&aws, loop, config, "old");
    get_creds(aws, aws->provider, &r);
    CHECK_STR(r.creds != NULL ? r.creds->source : NULL, "sso:old", "legacy sso profile");
    aws_free(&aws);
    unsetenv("AWS_ENDPOINT_URL_SSO");
    free(ep);
    free(dir);
    free(cmd);
    result_clear(&r);
}

static void
test_assume_role(struct od_loop *loop, int port)
{
    struct od_aws *aws = NULL;
    struct result r = { 0 };
    char *ep = xasprintf("http://127.0.0.1:%d", port);
    const char *config =
        "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n"
        "[profile ops]\nrole_arn = arn:aws:iam::123456789012:role/ops-readonly\n"
        "source_profile = base\nrole_session_name = ops-console\nexternal_id = ext-1\n"
        "duration_seconds = 900\n"
        "[profile chained]\nrole_arn = arn:aws:iam::123456789012:role/second\n"
        "source_profile = ops\n"
        "[profile self]\nrole_arn = arn:aws:iam::123456789012:role/self\nsource_profile = self\n"
        "aws_access_key_id = AKIDSELF\naws_secret_access_key = self-secret\n"
        "[profile envsrc]\nrole_arn = arn:aws:iam::123456789012:role/fromenv\n"
        "credential_source = Environment\n";

    clear_env();
    setenv("AWS_ENDPOINT_URL_STS", ep, 1);
    aws_from_files(&aws, loop, config, "ops");
    get_creds(aws, aws->provider, &r);
    CHECK(r.creds != NULL && r.creds->session_token != NULL && r.creds->expiration > 0,
          "AssumeRole against moto");
    CHECK_STR(r.creds != NULL ? r.creds->source : NULL,
              "assume-role:arn:aws:iam::123456789012:role/ops-readonly", "assume-role source");
    CHECK_STR(r.creds != NULL ? r.creds->account_id : NULL, "123456789012",
              "account from AssumedRoleUser");
    if (r.err.message != NULL)
        printf("# %s\n", r.err.message);
    aws_free(&aws);

    aws_from_files(&aws, loop, config, "chained");
    get_creds(aws, aws->provider, &r);
    CHECK_STR(r.creds != NULL ? r.creds->source : NULL,
              "assume-role:arn:aws:iam::123456789012:role/second", "role chained over a role");
    aws_free(&aws);

    aws_from_files(&aws, loop, config, "self");
    get_creds(aws, aws->provider, &r);
    CHECK(r.creds != NULL, "source_profile naming itself with static keys");
    aws_free(&aws);

    setenv("AWS_ACCESS_KEY_ID", "AKIDENV", 1);
    setenv("AWS_SECRET_ACCESS_KEY", "env-secret", 1);
    aws_from_files(&aws, loop, config, "envsrc");
    get_creds(aws, aws->provider, &r);
    CHECK_STR(r.creds != NULL ? r.creds->source : NULL,
              "assume-role:arn:aws:iam::123456789012:role/fromenv",
              "credential_source = Environment");
    aws_free(&aws);
    clear_env();
    free(ep);
    result_clear(&r);
}

static void
test_network(struct od_loop *loop)
{
    const char *srcdir = getenv("ONDECK_SRCDIR");
    const char *py = getenv("PYTHON3") != NULL ? getenv("PYTHON3") : "python3";
    char *stub = xasprintf("%s/tests/lib/credstub.py", srcdir != NULL ? srcdir : ".");
    char *cmd = xasprintf("exec '%s' '%s'", py, stub);
    FILE *f = access(stub, R_OK) == 0 ? popen(cmd, "r") : NULL;
    int port = 0, pid = 0;
    char mport[16];
    char *moto_argv[] = { (char *)py, (char *)"-m", (char *)"moto.server", (char *)"-H",
                          (char *)"127.0.0.1", (char *)"-p", mport, NULL };
    pid_t moto;

    /* The stub and moto are part of the harness: when they do not start, every provider
     * check below is missing, which is a failure, not one skip. */
    CHECK(srcdir != NULL, "ONDECK_SRCDIR names the source tree (the credential stub's home)");
    if (!CHECK(f != NULL && fscanf(f, "%d %d", &port, &pid) == 2,
               "tests/lib/credstub.py starts and prints its port")) {
        printf("#   %s\n", cmd);
    } else {
        test_imds(loop, port);
        test_container(loop, port);
        test_sso(loop, port);
        kill(pid, SIGTERM);
    }
    if (f != NULL)
        pclose(f);

    snprintf(mport, sizeof mport, "%d", free_port());
    moto = spawn(moto_argv);
    if (!CHECK(wait_port(atoi(mport), moto, 30), "moto starts within 30 s (assume-role)")) {
        printf("#   %s -m moto.server (pip install 'moto[server]==5.2.1')\n", py);
    } else {
        test_assume_role(loop, atoi(mport));
    }
    stop(moto);
    free(stub);
    free(cmd);
}

int
main(void)
{
    struct od_loop *loop = loop_new();

    real_wall = clock_wall_ms;
    signal(SIGPIPE, SIG_IGN);
    if (mkdtemp(tmpdir) == NULL)
        return 1;
    test_chain_order(loop);
    test_profile_errors(loop);
    test_cache(loop);
    test_process(loop);
    test_network(loop);
    loop_free(&loop);
    return check_done();
}
