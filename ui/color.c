#include "ui/color.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/curses.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/str.h"
#include "util/xalloc.h"

#define THEME_MAX_BYTES (64 * 1024)

struct el_def {
    const char *name, *fg, *bg, *attrs, *mono;
};

static const struct el_def el_defs[EL__COUNT] = {
#define UI_EL_DEF(id, name, fg, bg, attrs, mono) [id] = {name, fg, bg, attrs, mono},
    UI_ELEMENTS(UI_EL_DEF)
#undef UI_EL_DEF
};

static const char *const base_names[8] = {"black", "red",     "green", "yellow",
                                          "blue",  "magenta", "cyan",  "white"};

static const struct {
    const char *name;
    unsigned bit;
} attr_names[] = {
    {"bold", TA_BOLD},           {"dim", TA_DIM},       {"underline", TA_UNDERLINE},
    {"reverse", TA_REVERSE},     {"standout", TA_STANDOUT}, {"italic", TA_ITALIC},
    {"blink", TA_BLINK},         {"normal", 0},
};

/* The xterm defaults of the 16 basic colours, for the 256 -> 16 mapping. */
static const uint32_t basic16[16] = {
    0x000000, 0xcd0000, 0x00cd00, 0xcdcd00, 0x0000ee, 0xcd00cd, 0x00cdcd, 0xe5e5e5,
    0x7f7f7f, 0xff0000, 0x00ff00, 0xffff00, 0x5c5cff, 0xff00ff, 0x00ffff, 0xffffff,
};

static const int cube_levels[6] = {0x00, 0x5f, 0x87, 0xaf, 0xd7, 0xff};

/* Applied state. */
static int el_attr[EL__COUNT];
static bool mono_mode = true;

const char *
color_element_name(enum ui_el el)
{
    return el >= 0 && el < EL__COUNT ? el_defs[el].name : "?";
}

int
color_element_find(const char *name)
{
    for (int i = 0; i < EL__COUNT; i++)
        if (str_eq(el_defs[i].name, name))
            return i;
    return -1;
}

static bool
parse_color(const char *tok, struct ui_color *c)
{
    long n;

    memset(c, 0, sizeof *c);
    if (str_eq(tok, "default")) {
        c->kind = COLOR_KIND_DEFAULT;
        return true;
    }
    for (int i = 0; i < 8; i++) {
        if (str_eq(tok, base_names[i])) {
            c->kind = COLOR_KIND_INDEX;
            c->index = i;
            return true;
        }
        if (str_has_prefix(tok, "bright") && str_eq(tok + 6, base_names[i])) {
            c->kind = COLOR_KIND_INDEX;
            c->index = i + 8;
            return true;
        }
    }
    if (str_eq(tok, "gray") || str_eq(tok, "grey")) {
        c->kind = COLOR_KIND_INDEX;
        c->index = 8;
        return true;
    }
    if (tok[0] == '#') {
        unsigned long v = 0;

        if (strlen(tok) != 7)
            return false;
        for (int i = 1; i < 7; i++) {
            char ch = tok[i];
            int d = ch >= '0' && ch <= '9'   ? ch - '0'
                    : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                    : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                             : -1;
            if (d < 0)
                return false;
            v = v * 16 + (unsigned long)d;
        }
        c->kind = COLOR_KIND_RGB;
        c->rgb = (uint32_t)v;
        return true;
    }
    if (str_has_prefix(tok, "color") || str_has_prefix(tok, "colour"))
        tok += tok[4] == 'r' ? 5 : 6;
    if (str_to_long(tok, &n) && n >= 0 && n <= 255) {
        c->kind = COLOR_KIND_INDEX;
        c->index = (int)n;
        return true;
    }
    return false;
}

static bool
parse_attr(const char *tok, unsigned *bits)
{
    for (size_t i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++) {
        if (str_eq(tok, attr_names[i].name)) {
            *bits |= attr_names[i].bit;
            return true;
        }
    }
    return false;
}

/* Split s (modified in place) on white space into at most max tokens; returns the count, or
 * max + 1 when there were more. */
