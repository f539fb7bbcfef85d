/* The hand-off of an ECS Exec session to session-manager-plugin (actions/exec.h). */
#include <stdlib.h>
#include <string.h>

#include "actions/action.h"
#include "actions/exec.h"
#include "aws/endpoint.h"
#include "aws/proto_json.h"
#include "aws/request.h"
#include "util/hash.h"
#include "util/spawn.h"
#include "util/str.h"
#include "util/xalloc.h"

extern char **environ;

const char exec_plugin_hint[] =
    "session-manager-plugin is not on PATH: install AWS's Session Manager plugin "
    "(https://docs.aws.amazon.com/systems-manager/latest/userguide/"
    "session-manager-working-with-install-plugin.html: the .deb or .rpm there, or "
    "'brew install --cask session-manager-plugin'), then try again";

char *
exec_plugin_path(void)
{
    return spawn_which(EXEC_PLUGIN);
}

char *
exec_ssm_target(const char *cluster, const char *task, const char *runtime_id)
{
    return xasprintf("ecs:%s_%s_%s", str_last_segment(cluster), str_last_segment(task),
                     runtime_id != NULL ? runtime_id : "");
}

char *
exec_ssm_endpoint(const char *region)
{
    const char *env = getenv("AWS_ENDPOINT_URL_SSM");

    if (!str_empty(env))
        return xstrdup(env);
    return xasprintf("https://ssm.%s.%s", region != NULL ? region : "us-east-1",
                     endpoint_dns_suffix(region != NULL ? region : "us-east-1"));
}

/* The profile as the AWS CLI passes it: the one chosen (--profile or AWS_PROFILE), else "". */
static const char *
plugin_profile(const struct od_plan *plan)
{
    const struct od_aws *aws = plan->env != NULL ? plan->env->aws : NULL;

    if (aws == NULL || aws->profile == NULL)
        return "";
    return aws->profile_explicit || !str_empty(getenv("AWS_PROFILE")) ? aws->profile : "";
}

/* Our environment without any session of an earlier run, plus this session. */
static char **
plugin_env(const char *session_json, char **mine)
{
    size_t n = 0, k = 0;
    char **envp;

    while (environ[n] != NULL)
        n++;
    envp = xcalloc(n + 2, sizeof *envp);
    for (size_t i = 0; i < n; i++)
        if (!str_has_prefix(environ[i], EXEC_SESSION_ENV "="))
            envp[k++] = environ[i];
    *mine = xasprintf("%s=%s", EXEC_SESSION_ENV, session_json);
    envp[k++] = *mine;
    envp[k] = NULL;
    return envp;
}

enum od_err
exec_session_run(const struct od_plan *plan, const char *session_json, int *status,
                 struct od_error *err)
{
    char *path = exec_plugin_path(), *target, *params, *endpoint, *mine = NULL;
    char **envp;
    cJSON *p;
    enum od_err rc;

    if (path == NULL) {
        od_error_set(err, OD_E_USAGE, "%s", exec_plugin_hint);
        return OD_E_USAGE;
    }
    target = exec_ssm_target(plan->cluster, plan->task_arn != NULL ? plan->task_arn : plan->task,
                             plan->runtime_id);
    p = json_new_object();
    json_add_str(p, "Target", target);
    params = json_print(p);
    cJSON_Delete(p);
    endpoint = exec_ssm_endpoint(plan->region);
    {
        char *argv[] = {(char *)EXEC_PLUGIN, (char *)EXEC_SESSION_ENV,
                        plan->region != NULL ? plan->region : (char *)"",
                        (char *)"StartSession", (char *)plugin_profile(plan), params, endpoint,
                        NULL};

        envp = plugin_env(session_json, &mine);
        rc = spawn_foreground(path, argv, envp, status, err);
    }
    secure_free_str(&mine);
    free(envp);
    free(endpoint);
    free(params);
    free(target);
    free(path);
    return rc;
}
