/* Sparklines and progress bars rendered to strings (Unicode blocks, ASCII fallback), so a
 * table cell or a line of a document can hold them like any other text. */
#ifndef UI_WIDGET_SPARK_H
#define UI_WIDGET_SPARK_H

#include <stddef.h>

/* The last `width` values of v (oldest first) as a sparkline scaled from min(0, lowest) to
 * the highest value, right-aligned (older columns blank when there are fewer points).
 * An empty series gives width blanks. Returns a new string. */
char *spark_render(const double *v, size_t n, int width);
/* A progress bar of `width` columns for done/total (clamped); total <= 0 draws empty. */
char *spark_bar(long done, long total, int width);
/* "12.3" / "1.2k" / "3.4M": a short human number for current values. */
void spark_number(double v, char *out, size_t len);

#endif
