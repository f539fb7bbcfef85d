/* The line editor, the confirmation dialog's logic, the logs pane's buffer and the document
 * widget. */
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/check.h"
#include "ui/curses.h"
#include "ui/draw.h"
#include "ui/keys.h"
#include "ui/logbuf.h"
#include "ui/widget_confirm.h"
#include "ui/widget_doc.h"
#include "ui/widget_prompt.h"

static void
type(struct ui_prompt *p, const char *s)
{
    for (; *s != '\0'; s++)
        prompt_key(p, (unsigned char)*s);
}

static void
check_text(const struct ui_prompt *p, const char *want, const char *what)
{
    char *got = prompt_text(p);

    CHECK_STR(got, want, what);
    free(got);
}

static void
test_prompt(void)
{
    struct ui_prompt p;

    prompt_init(&p, ":", "", 0);
    type(&p, "cluster prod");
    check_text(&p, "cluster prod", "typing");
    CHECK_INT(prompt_key(&p, UI_KEY_BACKSPACE), PROMPT_CHANGED, "backspace changes");
    check_text(&p, "cluster pro", "backspace deletes before the cursor");
    prompt_key(&p, UI_KEY_CTRL('w'));
    check_text(&p, "cluster ", "C-w deletes a word");
    prompt_key(&p, UI_KEY_CTRL('a'));
    prompt_key(&p, 'x');
    check_text(&p, "xcluster ", "C-a goes home, typing inserts");
    prompt_key(&p, UI_KEY_FN | KEY_END);
    prompt_key(&p, UI_KEY_FN | KEY_LEFT);
    prompt_key(&p, UI_KEY_FN | KEY_DC);
    check_text(&p, "xcluster", "Delete removes under the cursor");
    prompt_key(&p, UI_KEY_CTRL('u'));
    check_text(&p, "", "C-u kills to the start");
    CHECK_INT(prompt_key(&p, UI_KEY_BACKSPACE), PROMPT_CANCEL,
              "backspace on an empty line closes it");
    CHECK_INT(prompt_key(&p, UI_KEY_ENTER), PROMPT_ACCEPT, "Enter accepts");
    CHECK_INT(prompt_key(&p, UI_KEY_ESC), PROMPT_CANCEL, "Esc cancels");
    CHECK_INT(prompt_key(&p, UI_KEY_TAB), PROMPT_IGNORED, "Tab is left to the caller");
    CHECK_INT(prompt_key(&p, 0x9b), PROMPT_IGNORED, "a C1 control is never inserted");
    prompt_key(&p, 0x65e5);
    prompt_key(&p, 0xe9);
    check_text(&p, "日é", "wide and accented characters");
    prompt_init(&p, "> ", "abc", 4);
    type(&p, "defg");
    check_text(&p, "abcd", "bounded length");
}

static void
test_confirm(void)
{
    struct ui_confirm_spec spec = {
        .title = "Scale service",
        .account = "123456789012",
        .region = "us-east-1",
        .cluster = "prod",
        .service = "api",
        .change = "desired count 2 -> 5",
    };
    struct ui_confirm *c = confirm_new(&spec);

    CHECK(!confirm_focus_is_confirm(c), "Cancel has the focus at first");
    CHECK_INT(confirm_key(c, UI_KEY_ENTER), CONFIRM_NO, "Enter at once cancels");
    confirm_free(&c);
    CHECK(c == NULL, "free clears the pointer");

    c = confirm_new(&spec);
    CHECK_INT(confirm_key(c, 'y'), CONFIRM_OPEN, "y does not confirm");
    CHECK_INT(confirm_key(c, UI_KEY_TAB), CONFIRM_OPEN, "Tab moves the focus");
    CHECK(confirm_focus_is_confirm(c), "to Confirm");
    CHECK_INT(confirm_key(c, UI_KEY_ENTER), CONFIRM_YES, "Enter on Confirm confirms");
    confirm_free(&c);

    c = confirm_new(&spec);
    CHECK_INT(confirm_key(c, 'q'), CONFIRM_NO, "q cancels");
    confirm_free(&c);

    spec.typed = "api";
    spec.danger = true;
    c = confirm_new(&spec);
    CHECK(!confirm_ready(c), "with typed confirmation, Confirm starts disabled");
    confirm_key(c, UI_KEY_TAB);
    CHECK_INT(confirm_key(c, UI_KEY_ENTER), CONFIRM_OPEN, "a disabled Confirm does nothing");
    CHECK_INT(confirm_key(c, 'q'), CONFIRM_OPEN, "letters go into the field, q included");
    confirm_key(c, UI_KEY_BACKSPACE);
    confirm_key(c, 'a');
    confirm_key(c, 'p');
    CHECK(!confirm_ready(c), "a prefix is not enough");
    confirm_key(c, 'i');
    CHECK(confirm_ready(c), "the exact text enables Confirm");
    CHECK_INT(confirm_key(c, UI_KEY_ENTER), CONFIRM_YES, "and then it confirms");
    confirm_free(&c);

    c = confirm_new(&spec);
    confirm_key(c, 'a');
    CHECK_INT(confirm_key(c, UI_KEY_ESC), CONFIRM_NO, "Esc cancels at any point");
    confirm_free(&c);
}

