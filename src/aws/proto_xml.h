/* Safe XML reading for the Query and REST-XML services (ELBv2, CloudWatch, STS, CloudFront).
 * The only file that includes libxml2: decoders see opaque nodes and navigate by local name,
 * so namespaces (each service has its own default xmlns) never matter.
 *
 * Safety: no network, no DTD loading, no entity substitution; a document with a DOCTYPE is
 * refused before its internal subset is read (AWS never sends one), so external entities and
 * entity-expansion bombs cannot run. libxml2 never prints: errors become an od_error.
 *
 * Ownership: struct od_xml owns the tree. Nodes and names are borrowed from it and die with
 * xml_free(). Every function returning char * returns a malloc'd copy the caller frees. All
 * navigation functions accept NULL and return NULL/false, so chains need no checks:
 *     xml_text_at(xml_root(doc), "GetCallerIdentityResult/Account")
 * Lists:
 *     query:       const struct od_xml_node *m;
 *                  XML_FOREACH(m, xml_path(res, "TargetHealthDescriptions"), "member") ...
 *     CloudFront:  XML_FOREACH(s, xml_path(root, "Items"), "DistributionSummary") ...
 */
#ifndef OD_PROTO_XML_H
#define OD_PROTO_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/err.h"

struct od_xml;      /* a parsed document */
struct od_xml_node; /* an element of a document; borrowed */

/* Largest document xml_parse accepts (libxml2 takes an int length). */
#define XML_MAX_DOC ((size_t)64 << 20)

/* Parse len bytes (need not be NUL-terminated). OD_OK and *out set, or OD_E_PARSE /
 * OD_E_TOO_LARGE with err filled (err may be NULL) and *out NULL. */
enum od_err xml_parse(const char *body, size_t len, struct od_xml **out, struct od_error *err);
void xml_free(struct od_xml **docp);

/* The root element. */
const struct od_xml_node *xml_root(const struct od_xml *doc);
/* Local name (no prefix), borrowed. */
const char *xml_name(const struct od_xml_node *n);
bool xml_is(const struct od_xml_node *n, const char *name);

/* First child element with local name name (any element when name is NULL). */
const struct od_xml_node *xml_child(const struct od_xml_node *n, const char *name);
/* Next sibling element after n with local name name (any element when NULL). */
const struct od_xml_node *xml_next(const struct od_xml_node *n, const char *name);
/* Follow "A/B/C" through first matching children; "" or NULL is n itself. */
const struct od_xml_node *xml_path(const struct od_xml_node *n, const char *path);
/* Number of child elements named name (all elements when NULL). */
size_t xml_count(const struct od_xml_node *n, const char *name);

#define XML_FOREACH(it, parent, name)                                                              \
    for ((it) = xml_child((parent), (name)); (it) != NULL; (it) = xml_next((it), (name)))

/* Character data of n and its descendants (text and CDATA; entity references are never
 * expanded), verbatim; malloc'd, NULL when n is NULL. */
char *xml_text(const struct od_xml_node *n);
/* xml_text(xml_path(n, path)). */
char *xml_text_at(const struct od_xml_node *n, const char *path);
/* Compare the text at path with s (exact); false when absent. */
bool xml_text_eq(const struct od_xml_node *n, const char *path, const char *s);

/* Typed values at path (path NULL = n). Surrounding white space is ignored; false, with
 * *out untouched, when absent, empty, malformed or out of range. */
bool xml_long(const struct od_xml_node *n, const char *path, long *out);
bool xml_double(const struct od_xml_node *n, const char *path, double *out); /* "C" locale */
bool xml_bool(const struct od_xml_node *n, const char *path, bool *out);     /* true/false */
bool xml_time(const struct od_xml_node *n, const char *path, time_t *out);   /* ISO 8601 */

/* Release libxml2's global state (at exit; keeps valgrind quiet). Parsing may follow again. */
void xml_global_cleanup(void);

#endif
