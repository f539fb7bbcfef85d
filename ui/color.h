/* Colours are semantic elements. One X-macro lists every element with its dark-theme
 * colours and its monochrome attributes; it expands into the enum, the names the theme
 * parser accepts and the compiled-in default theme. Drawing code asks color_attr(EL_...)
 * and never names a colour.
 *
 * Theme files (themes/NAME.theme) hold lines "color ELEMENT FG BG [ATTR...]"; '#' starts a
 * comment at the beginning of a line. FG/BG: default, a name (black red green yellow blue
 * magenta cyan white, bright<name>), colorN / N (0-255) or #rrggbb. ATTR: normal bold dim
 * underline reverse standout italic blink. Elements a file does not list keep the built-in
 * default. Unknown words are errors with the file name and line number.
 * On the terminal, #rrggbb becomes the nearest of the 256 colours, and 256 colours become the
 * nearest of 16 and then 8 (bright as bold) as the terminal allows. With no colours
 * (!has_colors(), NO_COLOR, --no-color), the monochrome attributes are used. */
#ifndef UI_COLOR_H
#define UI_COLOR_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

/* X(ID, name, fg, bg, attrs, mono-attrs) */
#define UI_ELEMENTS(X)                                                                             \
    X(EL_DEFAULT, "default", "default", "default", "", "")                                         \
    X(EL_STATUS, "status", "white", "#005f87", "", "reverse")                                      \
    X(EL_STATUS_KEY, "status.key", "#ffd75f", "#005f87", "bold", "reverse bold")                   \
    X(EL_STATUS_STALE, "status.stale", "white", "red", "bold", "bold underline")                   \
    X(EL_TITLE, "title", "#5fd7ff", "default", "bold", "bold")                                     \
    X(EL_HEADER, "header", "black", "#5fafd7", "bold", "bold underline")                           \
    X(EL_ROW, "row", "default", "default", "", "")                                                 \
    X(EL_ROW_SELECTED, "row.selected", "black", "#87d7ff", "", "reverse")                          \
    X(EL_ROW_MARKED, "row.marked", "#ffd75f", "default", "bold", "bold underline")                 \
    X(EL_DIM, "dim", "brightblack", "default", "", "dim")                                          \
    X(EL_LABEL, "label", "#8a8a8a", "default", "", "")                                             \
    X(EL_SECTION, "section", "#ffd75f", "default", "bold", "bold underline")                       \
    X(EL_STATE_OK, "state.ok", "green", "default", "", "")                                         \
    X(EL_STATE_PROGRESS, "state.progress", "cyan", "default", "bold", "bold")                      \
    X(EL_STATE_WARN, "state.warn", "yellow", "default", "bold", "bold")                            \
    X(EL_STATE_FAILED, "state.failed", "#ff5f5f", "default", "bold", "bold reverse")               \
    X(EL_BANNER_FAILED, "banner.failed", "white", "#af0000", "bold", "bold reverse")               \
    X(EL_BAR_DONE, "bar.done", "green", "default", "", "bold")                                     \
    X(EL_BAR_TODO, "bar.todo", "brightblack", "default", "", "dim")                                \
    X(EL_SPARK_CPU, "spark.cpu", "#5fafff", "default", "", "")                                     \
    X(EL_SPARK_MEM, "spark.mem", "#af87ff", "default", "", "")                                     \
    X(EL_SPARK_5XX, "spark.5xx", "#ff8787", "default", "", "")                                     \
    X(EL_SPARK_REQUESTS, "spark.requests", "#87d787", "default", "", "")                           \
    X(EL_TARGET_HEALTHY, "target.healthy", "green", "default", "", "")                             \
    X(EL_TARGET_UNHEALTHY, "target.unhealthy", "#ff5f5f", "default", "bold", "bold reverse")       \
    X(EL_TARGET_OTHER, "target.other", "yellow", "default", "", "underline")                       \
    X(EL_ALARM_OK, "alarm.ok", "green", "default", "", "")                                         \
    X(EL_ALARM_FIRING, "alarm.firing", "white", "#d70000", "bold", "bold reverse")                 \
    X(EL_ALARM_UNKNOWN, "alarm.insufficient", "yellow", "default", "", "underline")                \
    X(EL_MESSAGE, "message", "#87d787", "default", "", "")                                         \
    X(EL_ERROR, "error", "#ff5f5f", "default", "bold", "bold")                                     \
    X(EL_HINT, "hint", "brightblack", "default", "", "")                                           \
    X(EL_HINT_KEY, "hint.key", "#5fd7ff", "default", "bold", "bold")                               \
    X(EL_PROMPT, "prompt", "default", "default", "bold", "bold")                                   \
    X(EL_DIALOG, "dialog", "white", "#303030", "", "")                                             \
    X(EL_DIALOG_BORDER, "dialog.border", "#5fafd7", "#303030", "bold", "bold")                     \
    X(EL_DIALOG_DANGER, "dialog.danger", "#ff8787", "#303030", "bold", "bold underline")           \
    X(EL_BUTTON, "button", "white", "#4e4e4e", "", "")                                             \
    X(EL_BUTTON_FOCUS, "button.focus", "black", "#ffd75f", "bold", "reverse bold")                 \
    X(EL_HELP_KEY, "help.key", "#ffd75f", "default", "bold", "bold")                               \
    X(EL_LOG_TIME, "log.time", "brightblack", "default", "", "dim")                                \
    X(EL_LOG_TAG, "log.tag", "cyan", "default", "", "")                                            \
    X(EL_LOG_SOURCE1, "log.source1", "#5fafff", "default", "", "bold")                             \
    X(EL_LOG_SOURCE2, "log.source2", "#d787ff", "default", "", "underline")                        \
    X(EL_LOG_SOURCE3, "log.source3", "#87d75f", "default", "", "bold")                             \
    X(EL_LOG_SOURCE4, "log.source4", "#ffaf5f", "default", "", "underline")                        \
    X(EL_LOG_SOURCE5, "log.source5", "#5fd7d7", "default", "", "bold")                             \
    X(EL_LOG_SOURCE6, "log.source6", "#ff87af", "default", "", "underline")                        \
    X(EL_LOG_MATCH, "log.match", "black", "#ffd75f", "", "reverse")                                \
    X(EL_LOG_ERROR, "log.error", "#ff5f5f", "default", "bold", "bold")                             \
    X(EL_LOG_WARN, "log.warn", "#ffaf00", "default", "", "underline")                              \
    X(EL_LOG_INFO, "log.info", "#87d787", "default", "", "")                                       \
    X(EL_LOG_DEBUG, "log.debug", "brightblack", "default", "", "dim")                              \
    X(EL_TOO_SMALL, "too-small", "#ffd75f", "default", "bold", "bold")