static void
test_logbuf(void)
{
    struct logbuf b;
    const struct logbuf_entry *e;
    uint64_t at;

    logbuf_init(&b, 3);
    CHECK_INT(logbuf_end(&b) - logbuf_first(&b), 0, "empty");
    logbuf_add(&b, 1700000000123, "app/1a2b", "first GET /", 11);
    e = logbuf_get(&b, 0);
    CHECK_STR(e->line, "22:13:20.123 app/1a2b first GET /", "time, tag, text");
    CHECK_INT(e->time_len, 12, "time part");
    CHECK_INT(e->tag_len, 8, "tag part");
    {
        static const char evil[] = "evil \x1b[2J\x1b]0;title\x07 done";

        logbuf_add(&b, 1700000001000, NULL, evil, sizeof evil - 1);
    }
    e = logbuf_get(&b, 1);
    CHECK(strchr(e->line, 0x1b) == NULL && strchr(e->line, 0x07) == NULL,
          "log text is made inert");
    logbuf_add(&b, 1700000002000, "x", "with\0nul", 8);
    CHECK(strstr(logbuf_get(&b, 2)->line, "with\\x00nul") != NULL, "NUL bytes are shown");
    logbuf_add(&b, 1700000003000, "x", "fourth ERROR", 12);
    logbuf_add(&b, 1700000004000, "x", "fifth", 5);
    CHECK_INT(logbuf_first(&b), 2, "the buffer is bounded: the oldest went");
    CHECK_INT(logbuf_end(&b), 5, "sequence numbers keep counting");
    CHECK_INT(b.dropped, 2, "drops are counted");
    CHECK(logbuf_get(&b, 1) == NULL, "a dropped line is gone");
    CHECK(logbuf_find(&b, "error", 4, -1, &at) && at == 3, "search backwards, any case");
    CHECK(!logbuf_find(&b, "error", 4, 1, &at), "nothing forward of the last match");
    CHECK(logbuf_find(&b, "nul", 2, 1, &at) && at == 2, "search forward from a line");
    CHECK(!logbuf_find(&b, "22:13", 4, -1, &at), "the time is not searched");
    {
        /* Saving (the pane's `s`): every kept line, the date in full, text still inert. */
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);

        CHECK_INT(logbuf_write(&b, f), 3, "save writes every kept line");
        fclose(f);
        CHECK_STR(text,
                  "2023-11-14T22:13:22.000Z x with\\x00nul\n"
                  "2023-11-14T22:13:23.000Z x fourth ERROR\n"
                  "2023-11-14T22:13:24.000Z x fifth\n",
                  "saved lines carry the UTC date and time, the tag and the inert text");
        free(text);
    }
    logbuf_free(&b);
    logbuf_init(&b, 2);
    {
        char big[40000];

        memset(big, 'a', sizeof big);
        logbuf_add(&b, 1, "t", big, sizeof big);
        CHECK(strlen(logbuf_get(&b, 0)->line) < 17 * 1024, "a huge line is capped");
    }
    logbuf_free(&b);
}

static void
test_doc(void)
{
    struct ui_doc d;
    const char *link;
    char text[128];

    doc_init(&d);
    doc_begin(&d);
    doc_line(&d, 0, NULL);
    doc_add(&d, EL_SECTION, 0, "Tasks");
    doc_line(&d, 1, "task-a");
    doc_add(&d, EL_ROW, 0, "  task-a RUNNING");
    doc_line(&d, 1, "task-b");
    doc_add(&d, EL_ROW, 0, "  task-b STOPPED \x1b[1m");
    doc_end(&d);
    CHECK_INT(doc_link(&d, &link), 0, "the cursor starts on the first line");
    doc_key(&d, ACT_DOWN);
    doc_key(&d, ACT_DOWN);
    CHECK_INT(doc_link(&d, &link), 1, "a link under the cursor");
    CHECK_STR(link, "task-b", "which one");
    doc_line_text(&d, 2, text, sizeof text);
    CHECK_STR(text, "  task-b STOPPED \\x1b[1m", "document text is inert");
    /* A refresh that reorders lines: the cursor stays on its link. */
    doc_begin(&d);
    doc_line(&d, 1, "task-b");
    doc_add(&d, EL_ROW, 0, "task-b");
    doc_line(&d, 1, "task-c");
    doc_add(&d, EL_ROW, 0, "task-c");
    doc_end(&d);
    CHECK_INT(doc_link(&d, &link), 1, "after a rebuild");
    CHECK_STR(link, "task-b", "the cursor follows its link");
    doc_set_filter(&d, "TASK-C");
    doc_key(&d, ACT_TOP);
    CHECK_INT(doc_link(&d, &link), 1, "filtered");
    CHECK_STR(link, "task-c", "the cursor moves to a visible line");
    doc_free(&d);
}

int
main(void)
{
    if (setlocale(LC_ALL, "C.UTF-8") == NULL)
        setlocale(LC_ALL, "C.utf8");
    draw_set_utf8(true);
    test_prompt();
    test_confirm();
    test_logbuf();
    test_doc();
    return check_done();
}