static int
tokens(char *s, char **tok, int max)
{
    int n = 0;

    for (char *p = strtok(s, " \t\r"); p != NULL; p = strtok(NULL, " \t\r")) {
        if (n == max)
            return max + 1;
        tok[n++] = p;
    }
    return n;
}

static void
style_from_strings(struct ui_style *st, const char *fg, const char *bg, const char *attrs)
{
    char buf[64];
    char *tok[8];
    int n;

    if (!parse_color(fg, &st->fg) || !parse_color(bg, &st->bg))
        od_fatal("built-in theme: bad colour");
    st->attrs = 0;
    snprintf(buf, sizeof buf, "%s", attrs);
    n = tokens(buf, tok, 8);
    for (int i = 0; i < n && i < 8; i++)
        if (!parse_attr(tok[i], &st->attrs))
            od_fatal("built-in theme: bad attribute");
}

void
theme_default(struct ui_theme *t)
{
    free(t->name);
    t->name = xstrdup("default");
    for (int i = 0; i < EL__COUNT; i++)
        style_from_strings(&t->el[i], el_defs[i].fg, el_defs[i].bg, el_defs[i].attrs);
}

void
theme_mono(struct ui_theme *t)
{
    free(t->name);
    t->name = xstrdup("mono");
    for (int i = 0; i < EL__COUNT; i++)
        style_from_strings(&t->el[i], "default", "default", el_defs[i].mono);
}

void
theme_clear(struct ui_theme *t)
{
    xfree(&t->name);
}

enum od_err
theme_parse(const char *text, const char *label, struct ui_theme *t, struct od_error *err)
{
    struct ui_theme work = {0};
    const char *p = text;
    int lineno = 0;

    theme_default(&work);
    while (*p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
        char line[512], *s, *tok[12];
        struct ui_style st = {0};
        int n, el;

        lineno++;
        if (len >= sizeof line) {
            od_error_set(err, OD_E_CONFIG, "%s:%d: line too long", label, lineno);
            goto fail;
        }
        memcpy(line, p, len);
        line[len] = '\0';
        p = nl != NULL ? nl + 1 : p + len;
        s = str_trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        n = tokens(s, tok, 11);
        if (!str_eq(tok[0], "color") && !str_eq(tok[0], "colour")) {
            char *safe = sanitize_str(tok[0]);

            od_error_set(err, OD_E_CONFIG, "%s:%d: unknown directive '%s' (expected 'color')",
                         label, lineno, safe);
            free(safe);
            goto fail;
        }
        if (n < 4 || n > 11) {
            od_error_set(err, OD_E_CONFIG, "%s:%d: expected 'color ELEMENT FG BG [ATTR...]'",
                         label, lineno);
            goto fail;
        }
        if ((el = color_element_find(tok[1])) < 0) {
            char *safe = sanitize_str(tok[1]);

            od_error_set(err, OD_E_CONFIG, "%s:%d: unknown element '%s'", label, lineno, safe);
            free(safe);
            goto fail;
        }
        for (int i = 2; i <= 3; i++) {
            if (!parse_color(tok[i], i == 2 ? &st.fg : &st.bg)) {
                char *safe = sanitize_str(tok[i]);

                od_error_set(err, OD_E_CONFIG, "%s:%d: bad colour '%s'", label, lineno, safe);
                free(safe);
                goto fail;
            }
        }
        for (int i = 4; i < n; i++) {
            if (!parse_attr(tok[i], &st.attrs)) {
                char *safe = sanitize_str(tok[i]);

                od_error_set(err, OD_E_CONFIG, "%s:%d: unknown attribute '%s'", label, lineno,
                             safe);
                free(safe);
                goto fail;
            }
        }
        work.el[el] = st;
    }
    free(t->name);
    *t = work;
    return OD_OK;
fail:
    theme_clear(&work);
    return OD_E_CONFIG;
}

static char *
read_small_file(const char *path, struct od_error *err)
{
    FILE *fp = fopen(path, "r");
    struct od_buf b;
    char chunk[4096];
    size_t n;

    if (fp == NULL) {
        od_error_set(err, OD_E_IO, "%s: %s", path, strerror(errno));
        return NULL;
    }
    buf_init(&b, THEME_MAX_BYTES);
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (buf_append(&b, chunk, n) != OD_OK) {
            od_error_set(err, OD_E_TOO_LARGE, "%s: larger than %d bytes", path,
                         THEME_MAX_BYTES);
            buf_free(&b);
            fclose(fp);
            return NULL;
        }
    }
    fclose(fp);
    return buf_steal(&b);
}

