/* Theme files: the strict parser (errors name the line), colour fallbacks, and the shipped
 * themes (each parses; default.theme equals the compiled-in default). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"
#include "ui/color.h"

static int
parse(const char *text, struct ui_theme *t, char **msg)
{
    struct od_error err = {0};
    int rc = theme_parse(text, "test.theme", t, &err);

    *msg = err.message != NULL ? strdup(err.message) : NULL;
    od_error_clear(&err);
    return rc;
}

static void
expect_error(const char *text, const char *want, const char *what)
{
    struct ui_theme t = {0};
    char *msg = NULL;
    int rc;

    theme_default(&t);
    rc = parse(text, &t, &msg);
    CHECK(rc != OD_OK, what);
    CHECK_STR(msg, want, "the error names the file and line");
    free(msg);
    theme_clear(&t);
}

static void
test_parser(void)
{
    struct ui_theme t = {0};
    char *msg = NULL;
    int sel = color_element_find("row.selected"), hdr = color_element_find("header");

    CHECK(sel >= 0 && hdr >= 0, "elements are found by name");
    CHECK_INT(color_element_find("no.such"), -1, "unknown element");
    CHECK_INT(parse("# comment\n\n  color row.selected black #ffd75f bold underline\n"
                    "color header brightred colour200\n",
                    &t, &msg),
              OD_OK, "a valid theme parses");
    CHECK_STR(t.name, "default", "a parsed file starts from the default");
    CHECK_INT(t.el[sel].fg.kind, COLOR_KIND_INDEX, "named colour");
    CHECK_INT(t.el[sel].fg.index, 0, "black is 0");
    CHECK_INT(t.el[sel].bg.kind, COLOR_KIND_RGB, "#rrggbb colour");
    CHECK_INT(t.el[sel].bg.rgb, 0xffd75f, "rgb value");
    CHECK_INT(t.el[sel].attrs, TA_BOLD | TA_UNDERLINE, "attributes");
    CHECK_INT(t.el[hdr].fg.index, 9, "bright colours are 8-15");
    CHECK_INT(t.el[hdr].bg.index, 200, "colourN");
    free(msg);
    theme_clear(&t);

    expect_error("color row default default\ncolor rows red blue\n",
                 "test.theme:2: unknown element 'rows'", "an unknown element is an error");
    expect_error("\n\ncolor row purple default\n", "test.theme:3: bad colour 'purple'",
                 "an unknown colour is an error");
    expect_error("color row red #12345\n", "test.theme:1: bad colour '#12345'",
                 "a short #rgb is an error");
    expect_error("color row red 256\n", "test.theme:1: bad colour '256'",
                 "colours stop at 255");
    expect_error("color row red blue shiny\n", "test.theme:1: unknown attribute 'shiny'",
                 "an unknown attribute is an error");
    expect_error("colour row red\n", "test.theme:1: expected 'color ELEMENT FG BG [ATTR...]'",
                 "too few words");
    expect_error("set row red blue\n",
                 "test.theme:1: unknown directive 'set' (expected 'color')",
                 "an unknown directive is an error");
    expect_error("color \x1b[31m red blue\n", "test.theme:1: unknown element '\\x1b[31m'",
                 "what the file says is shown inert");
}

static void
test_mapping(void)
{
    struct ui_color c = {COLOR_KIND_RGB, 0, 0xff0000};
    bool bold;

    CHECK_INT(color_rgb_to_256(0xff0000), 196, "pure red is 196");
    CHECK_INT(color_rgb_to_256(0x000000), 16, "black is the cube's 16");
    CHECK_INT(color_rgb_to_256(0x808080), 244, "mid grey is on the grey ramp");
    CHECK_INT(color_rgb_to_256(0x5fafd7), 74, "a cube colour maps to itself");
    CHECK_INT(color_256_to_16(196), 9, "196 is bright red in 16 colours");
    CHECK_INT(color_256_to_16(4), 4, "the basic colours stay");
    CHECK_INT(color_256_to_16(236), 0, "dark grey is black");
    CHECK_INT(color_resolve(&c, 256, &bold), 196, "#rrggbb on 256 colours");
    CHECK_INT(color_resolve(&c, 16, &bold), 9, "#rrggbb on 16 colours");
    CHECK_INT(color_resolve(&c, 8, &bold), 1, "#rrggbb on 8 colours: base colour...");
    CHECK(bold, "... and bold for bright");
    c.kind = COLOR_KIND_DEFAULT;
    CHECK_INT(color_resolve(&c, 256, &bold), -1, "default is the terminal's own");
    c.kind = COLOR_KIND_INDEX;
    c.index = 3;
    CHECK_INT(color_resolve(&c, 8, &bold), 3, "a basic colour on 8 colours");
    CHECK(!bold, "is not bold");
}

static bool
same_theme(const struct ui_theme *a, const struct ui_theme *b)
{
    for (int i = 0; i < EL__COUNT; i++) {
        const struct ui_style *x = &a->el[i], *y = &b->el[i];

        if (x->attrs != y->attrs || x->fg.kind != y->fg.kind || x->bg.kind != y->bg.kind ||
            x->fg.index != y->fg.index || x->bg.index != y->bg.index || x->fg.rgb != y->fg.rgb ||
            x->bg.rgb != y->bg.rgb) {
            printf("# differs at %s\n", color_element_name((enum ui_el)i));
            return false;
        }
    }
    return true;
}

/* Every element named in a file (each shipped theme lists all of them). */
static bool
lists_every_element(const char *path)
{
    FILE *fp = fopen(path, "r");
    char line[512];
    bool seen[EL__COUNT] = {false};

    if (fp == NULL)
        return false;
    while (fgets(line, sizeof line, fp) != NULL) {
        char el[64];

        if (sscanf(line, "color %63s", el) == 1 && color_element_find(el) >= 0)
            seen[color_element_find(el)] = true;
    }
    fclose(fp);
    for (int i = 0; i < EL__COUNT; i++)
        if (!seen[i]) {
            printf("# %s misses %s\n", path, color_element_name((enum ui_el)i));
            return false;
        }
    return true;
}