enum ui_el {
#define UI_EL_ENUM(id, name, fg, bg, attrs, mono) id,
    UI_ELEMENTS(UI_EL_ENUM)
#undef UI_EL_ENUM
        EL__COUNT
};

/* A colour as written in a theme. */
enum color_kind { COLOR_KIND_DEFAULT, COLOR_KIND_INDEX, COLOR_KIND_RGB };
struct ui_color {
    enum color_kind kind;
    int index;    /* 0-255 for COLOR_KIND_INDEX */
    uint32_t rgb; /* 0xrrggbb for COLOR_KIND_RGB */
};

/* Attribute bits, independent of curses (the parser and its tests need no terminal). */
enum {
    TA_BOLD = 1u << 0,
    TA_DIM = 1u << 1,
    TA_UNDERLINE = 1u << 2,
    TA_REVERSE = 1u << 3,
    TA_STANDOUT = 1u << 4,
    TA_ITALIC = 1u << 5,
    TA_BLINK = 1u << 6,
};

struct ui_style {
    struct ui_color fg, bg;
    unsigned attrs;
};

struct ui_theme {
    char *name;
    struct ui_style el[EL__COUNT];
};

const char *color_element_name(enum ui_el el);
/* -1 when unknown. */
int color_element_find(const char *name);

/* The compiled-in dark theme (always valid). */
void theme_default(struct ui_theme *t);
/* Monochrome: every element's mono attributes and default colours. */
void theme_mono(struct ui_theme *t);
/* Parse a theme file's text over the compiled-in default; label names it in errors
 * ("light.theme:7: unknown element 'rows'"). On error *t is left as the default. */
enum od_err theme_parse(const char *text, const char *label, struct ui_theme *t,
                        struct od_error *err);
/* Find and load a theme by name or path: a name containing '/' or ending in ".theme" is a
 * path; else NAME.theme is looked for in $ONDECK_THEMEDIR, $XDG_CONFIG_HOME/ondeck/themes,
 * the installed theme directory and the source tree's themes/. "default" falls back to the
 * compiled-in theme when no file is found; "mono" likewise to theme_mono. */
enum od_err theme_load(const char *name, struct ui_theme *t, struct od_error *err);
void theme_clear(struct ui_theme *t);

/* Pure colour mapping (tested without a terminal). */
int color_rgb_to_256(uint32_t rgb);
int color_256_to_16(int index);
/* What a colour becomes on a terminal with ncolors colours: -1 for default; *bold is set
 * when a bright colour had to become bold on an 8-colour terminal. */
int color_resolve(const struct ui_color *c, int ncolors, bool *bold);

/* Apply a theme to the running terminal: allocate the pairs (or go monochrome when
 * mono is true or the terminal has no colours). */
void color_apply(const struct ui_theme *t, bool mono);
/* The curses attributes of an element (pair and attributes), for attrset/wattrset. */
int color_attr(enum ui_el el);
/* The element of the i-th source's prefix in a logs pane of several (log.source1..6, then
 * round again). */
enum ui_el color_log_source(int i);
bool color_is_mono(void);

#endif
