/* Safe XML parsing and local-name navigation over libxml2 (see proto_xml.h). */
#include "aws/proto_xml.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "util/buf.h"
#include "util/clock.h"
#include "util/str.h"
#include "util/xalloc.h"

struct od_xml {
    xmlDoc *doc;
};

/* Options: no network, no DTD loading or attribute defaults, no entity substitution (the
 * absence of XML_PARSE_NOENT), no XML_PARSE_HUGE (keeps libxml2's depth and size limits),
 * and nothing printed. */
#define PARSE_OPTIONS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA)

static bool initialised;
static locale_t c_locale;

#if LIBXML_VERSION >= 21200
static void
swallow_structured(void *ud, const xmlError *e)
#else
static void
swallow_structured(void *ud, xmlErrorPtr e)
#endif
{
    (void)ud;
    (void)e;
}

static void
swallow_generic(void *ud, const char *msg, ...)
{
    (void)ud;
    (void)msg;
}

static void
init_once(void)
{
    if (initialised)
        return;
    xmlInitParser();
    /* Belt and braces next to XML_PARSE_NOERROR: no libxml2 message may reach the terminal
     * under the console's curses screen. */
    xmlSetStructuredErrorFunc(NULL, swallow_structured);
    xmlSetGenericErrorFunc(NULL, swallow_generic);
    initialised = true;
}

void
xml_global_cleanup(void)
{
    if (initialised)
        xmlCleanupParser();
    initialised = false;
    if (c_locale != (locale_t)0) {
        freelocale(c_locale);
        c_locale = (locale_t)0;
    }
}

/* SAX hook: a DOCTYPE was seen. Stop before the internal subset is read, so entity
 * declarations (external entities, expansion bombs) are never even parsed. */
static void
refuse_doctype(void *ctx, const xmlChar *name, const xmlChar *external_id,
               const xmlChar *system_id)
{
    xmlParserCtxtPtr ctxt = ctx;

    (void)name;
    (void)external_id;
    (void)system_id;
    ctxt->_private = (void *)ctxt; /* any non-NULL marker */
    xmlStopParser(ctxt);
}

static void
set_parse_error(struct od_error *err, enum od_err code, const char *what)
{
    if (err != NULL)
        od_error_set(err, code, "%s", what);
}

enum od_err
xml_parse(const char *body, size_t len, struct od_xml **out, struct od_error *err)
{
    xmlParserCtxtPtr ctxt;
    xmlDoc *doc;
    bool doctype;

    *out = NULL;
    if (body == NULL || len == 0) {
        set_parse_error(err, OD_E_PARSE, "malformed XML: empty body");
        return OD_E_PARSE;
    }
    if (len > XML_MAX_DOC || len > INT_MAX) {
        set_parse_error(err, OD_E_TOO_LARGE, "XML document too large");
        return OD_E_TOO_LARGE;
    }
    init_once();
    ctxt = xmlNewParserCtxt();
    if (ctxt == NULL)
        od_fatal("xml_parse: out of memory");
    ctxt->sax->internalSubset = refuse_doctype;
    ctxt->_private = NULL;
    doc = xmlCtxtReadMemory(ctxt, body, (int)len, NULL, NULL, PARSE_OPTIONS);
    doctype = ctxt->_private != NULL;
    if (doc == NULL || doctype || !ctxt->wellFormed || xmlDocGetRootElement(doc) == NULL) {
        if (doctype) {
            set_parse_error(err, OD_E_PARSE, "malformed XML: DOCTYPE refused");
        } else if (err != NULL) {
            const xmlError *e = xmlCtxtGetLastError(ctxt);
            struct od_buf msg;

            buf_init(&msg, 0);
            buf_puts(&msg, "malformed XML");
            if (e != NULL && e->message != NULL) {
                buf_printf(&msg, " (line %d): ", e->line);
                buf_puts(&msg, e->message);
            }
            od_error_set(err, OD_E_PARSE, "%s", str_trim(msg.data));
            buf_free(&msg);
        }
        if (doc != NULL)
            xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt);
        return OD_E_PARSE;
    }
    xmlFreeParserCtxt(ctxt);
    *out = xmalloc(sizeof **out);
    (*out)->doc = doc;
    return OD_OK;
}

void
xml_free(struct od_xml **docp)
{
    if (*docp == NULL)
        return;
    xmlFreeDoc((*docp)->doc);
    xfree(docp);
}

static xmlNode *
node(const struct od_xml_node *n)
{
    return (xmlNode *)(uintptr_t)n;
}

static const struct od_xml_node *
wrap(const xmlNode *n)
{
    return (const struct od_xml_node *)(uintptr_t)n;
}

const struct od_xml_node *
xml_root(const struct od_xml *doc)
{
    if (doc == NULL)
        return NULL;
    return wrap(xmlDocGetRootElement(doc->doc));
}

const char *
xml_name(const struct od_xml_node *n)
{
    return n != NULL ? (const char *)node(n)->name : NULL;
}

