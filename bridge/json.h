/* A small JSON reader for the flat request objects of the wire protocol, and
 * a growable output buffer for the replies. Strings are decoded in place, so
 * a request line of many megabytes is parsed without copying it. */
#ifndef IOMMUFD_BRIDGE_JSON_H
#define IOMMUFD_BRIDGE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Deeper nesting is refused: the parser recurses, and no request needs it. */
#define JSON_MAX_DEPTH 64
/* Members kept per object; a request has at most six. */
#define JSON_MAX_MEMBERS 16

enum jtype { J_STR, J_NUM, J_LIT, J_ARR, J_OBJ };

struct jobj;

struct jval {
	enum jtype type;
	char *s;          /* J_STR: the decoded bytes; J_NUM: the number's text */
	size_t n;
	struct jobj *obj; /* J_OBJ: its members, or NULL when not kept */
};

struct jmember {
	const char *key;
	size_t klen;
	struct jval val;
};

struct jobj {
	struct jmember m[JSON_MAX_MEMBERS];
	size_t n;
};

/* The request object and the first object nested directly in it (ioctl's
 * arg); deeper or further objects are checked for syntax only. */
struct jdoc {
	struct jobj top;
	struct jobj sub;
	bool sub_used;
	char err[96];
};

/* Parses line[0..len) in place. On failure doc->err says why and doc->top
 * still holds the members read before the error (so seq can be echoed). */
bool json_parse(char *line, size_t len, struct jdoc *doc);

const struct jval *jobj_get(const struct jobj *o, const char *key);

/* A J_NUM written as a plain integer (no fraction or exponent) that fits. */
bool jval_int(const struct jval *v, int64_t *out);

/* Output: a reply is built here, then written in one go. */
struct obuf {
	char *p;
	size_t n, cap;
	bool oom; /* an allocation failed: the content is incomplete */
};

void ob_raw(struct obuf *b, const char *s, size_t n);
void ob_lit(struct obuf *b, const char *s);
void ob_int(struct obuf *b, int64_t v);
void ob_str(struct obuf *b, const char *s, size_t n); /* a JSON string */
void ob_hex(struct obuf *b, const unsigned char *p, size_t n);
void ob_u64(struct obuf *b, uint64_t v); /* "0x..." */

#endif
