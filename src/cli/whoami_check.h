/* ondeck whoami --check: try each read ondeck makes once and say which the policy refuses. */
#ifndef OD_WHOAMI_CHECK_H
#define OD_WHOAMI_CHECK_H

#include <cjson/cJSON.h>

#include "cli/cli.h"

/* Run the checks (blocking on the CLI's loop); print a table, or add "Checks" to json when
 * it is not NULL. OD_EXIT_OK when every action is allowed, else OD_EXIT_ERROR. */
int whoami_check(struct od_cli *cli, const char *account, cJSON *json);

#endif
