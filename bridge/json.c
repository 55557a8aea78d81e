/* JSON reading (RFC 8259, strict: valid UTF-8, no lone surrogates, no
 * duplicate keys in kept objects) and reply writing. */
#include "json.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	char *start, *p, *end;
	struct jdoc *doc;
	int depth;
};

static bool fail(struct parser *ps, const char *what)
{
	snprintf(ps->doc->err, sizeof ps->doc->err, "bad JSON at byte %zu: %s",
		 (size_t)(ps->p - ps->start), what);
	return false;
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static bool at(const struct parser *ps, char c)
{
	return ps->p < ps->end && *ps->p == c;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Length of the well-formed UTF-8 sequence at p (2-4 bytes), or 0. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	/* The second byte's range excludes overlong forms, surrogates and > U+10FFFF. */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Four hex digits after "\u" at ps->p; advances past them. */
static bool read_u4(struct parser *ps, unsigned *out)
{
	unsigned v = 0;

	if (ps->end - ps->p < 4)
		return fail(ps, "short \\u escape");
	for (int i = 0; i < 4; i++) {
		int d = hex_digit(ps->p[i]);
		if (d < 0)
			return fail(ps, "bad \\u escape");
		v = v << 4 | (unsigned)d;
	}
	ps->p += 4;
	*out = v;
	return true;
}

static char *put_utf8(char *w, unsigned cp)
{
	if (cp < 0x80) {
		*w++ = (char)cp;
	} else if (cp < 0x800) {
		*w++ = (char)(0xc0 | cp >> 6);
		*w++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*w++ = (char)(0xe0 | cp >> 12);
		*w++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*w++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*w++ = (char)(0xf0 | cp >> 18);
		*w++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*w++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*w++ = (char)(0x80 | (cp & 0x3f));
	}
	return w;
}

/* One escape at ps->p (the backslash). The decoded form is never longer than
 * the escape, so writing at *w (behind ps->p) never overtakes the reader. */
static bool unescape(struct parser *ps, char **w)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	unsigned cp, lo;
	const char *hit;

	if (ps->end - ps->p < 2)
		return fail(ps, "unterminated string");
	ps->p++;
	if (*ps->p != 'u') {
		hit = *ps->p ? strchr(from, *ps->p) : NULL;
		if (!hit)
			return fail(ps, "bad escape");
		*(*w)++ = to[hit - from];
		ps->p++;
		return true;
	}
	ps->p++;
	if (!read_u4(ps, &cp))
		return false;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(ps, "lone surrogate");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
			return fail(ps, "lone surrogate");
		ps->p += 2;
		if (!read_u4(ps, &lo))
			return false;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(ps, "lone surrogate");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	*w = put_utf8(*w, cp);
	return true;
}

/* A string at ps->p (the opening quote), decoded in place. */
static bool parse_string(struct parser *ps, char **out, size_t *outn)
{
	char *w = ++ps->p, *start = w;

	for (;;) {
		if (ps->p >= ps->end)
			return fail(ps, "unterminated string");
		unsigned char c = (unsigned char)*ps->p;
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(ps, "control character in string");
		if (c == '\\') {
			if (!unescape(ps, &w))
				return false;
		} else if (c < 0x80) {
			*w++ = *ps->p++;
		} else {
			size_t n = utf8_seq((const unsigned char *)ps->p, (const unsigned char *)ps->end);
			if (!n)
				return fail(ps, "invalid UTF-8");
			memmove(w, ps->p, n);
			w += n;
			ps->p += n;
		}
	}
	ps->p++;
	*out = start;
	*outn = (size_t)(w - start);
	return true;
}

static bool parse_number(struct parser *ps, struct jval *v)
{
	char *s = ps->p;

	if (at(ps, '-'))
		ps->p++;
	if (!(ps->p < ps->end && is_digit(*ps->p)))
		return fail(ps, "bad number");
	if (*ps->p == '0')
		ps->p++;
	else
		while (ps->p < ps->end && is_digit(*ps->p))
			ps->p++;
	if (at(ps, '.')) {
		ps->p++;
		if (!(ps->p < ps->end && is_digit(*ps->p)))
			return fail(ps, "bad number");
		while (ps->p < ps->end && is_digit(*ps->p))
			ps->p++;
	}
	if (at(ps, 'e') || at(ps, 'E')) {
		ps->p++;
		if (at(ps, '+') || at(ps, '-'))
			ps->p++;
		if (!(ps->p < ps->end && is_digit(*ps->p)))
			return fail(ps, "bad number");
		while (ps->p < ps->end && is_digit(*ps->p))
			ps->p++;
	}
	v->type = J_NUM;
	v->s = s;
	v->n = (size_t)(ps->p - s);
	return true;
}

static bool parse_literal(struct parser *ps, struct jval *v)
{
	static const char *const words[] = { "true", "false", "null" };

	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);
		if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, words[i], n) == 0) {
			v->type = J_LIT;
			v->s = ps->p;
			v->n = n;
			ps->p += n;
			return true;
		}
	}
	return fail(ps, "unexpected character");
}

