/* Width-aware drawing helpers, sparklines and bars: the pure parts, no terminal. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"
#include "ui/draw.h"
#include "ui/widget_spark.h"

static void
check_fit(const char *s, int cols, enum draw_align align, const char *want, const char *what)
{
    char *got = draw_fit(s, cols, align);

    CHECK_STR(got, want, what);
    if (cols > 0)
        CHECK_INT(draw_cols(got), cols, "fitted text has exactly the asked width");
    free(got);
}

static void
test_utf8(void)
{
    draw_set_utf8(true);
    CHECK_INT(draw_cols("abc"), 3, "ASCII is one column a character");
    CHECK_INT(draw_cols("日本"), 4, "CJK is two columns a character");
    CHECK_INT(draw_cols("é"), 1, "é is one column");
    CHECK_INT(draw_cols("e\xcc\x81"), 1, "a combining accent takes no column");
    CHECK_INT(draw_cols(""), 0, "empty string");
    CHECK_INT(draw_cols(NULL), 0, "NULL string");
    check_fit("hello world", 8, ALIGN_LEFT, "hello w…", "cut with an ellipsis");
    check_fit("hello", 8, ALIGN_LEFT, "hello   ", "padded on the right");
    check_fit("hello", 8, ALIGN_RIGHT, "   hello", "padded on the left");
    check_fit("ab", 6, ALIGN_CENTER, "  ab  ", "centred");
    check_fit("日本語", 5, ALIGN_LEFT, "日本…", "wide characters cut on a column boundary");
    check_fit("日本語", 4, ALIGN_LEFT, "日… ", "a wide character never straddles the edge");
    check_fit("abc", 0, ALIGN_LEFT, "", "zero width gives nothing");
    {
        char *got = draw_fit("\x1b[31mred\x07", 20, ALIGN_LEFT);

        CHECK(strchr(got, 0x1b) == NULL && strchr(got, 0x07) == NULL,
              "control characters never reach the screen");
        CHECK(strncmp(got, "?[31mred?", 9) == 0, "controls are drawn as '?'");
        free(got);
    }
    {
        char *got = draw_fit("a\xff" "b", 5, ALIGN_LEFT);

        CHECK_STR(got, "a?b  ", "an invalid UTF-8 byte is one '?'");
        free(got);
    }
    CHECK_INT((int)draw_prefix_bytes("日本語", 3), 3, "prefix stops before a wide char");
    CHECK_STR(draw_glyphs()->ellipsis, "…", "UTF-8 ellipsis");
}

static void
test_ascii(void)
{
    draw_set_utf8(false);
    CHECK_INT(draw_cols("héllo"), 5, "non-ASCII is one '?' in an ASCII locale");
    check_fit("héllo", 5, ALIGN_LEFT, "h?llo", "non-ASCII drawn as '?'");
    check_fit("hello world", 6, ALIGN_LEFT, "hello~", "ASCII ellipsis");
    CHECK_STR(draw_glyphs()->hline, "-", "ASCII line drawing");
    {
        const double v[] = {0, 7};
        char *s = spark_render(v, 2, 2);

        CHECK_STR(s, "_#", "ASCII sparkline");
        free(s);
    }
    {
        char *s = spark_bar(1, 2, 4);

        CHECK_STR(s, "##--", "ASCII progress bar");
        free(s);
    }
}

static void
test_spark(void)
{
    const double up[] = {0, 1, 2, 3, 4, 5, 6, 7};
    const double flat[] = {5, 5, 5};
    char *s;

    draw_set_utf8(true);
    s = spark_render(up, 8, 8);
    CHECK_STR(s, "▁▂▃▄▅▆▇█", "a rising series climbs the blocks");
    free(s);
    s = spark_render(up, 8, 3);
    CHECK_STR(s, "▆▇█", "only the newest points that fit, scaled to the window");
    free(s);
    s = spark_render(up, 2, 4);
    CHECK_STR(s, "  ▁█", "few points are right-aligned");
    free(s);
    s = spark_render(NULL, 0, 3);
    CHECK_STR(s, "   ", "no data is blank");
    free(s);
    s = spark_render(flat, 3, 3);
    CHECK_INT(draw_cols(s), 3, "a flat series keeps its width");
    free(s);
    s = spark_bar(1, 2, 4);
    CHECK_STR(s, "██░░", "half done");
    free(s);
    s = spark_bar(0, 3, 3);
    CHECK_STR(s, "░░░", "nothing done");
    free(s);
    s = spark_bar(1, 100, 4);
    CHECK_STR(s, "█░░░", "some progress always shows");
    free(s);
    s = spark_bar(99, 100, 4);
    CHECK_STR(s, "███░", "not done never looks done");
    free(s);
    s = spark_bar(7, 3, 3);
    CHECK_STR(s, "███", "more than the total is clamped");
    free(s);
    s = spark_bar(1, 0, 2);
    CHECK_STR(s, "░░", "a zero total is empty");
    free(s);
    {
        char n[16];

        spark_number(42, n, sizeof n);
        CHECK_STR(n, "42", "integers");
        spark_number(0.123, n, sizeof n);
        CHECK_STR(n, "0.12", "small values keep two decimals");
        spark_number(15300, n, sizeof n);
        CHECK_STR(n, "15.3k", "thousands");
        spark_number(2500000, n, sizeof n);
        CHECK_STR(n, "2.5M", "millions");
    }
}

int
main(void)
{
    if (setlocale(LC_ALL, "C.UTF-8") == NULL)
        setlocale(LC_ALL, "C.utf8");
    test_utf8();
    test_spark();
    test_ascii();
    return check_done();
}
