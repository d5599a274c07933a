/*
 * Host stream/future ends of graph-typed elements (stream<string>,
 * future<result<list<u8>, string>>, …): typed reads and writes over
 * flue_host_read/flue_host_write, with the conversions of gen_hval.c.
 *
 * A write puts the C values in canonical layout into the value area (above
 * the params of calls in flight) and hands them to the library, which
 * lifts them at once when a guest reader is parked; a read lowers what a
 * parked guest writer offers into the read area (its own `--host-arena`
 * bytes, after the value area: the element buffer, then the strings and
 * lists from the host's allocator, glue_ralloc) and shows it as C values.
 * Neither parks: an op that cannot complete at once is cancelled before
 * the binding returns, so the areas are the glue's again when it returns
 * and a parked op never meets a guest while the arrival allocator serves
 * a value for a callback (the allocator cannot tell the two apart).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen_hval.h"

/* Name the element types' C types (before the typedefs are written). */
void gen_hend_named(const struct gen *g)
{
	for (uint32_t i = g->p->nflat_elems; i < g->p->nelems; i++)
		if (gen_hend_elem(g->p, i))
			gen_named_deep(g, g->p->elems[i].wit);
}

/* The read area and the host's allocator (installed instead of
 * glue_ialloc): a typed read's strings and lists while it runs, else the
 * arrival area's values (or nothing). */
void gen_hend_support(const struct gen *g)
{
	fb_buf_printf(g->c, "/* The read area: what a typed read of graph elements moved (the "
		      "element\n * buffer, then its strings and lists), until the next one. */\n"
		      "#define GLUE_REND (GLUE_RBASE + %uu)\nstatic uint32_t glue_rtop; /* nonzero: a "
		      "typed read is in the library */\n\nstatic uint32_t glue_ralloc(void *user, "
		      "struct flue_instance *inst, uint32_t old, uint32_t old_size,\n\t\t\t    "
		      "uint32_t align, uint32_t size)\n{\n\t(void)user;\n\t(void)inst;\n\tif (glue_rtop == 0)\n%s"
		      "\tif (old_size > 0 && old + old_size == glue_rtop && (uint64_t)old + size <= "
		      "GLUE_REND) {\n\t\tglue_rtop = old + size;\n\t\treturn old;\n\t}\n"
		      "\tuint64_t p = ((uint64_t)glue_rtop + align - 1u) & ~(uint64_t)(align - 1u);\n"
		      "\tif (align == 0 || (align & (align - 1u)) != 0 || p + size > GLUE_REND)\n"
		      "\t\treturn UINT32_MAX; /* no room: FLUE_ENOMEM */\n\tif (old_size > 0)\n"
		      "\t\tmemmove(host_arena + p, host_arena + old, old_size < size ? old_size : "
		      "size);\n\tglue_rtop = (uint32_t)(p + size);\n\treturn (uint32_t)p;\n}\n\n",
		      (unsigned)g->o->host_arena, gen_hval_moves(g->p) ? "\t\treturn glue_ialloc(user, "
		      "inst, old, old_size, align, size); /* a moved value */\n" :
		      "\t\treturn UINT32_MAX;\n");
}

static void end_decls(const struct gen *g, const char *e, const char *ct, bool stream)
{
	const char *p = g->p->name, *k = stream ? "stream" : "future";
	fb_buf_printf(g->h, "\n/**\n * @brief Write %s to the host's writable %s end `end` (%s.h's "
		      "flue_host_write,\n *        typed): the C values are copied in canonical "
		      "layout into the value\n *        area (--host-arena bytes) and lifted by a "
		      "guest reader waiting now;\n *        they may be freed when this returns. "
		      "It does not wait: with no\n *        reader waiting the op is cancelled "
		      "(`out->result` CANCELLED,\n *        progress 0) and may be tried again "
		      "after the guests ran.\n * @retval 0 and `*out` @retval FLUE_ENOMEM it does "
		      "not fit the value area\n * @retval FLUE_EINVAL not initialised, `out` NULL, "
		      "a tag, flag or length out of\n *         range, or a string that is not UTF-8 "
		      "(nothing moved)\n * @retval as flue_host_write() otherwise\n */\nint %s_%s_%s_write"
		      "(%s_%s_%s_t end, const %s *%s%s, struct flue_host_outcome *out);\n\n/**\n"
		      " * @brief Read %s from the host's readable %s end `end`: what a guest\n"
		      " *        writer waiting now offers, as C values in `%s`; their strings\n"
		      " *        and lists are views of the read area (--host-arena bytes), valid\n"
		      " *        until the next typed read of any end. It does not wait: with no\n"
		      " *        writer waiting the op is cancelled (CANCELLED, progress 0).\n"
		      " * @retval 0 and `*out` (`out->progress` values arrived)\n"
		      " * @retval FLUE_ENOMEM they do not fit the read area (nothing moved)\n"
		      " * @retval FLUE_EINVAL not initialised, `out` NULL\n"
		      " * @retval as flue_host_read() otherwise\n */\nint %s_%s_%s_read(%s_%s_%s_t end, "
		      "%s *%s%s, struct flue_host_outcome *out);\n",
		      stream ? "`n` elements" : "the value", k, "flue/host", p, k, e, p, k, e, ct,
		      stream ? "elems" : "value", stream ? ", uint32_t n" : "",
		      stream ? "up to `n` elements" : "the value", k, stream ? "elems" : "*value",
		      p, k, e, p, k, e, ct, stream ? "elems" : "value", stream ? ", uint32_t n" : "");
}

