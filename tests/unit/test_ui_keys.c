/* The key registry: key names, lookup by view, remapping from the config file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"
#include "ui/curses.h"
#include "ui/keys.h"

static const enum ui_action table_view[] = {ACT_UP, ACT_DOWN, ACT_ENTER, ACT_FILTER};
static const enum ui_action service_view[] = {ACT_UP, ACT_DOWN, ACT_DEPLOY, ACT_SCALE};

static void
test_names(void)
{
    char name[16];

    CHECK_INT(keys_parse("k"), 'k', "a letter");
    CHECK_INT(keys_parse("K"), 'K', "case matters");
    CHECK_INT(keys_parse(">"), '>', "punctuation");
    CHECK_INT(keys_parse("Enter"), UI_KEY_ENTER, "Enter");
    CHECK_INT(keys_parse("esc"), UI_KEY_ESC, "names are case-insensitive");
    CHECK_INT(keys_parse("C-c"), 3, "C-c");
    CHECK_INT(keys_parse("^C"), 3, "^C");
    CHECK_INT(keys_parse("PgDn"), UI_KEY_FN | KEY_NPAGE, "PgDn");
    CHECK_INT(keys_parse("F5"), UI_KEY_FN | KEY_F(5), "F5");
    CHECK_INT(keys_parse("é"), 0xe9, "a non-ASCII character");
    CHECK_INT(keys_parse(""), -1, "empty is no key");
    CHECK_INT(keys_parse("kk"), -1, "two characters are no key");
    CHECK_INT(keys_parse("C-"), -1, "C- alone is no key");
    CHECK_INT(keys_parse("F13"), -1, "F13 is no key");
    CHECK_INT(keys_parse("C-1"), -1, "control needs a letter");
    keys_name(UI_KEY_FN | KEY_UP, name, sizeof name);
    CHECK_STR(name, "Up", "name of Up");
    keys_name(3, name, sizeof name);
    CHECK_STR(name, "C-c", "name of a control key");
    keys_name(0xe9, name, sizeof name);
    CHECK_STR(name, "é", "name of a non-ASCII key");
    keys_name(UI_KEY_FN | KEY_F(2), name, sizeof name);
    CHECK_STR(name, "F2", "name of F2");
    CHECK_INT(keys_from_curses(OK, '\n'), UI_KEY_ENTER, "newline is Enter");
    CHECK_INT(keys_from_curses(KEY_CODE_YES, KEY_ENTER), UI_KEY_ENTER, "keypad Enter");
    CHECK_INT(keys_from_curses(KEY_CODE_YES, KEY_BACKSPACE), UI_KEY_BACKSPACE, "Backspace");
    CHECK_INT(keys_from_curses(OK, 8), UI_KEY_BACKSPACE, "C-h is Backspace");
}

static void
test_lookup(void)
{
    char keys[64];

    keys_reset();
    CHECK_INT(keys_lookup('j', table_view, 4), ACT_DOWN, "j moves down in a table");
    CHECK_INT(keys_lookup(UI_KEY_FN | KEY_DOWN, table_view, 4), ACT_DOWN, "so does Down");
    CHECK_INT(keys_lookup('q', table_view, 4), ACT_BACK, "q is back, everywhere");
    CHECK_INT(keys_lookup(3, NULL, 0), ACT_QUIT, "C-c quits, everywhere");
    CHECK_INT(keys_lookup('?', NULL, 0), ACT_HELP, "? is help");
    CHECK_INT(keys_lookup('D', table_view, 4), ACT_NONE, "D does nothing where not offered");
    CHECK_INT(keys_lookup('D', service_view, 4), ACT_DEPLOY, "D deploys where offered");
    CHECK_INT(keys_lookup('S', service_view, 4), ACT_SCALE, "S scales");
    CHECK(keys_action_flags(ACT_DEPLOY) & KF_MUTATES, "deploy is a mutation");
    CHECK(!(keys_action_flags(ACT_REFRESH) & KF_MUTATES), "refresh is not");
    {
        int mutations = 0, upper = 0;

        for (int a = 0; a < ACT__COUNT; a++) {
            if (!(keys_action_flags((enum ui_action)a) & KF_MUTATES))
                continue;
            mutations++;
            keys_describe((enum ui_action)a, keys, sizeof keys);
            if (keys[0] >= 'A' && keys[0] <= 'Z' && keys[1] == '\0')
                upper++;
        }
        /* exec (x) changes nothing in AWS but runs what is typed in a container: it goes the
         * same way (confirmed, journaled, refused read-only) on a lower-case key. */
        CHECK_INT(mutations, 7, "seven confirmed actions: deploy, rollback, scale, stop, "
                                "invalidate, exec, continue");
        CHECK_INT(upper, mutations - 1, "every change of AWS state is one upper-case key");
        keys_describe(ACT_EXEC, keys, sizeof keys);
        CHECK(strcmp(keys, "x") == 0 && (keys_action_flags(ACT_EXEC) & KF_MUTATES),
              "exec is x, confirmed like a mutation");
    }
    CHECK_INT(keys_action_find("stop-task"), ACT_STOP_TASK, "actions by config name");
    CHECK_INT(keys_action_find("nope"), ACT_NONE, "unknown action");
    keys_describe(ACT_UP, keys, sizeof keys);
    CHECK_STR(keys, "Up k", "the default keys of up");
}