static bool
file_exists(const char *path)
{
    FILE *fp = fopen(path, "r");

    if (fp == NULL)
        return false;
    fclose(fp);
    return true;
}

static bool
valid_name(const char *name)
{
    if (str_empty(name))
        return false;
    for (const char *p = name; *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_' || *p == '.'))
            return false;
    return name[0] != '.';
}

/* The file for a theme name, or NULL. */
static char *
find_theme(const char *name)
{
    const char *dirs[4];
    char *xdg_dir = NULL, *found = NULL;
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    size_t nd = 0;

    if (!str_empty(getenv("ONDECK_THEMEDIR")))
        dirs[nd++] = getenv("ONDECK_THEMEDIR");
    if (!str_empty(xdg))
        xdg_dir = xasprintf("%s/ondeck/themes", xdg);
    else if (!str_empty(home))
        xdg_dir = xasprintf("%s/.config/ondeck/themes", home);
    if (xdg_dir != NULL)
        dirs[nd++] = xdg_dir;
#ifdef ONDECK_THEMEDIR
    dirs[nd++] = ONDECK_THEMEDIR;
#endif
    for (size_t i = 0; i < nd && found == NULL; i++) {
        char *path = xasprintf("%s/%s.theme", dirs[i], name);

        if (file_exists(path))
            found = path;
        else
            free(path);
    }
    free(xdg_dir);
    return found;
}

enum od_err
theme_load(const char *name, struct ui_theme *t, struct od_error *err)
{
    char *path, *text, *label;
    const char *slash;
    enum od_err rc;

    if (str_empty(name))
        name = "default";
    if (strchr(name, '/') != NULL || str_has_suffix(name, ".theme")) {
        path = xstrdup(name);
    } else if (!valid_name(name)) {
        char *safe = sanitize_str(name);

        od_error_set(err, OD_E_CONFIG, "bad theme name '%s'", safe);
        free(safe);
        return OD_E_CONFIG;
    } else if ((path = find_theme(name)) == NULL) {
        if (str_eq(name, "default")) {
            theme_default(t);
            return OD_OK;
        }
        if (str_eq(name, "mono")) {
            theme_mono(t);
            return OD_OK;
        }
        od_error_set(err, OD_E_CONFIG,
                     "theme '%s' not found (looked for %s.theme in $ONDECK_THEMEDIR, "
                     "~/.config/ondeck/themes and the installed themes)",
                     name, name);
        return OD_E_CONFIG;
    }
    if ((text = read_small_file(path, err)) == NULL) {
        free(path);
        return OD_E_IO;
    }
    slash = strrchr(path, '/');
    label = sanitize_str(slash != NULL ? slash + 1 : path);
    rc = theme_parse(text, label, t, err);
    if (rc == OD_OK) {
        free(t->name);
        t->name = xstrdup(name);
    }
    free(label);
    free(text);
    free(path);
    return rc;
}

/* ---- colour mapping ------------------------------------------------------------------- */

static long
dist2(uint32_t a, uint32_t b)
{
    long dr = (long)((a >> 16) & 0xff) - (long)((b >> 16) & 0xff);
    long dg = (long)((a >> 8) & 0xff) - (long)((b >> 8) & 0xff);
    long db = (long)(a & 0xff) - (long)(b & 0xff);

    return dr * dr + dg * dg + db * db;
}

static uint32_t
index_rgb(int i)
{
    if (i < 16)
        return basic16[i];
    if (i < 232) {
        int c = i - 16;

        return ((uint32_t)cube_levels[c / 36] << 16) | ((uint32_t)cube_levels[(c / 6) % 6] << 8) |
               (uint32_t)cube_levels[c % 6];
    }
    {
        uint32_t g = (uint32_t)(8 + 10 * (i - 232));

        return (g << 16) | (g << 8) | g;
    }
}

static int
nearest_level(int v)
{
    int best = 0;

    for (int i = 1; i < 6; i++)
        if (abs(cube_levels[i] - v) < abs(cube_levels[best] - v))
            best = i;
    return best;
}

int
color_rgb_to_256(uint32_t rgb)
{
    int r = (int)((rgb >> 16) & 0xff), g = (int)((rgb >> 8) & 0xff), b = (int)(rgb & 0xff);
    int cube = 16 + 36 * nearest_level(r) + 6 * nearest_level(g) + nearest_level(b);
    int avg = (r + g + b) / 3, grey = avg <= 8 ? 232 : avg >= 238 ? 255 : 232 + (avg - 3) / 10;

    if (grey > 255)
        grey = 255;
    return dist2(rgb, index_rgb(grey)) < dist2(rgb, index_rgb(cube)) ? grey : cube;
}

int
color_256_to_16(int index)
{
    uint32_t rgb;
    int best = 0;

    if (index < 16)
        return index < 0 ? 0 : index;
    rgb = index_rgb(index > 255 ? 255 : index);
    for (int i = 1; i < 16; i++)
        if (dist2(rgb, basic16[i]) < dist2(rgb, basic16[best]))
            best = i;
    return best;
}

int
color_resolve(const struct ui_color *c, int ncolors, bool *bold)
{
    int i;

    *bold = false;
    if (c->kind == COLOR_KIND_DEFAULT || ncolors < 8)
        return -1;
    i = c->kind == COLOR_KIND_RGB ? color_rgb_to_256(c->rgb) : c->index;
    if (ncolors >= 256 || i < ncolors)
        return i;
    if (i >= 16)
        i = color_256_to_16(i);
    if (i < ncolors)
        return i;
    *bold = true; /* bright colour on an 8-colour terminal */
    return i - 8;
}

/* ---- applying ------------------------------------------------------------------------- */

static int
curses_attrs(unsigned bits)
{
    unsigned a = A_NORMAL;

    if (bits & TA_BOLD)
        a |= A_BOLD;
    if (bits & TA_DIM)
        a |= A_DIM;
    if (bits & TA_UNDERLINE)
        a |= A_UNDERLINE;
    if (bits & TA_REVERSE)
        a |= A_REVERSE;
    if (bits & TA_STANDOUT)
        a |= A_STANDOUT;
    if (bits & TA_ITALIC)
        a |= A_ITALIC;
    if (bits & TA_BLINK)
        a |= A_BLINK;
    return (int)a;
}

void
color_apply(const struct ui_theme *t, bool mono)
{
    static bool started;

    if (!mono && has_colors() && !started) {
        start_color();
        use_default_colors();
        started = true;
    }
    mono_mode = mono || !has_colors() || COLORS < 8 || COLOR_PAIRS < EL__COUNT + 1;
    for (int i = 0; i < EL__COUNT; i++) {
        if (mono_mode) {
            struct ui_style st = {0};

            style_from_strings(&st, "default", "default", el_defs[i].mono);
            el_attr[i] = curses_attrs(st.attrs);
        } else {
            const struct ui_style *st = &t->el[i];
            bool bold_fg, bold_bg;
            int fg = color_resolve(&st->fg, COLORS, &bold_fg);
            int bg = color_resolve(&st->bg, COLORS, &bold_bg);

            init_pair((short)(i + 1), (short)fg, (short)bg);
            el_attr[i] = curses_attrs(st->attrs) | (bold_fg ? (int)A_BOLD : 0) | (int)COLOR_PAIR(i + 1);
        }
    }
}

int
color_attr(enum ui_el el)
{
    return el >= 0 && el < EL__COUNT ? el_attr[el] : (int)A_NORMAL;
}

bool
color_is_mono(void)
{
    return mono_mode;
}

enum ui_el
color_log_source(int i)
{
    static const enum ui_el slots[] = {EL_LOG_SOURCE1, EL_LOG_SOURCE2, EL_LOG_SOURCE3,
                                       EL_LOG_SOURCE4, EL_LOG_SOURCE5, EL_LOG_SOURCE6};
    int n = (int)(sizeof slots / sizeof slots[0]);

    return slots[((i % n) + n) % n];
}