static void end_write(const struct gen *g, const struct wit_type *t, const char *e,
		      const char *ct, bool stream)
{
	const char *p = g->p->name, *k = stream ? "stream" : "future";
	uint32_t size = gen_hval_size(g, t), align = gen_hval_align(g, t);
	struct fb_buf *c = g->c;
	fb_buf_printf(c, "int %s_%s_%s_write(%s_%s_%s_t end, const %s *elems%s, struct "
		      "flue_host_outcome *out)\n{\n\tstruct glue_w glue_w, *w = &glue_w;\n"
		      "\tuint32_t at = GLUE_VBASE;\n\tint rc;\n%s"
		      "\tif (host == 0 || out == 0 || (n > 0 && elems == 0))\n\t\treturn FLUE_EINVAL;\n"
		      "\tglue_w_open(w); /* above the params of calls in flight */\n"
		      "\tif ((rc = glue_reserve(w, (uint64_t)n * %uu, %uu, &at)) != 0)\n"
		      "\t\treturn rc;\n\tfor (uint32_t i = 0; i < n; i++) {\n"
		      "\t\tuint32_t ea = at + i * %uu;\n", p, k, e, p, k, e, ct,
		      stream ? ", uint32_t n" : "", stream ? "" : "\tuint32_t n = 1;\n",
		      (unsigned)size, (unsigned)align, (unsigned)size);
	gen_hval_put(g, t, "elems[i]", "ea", "\t\t", c);
	fb_buf_puts(c, "\t}\n\trc = flue_host_write(host, end.handle, host_arena + at, n, out);\n"
		    "\tif (rc == 0 && !out->done) /* no reader waiting: the area is reused */\n"
		    "\t\trc = flue_host_cancel(host, end.handle, out);\n\treturn rc;\n}\n\n");
}

static void end_read(const struct gen *g, const struct wit_type *t, const char *e,
		     const char *ct, bool stream)
{
	const char *p = g->p->name, *k = stream ? "stream" : "future";
	uint32_t size = gen_hval_size(g, t), align = gen_hval_align(g, t);
	struct fb_buf *c = g->c;
	fb_buf_printf(c, "int %s_%s_%s_read(%s_%s_%s_t end, %s *elems%s, struct flue_host_outcome "
		      "*out)\n{\n%s\tif (host == 0 || out == 0 || (n > 0 && elems == 0))\n"
		      "\t\treturn FLUE_EINVAL;\n\tuint64_t at = ((uint64_t)GLUE_RBASE + %uu) & "
		      "~(uint64_t)%uu;\n\tif (at + (uint64_t)n * %uu > GLUE_REND)\n"
		      "\t\treturn FLUE_ENOMEM;\n\tglue_rtop = (uint32_t)(at + (uint64_t)n * %uu);\n"
		      "\tint rc = flue_host_read(host, end.handle, host_arena + at, n, out);\n"
		      "\tif (rc == 0 && !out->done) /* no writer waiting */\n"
		      "\t\trc = flue_host_cancel(host, end.handle, out);\n\tglue_rtop = 0;\n"
		      "\tif (rc != 0)\n\t\treturn rc;\n"
		      "\tfor (uint32_t i = 0; i < out->progress && i < n; i++) {\n"
		      "\t\tstruct flue_hval v = { &glue_types, host, 0, (uint32_t)at + i * %uu, %uu, "
		      "FLUE_STRING_UTF8 };\n", p, k, e, p, k, e, ct, stream ? ", uint32_t n" : "",
		      stream ? "" : "\tuint32_t n = 1;\n", (unsigned)(align - 1u),
		      (unsigned)(align - 1u), (unsigned)size, (unsigned)size, (unsigned)size,
		      (unsigned)gen_graph_node(g, t));
	gen_hval_get(g, t, "v", "elems[i]", "\t\t", c);
	fb_buf_puts(c, "\t}\n\treturn 0;\n}\n\n");
}

/* The typed reads and writes of every graph element type at the host edge. */
void gen_hend_api(const struct gen *g)
{
	for (uint32_t i = g->p->nflat_elems; i < g->p->nelems; i++) {
		if (!gen_hend_elem(g->p, i))
			continue;
		const struct wit_type *t = g->p->elems[i].wit;
		struct fb_buf ct = { 0 };
		gen_ctype(g, t, &ct);
		for (int s = 1; s >= 0; s--) {
			end_decls(g, g->p->elems[i].c_name, ct.data, s != 0);
			end_write(g, t, g->p->elems[i].c_name, ct.data, s != 0);
			end_read(g, t, g->p->elems[i].c_name, ct.data, s != 0);
		}
		fb_buf_free(&ct);
	}
}