static bool parse_value(struct parser *ps, struct jval *v, bool may_keep);

static bool enter(struct parser *ps)
{
	if (++ps->depth > JSON_MAX_DEPTH)
		return fail(ps, "nested too deep");
	ps->p++;
	skip_ws(ps);
	return true;
}

static bool keep_member(struct parser *ps, struct jobj *o, const char *key, size_t klen, const struct jval *v)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->m[i].klen == klen && memcmp(o->m[i].key, key, klen) == 0)
			return fail(ps, "duplicate key");
	if (o->n == JSON_MAX_MEMBERS)
		return fail(ps, "too many members");
	o->m[o->n++] = (struct jmember){ key, klen, *v };
	return true;
}

/* An object at ps->p; members go to keep (if not NULL); children may be kept
 * as the document's one nested object when keep_children is set. */
static bool parse_object(struct parser *ps, struct jobj *keep, bool keep_children)
{
	if (!enter(ps))
		return false;
	if (at(ps, '}')) {
		ps->p++;
		ps->depth--;
		return true;
	}
	for (;;) {
		char *key;
		size_t klen;
		struct jval v;

		skip_ws(ps);
		if (!at(ps, '"'))
			return fail(ps, "expected a key");
		if (!parse_string(ps, &key, &klen))
			return false;
		skip_ws(ps);
		if (!at(ps, ':'))
			return fail(ps, "expected ':'");
		ps->p++;
		if (!parse_value(ps, &v, keep_children))
			return false;
		if (keep && !keep_member(ps, keep, key, klen, &v))
			return false;
		skip_ws(ps);
		if (at(ps, '}'))
			break;
		if (!at(ps, ','))
			return fail(ps, "expected ',' or '}'");
		ps->p++;
	}
	ps->p++;
	ps->depth--;
	return true;
}

static bool parse_array(struct parser *ps)
{
	if (!enter(ps))
		return false;
	if (at(ps, ']')) {
		ps->p++;
		ps->depth--;
		return true;
	}
	for (;;) {
		struct jval v;

		if (!parse_value(ps, &v, false))
			return false;
		skip_ws(ps);
		if (at(ps, ']'))
			break;
		if (!at(ps, ','))
			return fail(ps, "expected ',' or ']'");
		ps->p++;
	}
	ps->p++;
	ps->depth--;
	return true;
}

static bool parse_value(struct parser *ps, struct jval *v, bool may_keep)
{
	*v = (struct jval){ .type = J_LIT };
	skip_ws(ps);
	if (ps->p >= ps->end)
		return fail(ps, "unexpected end");
	switch (*ps->p) {
	case '"':
		v->type = J_STR;
		return parse_string(ps, &v->s, &v->n);
	case '{':
		v->type = J_OBJ;
		if (may_keep && !ps->doc->sub_used) {
			ps->doc->sub_used = true;
			v->obj = &ps->doc->sub;
		}
		return parse_object(ps, v->obj, false);
	case '[':
		v->type = J_ARR;
		return parse_array(ps);
	case '-':
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return parse_number(ps, v);
	default:
		return parse_literal(ps, v);
	}
}