/* name is a NUL-terminated local name or, when seglen != 0, the first seglen bytes. */
static bool
matches(const xmlNode *n, const char *name, size_t seglen)
{
    const char *nm = (const char *)n->name;

    if (n->type != XML_ELEMENT_NODE || nm == NULL)
        return false;
    if (name == NULL)
        return true;
    if (seglen == 0)
        return strcmp(nm, name) == 0;
    return strncmp(nm, name, seglen) == 0 && nm[seglen] == '\0';
}

bool
xml_is(const struct od_xml_node *n, const char *name)
{
    return n != NULL && name != NULL && matches(node(n), name, 0);
}

static const xmlNode *
first_from(const xmlNode *c, const char *name, size_t seglen)
{
    for (; c != NULL; c = c->next)
        if (matches(c, name, seglen))
            return c;
    return NULL;
}

const struct od_xml_node *
xml_child(const struct od_xml_node *n, const char *name)
{
    return n != NULL ? wrap(first_from(node(n)->children, name, 0)) : NULL;
}

const struct od_xml_node *
xml_next(const struct od_xml_node *n, const char *name)
{
    return n != NULL ? wrap(first_from(node(n)->next, name, 0)) : NULL;
}

const struct od_xml_node *
xml_path(const struct od_xml_node *n, const char *path)
{
    const xmlNode *cur = node(n);

    if (path == NULL)
        return n;
    while (cur != NULL && *path != '\0') {
        const char *slash = strchr(path, '/');
        size_t seglen = slash != NULL ? (size_t)(slash - path) : strlen(path);

        if (seglen != 0)
            cur = first_from(cur->children, path, seglen);
        path += seglen;
        if (*path == '/')
            path++;
    }
    return wrap(cur);
}

size_t
xml_count(const struct od_xml_node *n, const char *name)
{
    const xmlNode *c;
    size_t count = 0;

    if (n == NULL)
        return 0;
    for (c = node(n)->children; c != NULL; c = c->next)
        if (matches(c, name, 0))
            count++;
    return count;
}

/* Depth is bounded by libxml2's own nesting limit (no XML_PARSE_HUGE). */
static void
gather_text(const xmlNode *n, struct od_buf *b)
{
    const xmlNode *c;

    for (c = n->children; c != NULL; c = c->next) {
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content != NULL)
            buf_puts(b, (const char *)c->content);
        else if (c->type == XML_ELEMENT_NODE)
            gather_text(c, b);
        /* entity references are skipped: never expanded */
    }
}

char *
xml_text(const struct od_xml_node *n)
{
    struct od_buf b;

    if (n == NULL)
        return NULL;
    buf_init(&b, 0);
    gather_text(node(n), &b);
    return buf_steal(&b);
}

char *
xml_text_at(const struct od_xml_node *n, const char *path)
{
    return xml_text(xml_path(n, path));
}

bool
xml_text_eq(const struct od_xml_node *n, const char *path, const char *s)
{
    char *t = xml_text_at(n, path);
    bool eq = t != NULL && s != NULL && strcmp(t, s) == 0;

    free(t);
    return eq;
}

/* Trimmed text at path, or NULL when absent or empty. *raw receives the allocation. */
static const char *
scalar(const struct od_xml_node *n, const char *path, char **raw)
{
    char *t;

    *raw = xml_text_at(n, path);
    if (*raw == NULL)
        return NULL;
    t = str_trim(*raw);
    return *t != '\0' ? t : NULL;
}

bool
xml_long(const struct od_xml_node *n, const char *path, long *out)
{
    char *raw;
    const char *s = scalar(n, path, &raw);
    bool ok = s != NULL && str_to_long(s, out);

    free(raw);
    return ok;
}

bool
xml_double(const struct od_xml_node *n, const char *path, double *out)
{
    char *raw, *end;
    const char *s = scalar(n, path, &raw);
    locale_t old;
    double v;
    bool ok = false;

    if (s != NULL) {
        /* strtod follows LC_NUMERIC, which the console sets from the environment. */
        if (c_locale == (locale_t)0)
            c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
        old = c_locale != (locale_t)0 ? uselocale(c_locale) : (locale_t)0;
        errno = 0;
        v = strtod(s, &end);
        ok = end != s && *end == '\0' && errno != ERANGE;
        if (old != (locale_t)0)
            uselocale(old);
        if (ok)
            *out = v;
    }
    free(raw);
    return ok;
}

bool
xml_bool(const struct od_xml_node *n, const char *path, bool *out)
{
    char *raw;
    const char *s = scalar(n, path, &raw);
    bool ok = true;

    if (str_case_eq(s, "true"))
        *out = true;
    else if (str_case_eq(s, "false"))
        *out = false;
    else
        ok = false;
    free(raw);
    return ok;
}

bool
xml_time(const struct od_xml_node *n, const char *path, time_t *out)
{
    char *raw;
    const char *s = scalar(n, path, &raw);
    bool ok = s != NULL && clock_parse_iso(s, out);

    free(raw);
    return ok;
}
