/* Exec (ECS Exec): the session hand-off to session-manager-plugin, shared by `ondeck exec`
 * and the console's `x`. The plan and the ExecuteCommand call are the action engine's
 * (OD_ACTION_EXEC, src/actions/exec.c); the result carries the session (a secret: its
 * tokenValue authenticates the stream) which is given to the plugin here and nowhere else.
 *
 * The plugin is started as the AWS CLI starts it (awscli/customizations/ecs/
 * executecommand.py; the session through the environment as in its ssm start-session):
 *   session-manager-plugin AWS_SSM_START_SESSION_RESPONSE REGION StartSession PROFILE
 *       {"Target": "ecs:CLUSTER_TASKID_RUNTIMEID"} SSM-ENDPOINT-URL
 * with AWS_SSM_START_SESSION_RESPONSE={"sessionId":…,"streamUrl":…,"tokenValue":…} in its
 * environment only: the token is never in an argv (ps), a log, the audit line or a message. */
#ifndef OD_ACTIONS_EXEC_H
#define OD_ACTIONS_EXEC_H

#include "util/err.h"

struct od_plan;

#define EXEC_DEFAULT_COMMAND "/bin/sh"
#define EXEC_PLUGIN "session-manager-plugin"
#define EXEC_SESSION_ENV "AWS_SSM_START_SESSION_RESPONSE"

/* What to tell the operator when the plugin is not on PATH (one line, with the URL). */
extern const char exec_plugin_hint[];

/* The readiness check on a DescribeTasks answer, for task (id or ARN) and container (NULL:
 * the only one); service_enabled is the service's enableExecuteCommand (1, 0, -1 unknown).
 * The reasons, one a line, "" when ready; NULL when the task is not in the answer. */
char *exec_readiness(const char *body, size_t len, const char *task, const char *container,
                     int service_enabled);

/* The plugin's path on PATH, or NULL (malloc'd). */
char *exec_plugin_path(void);

/* "ecs:CLUSTER_TASKID_RUNTIMEID" (cluster and task may be names or ARNs). malloc'd. */
char *exec_ssm_target(const char *cluster, const char *task, const char *runtime_id);
/* The SSM endpoint the plugin talks to: AWS_ENDPOINT_URL_SSM, else the region's. malloc'd. */
char *exec_ssm_endpoint(const char *region);

/* Run the plugin for a planned and executed exec (plan: region, cluster, task_arn,
 * runtime_id; session_json: the result's session) on the terminal and wait for it.
 * *status is the plugin's exit status (128 + signal). OD_E_USAGE when the plugin is not on
 * PATH (err holds the install hint). The caller gives the terminal up first (console). */
enum od_err exec_session_run(const struct od_plan *plan, const char *session_json, int *status,
                             struct od_error *err);

#endif