static void
test_shipped(void)
{
    const char *src = getenv("ONDECK_SRCDIR");
    static const char *const names[] = {"default", "light", "high-contrast", "mono"};
    char dir[1024];
    struct ui_theme builtin = {0}, mono = {0};

    if (src == NULL)
        src = ".";
    snprintf(dir, sizeof dir, "%s/themes", src);
    setenv("ONDECK_THEMEDIR", dir, 1);
    theme_default(&builtin);
    theme_mono(&mono);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct ui_theme t = {0};
        struct od_error err = {0};
        char path[1200], what[128];

        snprintf(path, sizeof path, "%s/%s.theme", dir, names[i]);
        snprintf(what, sizeof what, "themes/%s.theme loads", names[i]);
        CHECK(theme_load(names[i], &t, &err) == OD_OK, what);
        if (err.message != NULL)
            printf("# %s\n", err.message);
        snprintf(what, sizeof what, "themes/%s.theme lists every element", names[i]);
        CHECK(lists_every_element(path), what);
        if (strcmp(names[i], "default") == 0)
            CHECK(same_theme(&t, &builtin), "default.theme is the compiled-in default");
        if (strcmp(names[i], "mono") == 0)
            CHECK(same_theme(&t, &mono), "mono.theme is the compiled-in monochrome");
        if (strcmp(names[i], "light") == 0)
            CHECK(!same_theme(&t, &builtin), "light differs from the default");
        od_error_clear(&err);
        theme_clear(&t);
    }
    {
        struct ui_theme t = {0};
        struct od_error err = {0};

        CHECK(theme_load("nosuch", &t, &err) != OD_OK, "an unknown theme is an error");
        CHECK(err.message != NULL && strstr(err.message, "nosuch") != NULL,
              "that names the theme");
        od_error_clear(&err);
        CHECK(theme_load("bad name!", &t, &err) != OD_OK, "a theme name is a plain word");
        od_error_clear(&err);
        setenv("ONDECK_THEMEDIR", "/nonexistent", 1);
        unsetenv("XDG_CONFIG_HOME");
        setenv("HOME", "/nonexistent", 1);
        CHECK(theme_load("default", &t, &err) == OD_OK,
              "default loads with no theme directory set");
        od_error_clear(&err);
        theme_clear(&t);
    }
    theme_clear(&builtin);
    theme_clear(&mono);
}

/* doc/themes.md has a row for every element. */
static void
test_doc(void)
{
    const char *src = getenv("ONDECK_SRCDIR");
    char path[1024], line[512];
    bool seen[EL__COUNT] = {false};
    int missing = 0;
    FILE *fp;

    snprintf(path, sizeof path, "%s/doc/themes.md", src != NULL ? src : ".");
    fp = fopen(path, "r");
    CHECK(fp != NULL, "doc/themes.md exists");
    if (fp == NULL)
        return;
    while (fgets(line, sizeof line, fp) != NULL) {
        char el[64];

        if (sscanf(line, "| `%63[^`]`", el) == 1 && color_element_find(el) >= 0)
            seen[color_element_find(el)] = true;
    }
    fclose(fp);
    for (int i = 0; i < EL__COUNT; i++)
        if (!seen[i]) {
            printf("# doc/themes.md lacks %s\n", color_element_name((enum ui_el)i));
            missing++;
        }
    CHECK_INT(missing, 0, "doc/themes.md has a row for every element");
}

int
main(void)
{
    test_doc();
    test_parser();
    test_mapping();
    test_shipped();
    return check_done();
}
