/*
 * Which graph element types cross the host edge at a host stream/future
 * end (gen_hend.c's typed reads and writes; gen_hval.c's areas): a query
 * of the plan alone, below both.
 */
#include <stdlib.h>

#include "gen_hval.h"

/* Mark every graph element type of an end in t (also inside ends). */
static void mark(const struct fb_plan *p, const struct wit_type *t, bool *seen)
{
	const struct wit_type *u = t != NULL ? wit_unalias(t) : NULL;
	if (u == NULL)
		return;
	switch (u->kind) {
	case WIT_T_STREAM: case WIT_T_FUTURE:
		if (fb_elem_is_graph(u->elem)) {
			uint32_t id = fb_plan_elem_id(p, u->elem);
			if (id >= 1u && id <= p->nelems)
				seen[id - 1u] = true;
		}
		mark(p, u->elem, seen);
		break;
	case WIT_T_LIST: case WIT_T_OPTION:
		mark(p, u->elem, seen);
		break;
	case WIT_T_RESULT:
		mark(p, u->ok, seen);
		mark(p, u->err, seen);
		break;
	case WIT_T_MAP:
		mark(p, u->key, seen);
		mark(p, u->elem, seen);
		break;
	case WIT_T_RECORD: case WIT_T_TUPLE: case WIT_T_VARIANT:
		for (uint32_t i = 0; i < u->nfields; i++)
			mark(p, u->fields[i].type, seen);
		break;
	default:
		break;
	}
}

static void mark_func(const struct fb_plan *p, const struct wit_func *f, bool *seen)
{
	for (uint32_t i = 0; i < f->nparams; i++)
		mark(p, f->params[i].type, seen);
	mark(p, f->result, seen);
}

bool gen_hend_elem(const struct fb_plan *p, uint32_t i)
{
	if (i < p->nflat_elems || i >= p->nelems)
		return false;
	bool *seen = fb_calloc(p->nelems, sizeof *seen), r;
	for (uint32_t k = 0; k < p->nbindings; k++)
		mark_func(p, p->insts[p->bindings[k].inst].mod->lifts[p->bindings[k].lift].func, seen);
	for (uint32_t k = 0; k < p->nhostfns; k++)
		mark_func(p, p->hostfns[k].func, seen);
	r = seen[i];
	free(seen);
	return r;
}

bool gen_hend_any(const struct fb_plan *p)
{
	for (uint32_t i = p->nflat_elems; i < p->nelems; i++)
		if (gen_hend_elem(p, i))
			return true;
	return false;
}
