/*
 * WIT reader, lowest layer: the arena every WIT object lives in, error
 * formatting ("file:line:col: message") and the tokenizer (WIT.md "Lexical
 * structure": whitespace, `//` and nested block comments, operators,
 * keywords, integers, string literals, kebab-case and `%` identifiers).
 */
#include "wit_internal.h"

#include "util.h"

#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/* ------------------------------------------------------------ arena */

#define WI_BLOCK 65536u

struct wi_block {
	struct wi_block *next;
	size_t cap, used;
	max_align_t data[];
};

struct wi_arena {
	struct wi_block *head;
};

struct wi_arena *wi_arena_new(void)
{
	return fb_calloc(1, sizeof(struct wi_arena));
}

void wi_arena_free(struct wi_arena *a)
{
	if (a == NULL)
		return;
	struct wi_block *b = a->head;
	while (b != NULL) {
		struct wi_block *next = b->next;
		free(b);
		b = next;
	}
	free(a);
}

void *wi_alloc(struct wi_arena *a, size_t n)
{
	size_t al = alignof(max_align_t);
	n = (n + al - 1) / al * al;
	if (n == 0)
		n = al;
	struct wi_block *b = a->head;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > WI_BLOCK ? n : WI_BLOCK;
		b = fb_malloc(sizeof *b + cap);
		b->cap = cap;
		b->used = 0;
		if (a->head != NULL && n > WI_BLOCK) {
			/* a large one-off: keep the current block in front */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = (char *)b->data + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

char *wi_strndup(struct wi_arena *a, const char *s, size_t n)
{
	char *d = wi_alloc(a, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *wi_strdup(struct wi_arena *a, const char *s)
{
	return wi_strndup(a, s, strlen(s));
}

char *wi_printf(struct wi_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *d = wi_alloc(a, (size_t)(n < 0 ? 0 : n) + 1);
	va_start(ap, fmt);
	vsnprintf(d, (size_t)(n < 0 ? 0 : n) + 1, fmt, ap);
	va_end(ap);
	return d;
}

void *wi_grow(struct wi_arena *a, void *old, size_t elem, uint32_t n, uint32_t *cap)
{
	uint32_t c = *cap != 0 ? *cap : 4;
	while (c <= n)
		c *= 2;
	void *p = wi_alloc(a, elem * c);
	if (old != NULL && n != 0)
		memcpy(p, old, elem * n);
	*cap = c;
	return p;
}

/* ------------------------------------------------------------ errors */

int wi_verr(struct wi_ctx *c, struct wit_loc loc, const char *fmt, va_list ap)
{
	if (c->failed)
		return -1;
	c->failed = true;
	int n = snprintf(c->err->msg, sizeof c->err->msg, "%s:%u:%u: ",
			 loc.file != NULL ? loc.file : "?", loc.line, loc.col);
	if (n > 0 && (size_t)n < sizeof c->err->msg)
		vsnprintf(c->err->msg + n, sizeof c->err->msg - (size_t)n, fmt, ap);
	return -1;
}

int wi_err(struct wi_ctx *c, struct wit_loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	wi_verr(c, loc, fmt, ap);
	va_end(ap);
	return -1;
}

/* ------------------------------------------------------------ tokens */

static const struct {
	const char *text;
	enum wi_tok kind;
} keywords[] = {
	{ "use", WI_KW_USE }, { "type", WI_KW_TYPE }, { "func", WI_KW_FUNC },
	{ "u8", WI_KW_U8 }, { "u16", WI_KW_U16 }, { "u32", WI_KW_U32 }, { "u64", WI_KW_U64 },
	{ "s8", WI_KW_S8 }, { "s16", WI_KW_S16 }, { "s32", WI_KW_S32 }, { "s64", WI_KW_S64 },
	{ "f32", WI_KW_F32 }, { "f64", WI_KW_F64 }, { "char", WI_KW_CHAR },
	{ "record", WI_KW_RECORD }, { "resource", WI_KW_RESOURCE }, { "own", WI_KW_OWN },
	{ "borrow", WI_KW_BORROW }, { "flags", WI_KW_FLAGS }, { "variant", WI_KW_VARIANT },
	{ "enum", WI_KW_ENUM }, { "bool", WI_KW_BOOL }, { "string", WI_KW_STRING },
	{ "option", WI_KW_OPTION }, { "result", WI_KW_RESULT }, { "future", WI_KW_FUTURE },
	{ "stream", WI_KW_STREAM }, { "error-context", WI_KW_ERROR_CONTEXT },
	{ "list", WI_KW_LIST }, { "map", WI_KW_MAP }, { "_", WI_KW_UNDERSCORE },
	{ "as", WI_KW_AS }, { "from", WI_KW_FROM }, { "static", WI_KW_STATIC },
	{ "interface", WI_KW_INTERFACE }, { "tuple", WI_KW_TUPLE }, { "import", WI_KW_IMPORT },
	{ "export", WI_KW_EXPORT }, { "world", WI_KW_WORLD }, { "package", WI_KW_PACKAGE },
	{ "constructor", WI_KW_CONSTRUCTOR }, { "include", WI_KW_INCLUDE },
	{ "with", WI_KW_WITH }, { "async", WI_KW_ASYNC },
};

static const char *const operators[] = {
	[WI_TOK_EQ] = "'='", [WI_TOK_COMMA] = "','", [WI_TOK_COLON] = "':'",
	[WI_TOK_PERIOD] = "'.'", [WI_TOK_SEMI] = "';'", [WI_TOK_LPAREN] = "'('",
	[WI_TOK_RPAREN] = "')'", [WI_TOK_LBRACE] = "'{'", [WI_TOK_RBRACE] = "'}'",
	[WI_TOK_LT] = "'<'", [WI_TOK_GT] = "'>'", [WI_TOK_ARROW] = "'->'",
	[WI_TOK_STAR] = "'*'", [WI_TOK_AT] = "'@'", [WI_TOK_SLASH] = "'/'",
	[WI_TOK_PLUS] = "'+'", [WI_TOK_MINUS] = "'-'",
};

const char *wi_tok_describe(enum wi_tok k)
{
	static char buf[sizeof keywords / sizeof keywords[0]][32];
	switch (k) {
	case WI_TOK_EOF:
		return "end of file";
	case WI_TOK_ID:
		return "an identifier";
	case WI_TOK_INT:
		return "an integer";
	case WI_TOK_STRING:
		return "a string literal";
	default:
		break;
	}
	if ((size_t)k < sizeof operators / sizeof operators[0] && operators[k] != NULL)
		return operators[k];
	for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
		if (keywords[i].kind == k) {
			if (buf[i][0] == '\0')
				snprintf(buf[i], sizeof buf[i], "keyword `%s`", keywords[i].text);
			return buf[i];
		}
	}
	return "a token";
}

/* ------------------------------------------------------------ lexer */

struct lx {
	struct wi_ctx *c;
	const char *file, *src;
	size_t len, pos;
	uint32_t line, col;
	struct wi_token *toks;
	uint32_t n, cap;
};

static struct wit_loc lx_loc(const struct lx *l)
{
	return (struct wit_loc){ l->file, l->line, l->col };
}

static void lx_advance(struct lx *l, size_t n)
{
	for (size_t i = 0; i < n && l->pos < l->len; i++, l->pos++) {
		unsigned char ch = (unsigned char)l->src[l->pos];
		if (ch == '\n') {
			l->line++;
			l->col = 1;
		} else if ((ch & 0xc0) != 0x80) {
			l->col++;
		}
	}
}

static int lx_at(const struct lx *l, size_t ahead)
{
	return l->pos + ahead < l->len ? (unsigned char)l->src[l->pos + ahead] : -1;
}

/* Decode one UTF-8 scalar at `s` (of `n` bytes); 0 on malformed input. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3
		   : (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	if (len == 0 || len > n)
		return 0;
	uint32_t v = len == 1 ? s[0] : (uint32_t)(s[0] & (0x7f >> len));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (uint32_t)(s[i] & 0x3f);
	}
	static const uint32_t min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (v < min[len] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/* WIT.md: no bidirectional overrides, no control codes but \t \n \r, no
 * deprecated code points; and the file must be UTF-8. */
static int lx_check_input(struct lx *l)
{
	while (l->pos < l->len) {
		uint32_t cp = 0;
		size_t n = utf8_decode((const unsigned char *)l->src + l->pos, l->len - l->pos, &cp);
		if (n == 0)
			return wi_err(l->c, lx_loc(l), "invalid UTF-8");
		if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    (cp >= 0x7f && cp <= 0x9f))
			return wi_err(l->c, lx_loc(l), "control character U+%04X is not allowed",
				      (unsigned)cp);
		if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
			return wi_err(l->c, lx_loc(l),
				      "bidirectional override character U+%04X is not allowed",
				      (unsigned)cp);
		if (cp == 0x149 || cp == 0x673 || cp == 0xf77 || cp == 0xf79 ||
		    (cp >= 0x17a3 && cp <= 0x17a4) || (cp >= 0x17b4 && cp <= 0x17b5))
			return wi_err(l->c, lx_loc(l), "deprecated character U+%04X is not allowed",
				      (unsigned)cp);
		lx_advance(l, n);
	}
	return 0;
}

static bool keylike(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-' || ch >= 0x80;
}

/* WIT identifier: words of [a-z][a-z0-9]* or [A-Z][A-Z0-9]* joined by '-'
 * (words after the first may start with a digit). */
static int lx_check_id(struct lx *l, struct wit_loc loc, const char *s, size_t n)
{
	if (n == 0)
		return wi_err(l->c, loc, "expected an identifier after `%%`");
	int len = (int)n;
	int upper = -1; /* case of the current word: -1 unknown */
	bool word_start = true, first_word = true;
	for (size_t i = 0; i <= n; i++) {
		int ch = i < n ? (unsigned char)s[i] : '-';
		if (ch == '-') {
			if (word_start)
				return wi_err(l->c, loc, "identifier `%.*s` has an empty word "
					      "(a leading, trailing or doubled '-')", len, s);
			word_start = true;
			first_word = false;
			upper = -1;
			continue;
		}
		bool digit = ch >= '0' && ch <= '9';
		bool lo = ch >= 'a' && ch <= 'z', up = ch >= 'A' && ch <= 'Z';
		if (!digit && !lo && !up)
			return wi_err(l->c, loc, "invalid character `%c` in identifier `%.*s`",
				      ch < 0x80 ? ch : '?', len, s);
		if (word_start && first_word && digit)
			return wi_err(l->c, loc, "identifier `%.*s` must start with a letter", len, s);
		if (!digit) {
			if (upper >= 0 && upper != (int)up)
				return wi_err(l->c, loc, "invalid identifier `%.*s`: a word must be all "
					      "lowercase or all uppercase", len, s);
			upper = up;
		}
		word_start = false;
	}
	return 0;
}

static struct wi_token *lx_push(struct lx *l, enum wi_tok k, struct wit_loc loc, size_t start)
{
	struct wi_token *t = WI_PUSH(l->c->arena, l->toks, l->n, l->cap);
	t->kind = k;
	t->loc = loc;
	t->off = (uint32_t)start;
	t->len = (uint32_t)(l->pos - start);
	return t;
}

static int lx_word(struct lx *l, struct wit_loc loc, size_t start)
{
	bool explicit_id = l->src[start] == '%';
	if (explicit_id)
		lx_advance(l, 1);
	while (l->pos < l->len && keylike(lx_at(l, 0)))
		lx_advance(l, 1);
	const char *s = l->src + start + (explicit_id ? 1 : 0);
	size_t n = l->pos - start - (explicit_id ? 1 : 0);
	if (!explicit_id) {
		for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
			if (strlen(keywords[i].text) == n && memcmp(keywords[i].text, s, n) == 0) {
				lx_push(l, keywords[i].kind, loc, start);
				return 0;
			}
		}
	}
	if (lx_check_id(l, loc, s, n) < 0)
		return -1;
	struct wi_token *t = lx_push(l, WI_TOK_ID, loc, start);
	t->explicit_id = explicit_id;
	t->text = wi_strndup(l->c->arena, s, n);
	return 0;
}

static int lx_number(struct lx *l, struct wit_loc loc, size_t start)
{
	uint64_t v = 0;
	while (l->pos < l->len && lx_at(l, 0) >= '0' && lx_at(l, 0) <= '9') {
		unsigned d = (unsigned)(lx_at(l, 0) - '0');
		if (v > (UINT64_MAX - d) / 10)
			return wi_err(l->c, loc, "number too large");
		v = v * 10 + d;
		lx_advance(l, 1);
	}
	lx_push(l, WI_TOK_INT, loc, start)->value = v;
	return 0;
}

static int lx_comment(struct lx *l, struct wit_loc loc)
{
	if (lx_at(l, 1) == '/') {
		while (l->pos < l->len && lx_at(l, 0) != '\n')
			lx_advance(l, 1);
		return 0;
	}
	lx_advance(l, 2);
	unsigned depth = 1;
	while (depth > 0) {
		if (l->pos >= l->len)
			return wi_err(l->c, loc, "unterminated block comment");
		if (lx_at(l, 0) == '/' && lx_at(l, 1) == '*') {
			depth++;
			lx_advance(l, 2);
		} else if (lx_at(l, 0) == '*' && lx_at(l, 1) == '/') {
			depth--;
			lx_advance(l, 2);
		} else {
			lx_advance(l, 1);
		}
	}
	return 0;
}

static int lx_string(struct lx *l, struct wit_loc loc, size_t start)
{
	lx_advance(l, 1);
	for (;;) {
		int ch = lx_at(l, 0);
		if (ch < 0 || ch == '\n')
			return wi_err(l->c, loc, "unterminated string literal");
		lx_advance(l, ch == '\\' && lx_at(l, 1) >= 0 ? 2 : 1);
		if (ch == '"')
			break;
	}
	lx_push(l, WI_TOK_STRING, loc, start);
	return 0;
}

static enum wi_tok lx_operator(int ch)
{
	switch (ch) {
	case '=': return WI_TOK_EQ;
	case ',': return WI_TOK_COMMA;
	case ':': return WI_TOK_COLON;
	case '.': return WI_TOK_PERIOD;
	case ';': return WI_TOK_SEMI;
	case '(': return WI_TOK_LPAREN;
	case ')': return WI_TOK_RPAREN;
	case '{': return WI_TOK_LBRACE;
	case '}': return WI_TOK_RBRACE;
	case '<': return WI_TOK_LT;
	case '>': return WI_TOK_GT;
	case '*': return WI_TOK_STAR;
	case '@': return WI_TOK_AT;
	case '/': return WI_TOK_SLASH;
	case '+': return WI_TOK_PLUS;
	case '-': return WI_TOK_MINUS;
	default: return WI_TOK_EOF;
	}
}

static int lx_token(struct lx *l)
{
	int ch = lx_at(l, 0);
	struct wit_loc loc = lx_loc(l);
	size_t start = l->pos;
	if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
		lx_advance(l, 1);
		return 0;
	}
	if (ch == '/' && (lx_at(l, 1) == '/' || lx_at(l, 1) == '*'))
		return lx_comment(l, loc);
	if (ch == '-' && lx_at(l, 1) == '>') {
		lx_advance(l, 2);
		lx_push(l, WI_TOK_ARROW, loc, start);
		return 0;
	}
	enum wi_tok op = lx_operator(ch);
	if (op != WI_TOK_EOF) {
		lx_advance(l, 1);
		lx_push(l, op, loc, start);
		return 0;
	}
	if (ch == '%' || (keylike(ch) && !(ch >= '0' && ch <= '9')))
		return lx_word(l, loc, start);
	if (ch >= '0' && ch <= '9')
		return lx_number(l, loc, start);
	if (ch == '"')
		return lx_string(l, loc, start);
	return wi_err(l->c, loc, "unexpected character `%c`", ch);
}

int wi_lex(struct wi_ctx *c, const char *file, const char *src, size_t len,
	   struct wi_token **toks, uint32_t *ntoks)
{
	struct lx l = { .c = c, .file = file, .src = src, .len = len, .line = 1, .col = 1 };
	if (len >= 3 && memcmp(src, "\xef\xbb\xbf", 3) == 0)
		l.pos = 3;
	size_t body = l.pos;
	if (lx_check_input(&l) < 0)
		return -1;
	l.pos = body;
	l.line = 1;
	l.col = 1;
	while (l.pos < l.len) {
		if (lx_token(&l) < 0)
			return -1;
	}
	lx_push(&l, WI_TOK_EOF, lx_loc(&l), l.pos);
	*toks = l.toks;
	*ntoks = l.n;
	return 0;
}