bool json_parse(char *line, size_t len, struct jdoc *doc)
{
	struct parser ps = { line, line, line + len, doc, 0 };

	doc->top.n = 0;
	doc->sub.n = 0;
	doc->sub_used = false;
	doc->err[0] = '\0';
	skip_ws(&ps);
	if (ps.p == ps.end)
		return fail(&ps, "empty line");
	if (!at(&ps, '{'))
		return fail(&ps, "a request is a JSON object");
	if (!parse_object(&ps, &doc->top, true))
		return false;
	skip_ws(&ps);
	if (ps.p != ps.end)
		return fail(&ps, "trailing characters");
	return true;
}

const struct jval *jobj_get(const struct jobj *o, const char *key)
{
	size_t n = strlen(key);

	for (size_t i = 0; i < o->n; i++)
		if (o->m[i].klen == n && memcmp(o->m[i].key, key, n) == 0)
			return &o->m[i].val;
	return NULL;
}

bool jval_int(const struct jval *v, int64_t *out)
{
	const char *p, *e;
	bool neg = false;
	uint64_t acc = 0;

	if (v->type != J_NUM || v->n == 0)
		return false;
	p = v->s;
	e = v->s + v->n;
	if (*p == '-') {
		neg = true;
		p++;
	}
	for (; p < e; p++) {
		if (!is_digit(*p))
			return false; /* a fraction or an exponent */
		unsigned d = (unsigned)(*p - '0');
		if (acc > (UINT64_MAX - d) / 10)
			return false;
		acc = acc * 10 + d;
	}
	if (!neg) {
		if (acc > (uint64_t)INT64_MAX)
			return false;
		*out = (int64_t)acc;
	} else {
		if (acc > (uint64_t)INT64_MAX + 1)
			return false;
		*out = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)acc;
	}
	return true;
}

/* Room for n more bytes; sets oom (and keeps the old content) on failure. */
static bool ob_room(struct obuf *b, size_t n)
{
	size_t cap;
	char *p;

	if (b->oom)
		return false;
	if (b->cap - b->n >= n)
		return true;
	if (n > SIZE_MAX / 2 - b->n) {
		b->oom = true;
		return false;
	}
	cap = b->cap ? b->cap : 4096;
	while (cap - b->n < n)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void ob_raw(struct obuf *b, const char *s, size_t n)
{
	if (!ob_room(b, n))
		return;
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

void ob_lit(struct obuf *b, const char *s)
{
	ob_raw(b, s, strlen(s));
}

void ob_int(struct obuf *b, int64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof tmp, "%" PRId64, v);

	ob_raw(b, tmp, (size_t)n);
}

/* Bytes outside printable ASCII are escaped one by one: the reply stays
 * valid JSON whatever the bytes (a key echoed in a message, say). */
void ob_str(struct obuf *b, const char *s, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	ob_raw(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			ob_raw(b, e, 2);
		} else if (c >= 0x20 && c < 0x7f) {
			ob_raw(b, (const char *)&s[i], 1);
		} else {
			char e[6] = { '\\', 'u', '0', '0', digits[c >> 4], digits[c & 15] };
			ob_raw(b, e, 6);
		}
	}
	ob_raw(b, "\"", 1);
}

void ob_hex(struct obuf *b, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";

	if (n > SIZE_MAX / 2 - 2 || !ob_room(b, 2 * n + 2))
		return;
	b->p[b->n++] = '"';
	for (size_t i = 0; i < n; i++) {
		b->p[b->n++] = digits[p[i] >> 4];
		b->p[b->n++] = digits[p[i] & 15];
	}
	b->p[b->n++] = '"';
}

void ob_u64(struct obuf *b, uint64_t v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof tmp, "\"0x%" PRIx64 "\"", v);

	ob_raw(b, tmp, (size_t)n);
}