static void
test_remap(void)
{
    struct od_error err = {0};
    char keys[64];

    keys_reset();
    CHECK_INT(keys_bind(ACT_DOWN, "n Down", &err), OD_OK, "remap down");
    CHECK_INT(keys_lookup('n', table_view, 4), ACT_DOWN, "the new key works");
    CHECK_INT(keys_lookup('j', table_view, 4), ACT_NONE, "the old key is gone");
    CHECK_INT(keys_bind(ACT_QUIT, "q", &err), OD_OK, "bind q to quit");
    CHECK_INT(keys_lookup('q', table_view, 4), ACT_QUIT, "q now quits");
    keys_describe(ACT_BACK, keys, sizeof keys);
    CHECK_STR(keys, "Esc", "and back keeps only Esc");
    CHECK(keys_bind(ACT_UP, "Up nokey", &err) != OD_OK, "a bad key name is refused");
    CHECK(err.message != NULL && strstr(err.message, "'nokey'") != NULL,
          "the error names the bad key");
    od_error_clear(&err);
    CHECK(keys_bind(ACT_UP, "", &err) != OD_OK, "no key at all is refused");
    od_error_clear(&err);
    CHECK(keys_bind(ACT_UP, "a b c d e", &err) != OD_OK, "at most four keys");
    od_error_clear(&err);
    keys_describe(ACT_UP, keys, sizeof keys);
    CHECK_STR(keys, "Up k", "a refused binding changes nothing");
    keys_reset();
    CHECK_INT(keys_lookup('j', table_view, 4), ACT_DOWN, "reset restores the defaults");
}

/* doc/keys.md names every action (it is the user's reference for [keys]). */
static void
test_doc(void)
{
    const char *src = getenv("ONDECK_SRCDIR");
    char path[1024], *text = NULL;
    FILE *fp;
    long n;
    int missing = 0;

    snprintf(path, sizeof path, "%s/doc/keys.md", src != NULL ? src : ".");
    fp = fopen(path, "r");
    CHECK(fp != NULL, "doc/keys.md exists");
    if (fp == NULL)
        return;
    fseek(fp, 0, SEEK_END);
    n = ftell(fp);
    rewind(fp);
    text = calloc(1, (size_t)n + 1);
    if (fread(text, 1, (size_t)n, fp) != (size_t)n)
        n = 0;
    fclose(fp);
    for (int a = 0; a < ACT__COUNT; a++) {
        char row[64];

        snprintf(row, sizeof row, "| `%s` |", keys_action_name((enum ui_action)a));
        if (strstr(text, row) == NULL) {
            printf("# doc/keys.md lacks %s\n", row);
            missing++;
        }
    }
    CHECK_INT(missing, 0, "doc/keys.md has a row for every action");
    free(text);
}

int
main(void)
{
    test_doc();
    test_names();
    test_lookup();
    test_remap();
    return check_done();
}
