#include "ui/widget_spark.h"

#include <math.h>
#include <stdio.h>

#include "ui/draw.h"
#include "util/buf.h"

char *
spark_render(const double *v, size_t n, int width)
{
    const struct ui_glyphs *g = draw_glyphs();
    struct od_buf b;
    size_t first = n > (size_t)width ? n - (size_t)width : 0;
    double lo = 0, hi = 0;

    buf_init(&b, 0);
    if (width <= 0)
        return buf_steal(&b);
    for (size_t i = first; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        if (v[i] < lo)
            lo = v[i];
        if (v[i] > hi)
            hi = v[i];
    }
    for (int i = (int)(n - first); i < width; i++)
        buf_putc(&b, ' ');
    for (size_t i = first; i < n; i++) {
        int level = 0;

        if (isfinite(v[i]) && hi > lo) {
            level = (int)lround((v[i] - lo) / (hi - lo) * 7.0);
            if (level < 0)
                level = 0;
            if (level > 7)
                level = 7;
        }
        buf_puts(&b, g->spark[level]);
    }
    return buf_steal(&b);
}

char *
spark_bar(long done, long total, int width)
{
    const struct ui_glyphs *g = draw_glyphs();
    struct od_buf b;
    int filled = 0;

    buf_init(&b, 0);
    if (width <= 0)
        return buf_steal(&b);
    if (total > 0) {
        if (done < 0)
            done = 0;
        if (done > total)
            done = total;
        filled = (int)((done * width + total / 2) / total);
        if (done > 0 && filled == 0)
            filled = 1;
        if (done < total && filled == width)
            filled = width - 1;
    }
    for (int i = 0; i < width; i++)
        buf_puts(&b, i < filled ? g->bar_full : g->bar_empty);
    return buf_steal(&b);
}

void
spark_number(double v, char *out, size_t len)
{
    double a = fabs(v);

    if (!isfinite(v))
        snprintf(out, len, "-");
    else if (a >= 1e9)
        snprintf(out, len, "%.1fG", v / 1e9);
    else if (a >= 1e6)
        snprintf(out, len, "%.1fM", v / 1e6);
    else if (a >= 1e4)
        snprintf(out, len, "%.1fk", v / 1e3);
    else if (a >= 100 || v == floor(v))
        snprintf(out, len, "%.0f", v);
    else
        snprintf(out, len, "%.2f", v);
}
