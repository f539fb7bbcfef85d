/* ondeck: a terminal operations console for AWS container services. The only file that
 * knows both the CLI (src/) and the console (ui/): it hands the console's entry point to
 * cli_main, so src/ never includes a ui/ header. */
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "cli/cli.h"
#include "ui/ui.h"

#if defined(__SANITIZE_ADDRESS__)
#define OD_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OD_UNDER_ASAN 1
#endif
#endif

/* A core file would hold the credentials: none is written (ONDECK_ALLOW_CORE_DUMPS=1 keeps
 * them for debugging). LeakSanitizer needs a dumpable process, so sanitizer builds keep it. */
static void
no_core_dumps(void)
{
    const char *allow = getenv("ONDECK_ALLOW_CORE_DUMPS");
    struct rlimit none = {0, 0};

    if (allow != NULL && allow[0] == '1')
        return;
    setrlimit(RLIMIT_CORE, &none);
#ifndef OD_UNDER_ASAN
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

int
main(int argc, char **argv)
{
    int rc, sig;

    no_core_dumps();
    setlocale(LC_ALL, "");
    rc = cli_main(argc, argv, ui_console_run);
    /* The console quit on SIGTERM/SIGINT/SIGHUP after restoring the terminal and cleaning
     * up: end the way the signal would have, so the parent sees it. */
    if ((sig = ui_console_exit_signal()) != 0) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
    return rc;
}
