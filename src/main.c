/* ondeck: a terminal operations console for AWS container services. The only file that
 * knows both the CLI (src/) and the console (ui/): it hands the console's entry point to
 * cli_main, so src/ never includes a ui/ header. */
#include <locale.h>
#include <signal.h>

#include "cli/cli.h"
#include "ui/ui.h"

int
main(int argc, char **argv)
{
    int rc, sig;

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
