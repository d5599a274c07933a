/*
 * Resources in the store (flue/resource.h): the registry of resource
 * types and the lends of borrowed handles to calls in progress (the
 * reference's Subtask.lenders and ResourceHandle.num_lends).
 *
 * Lends are a fixed pool of records, not a list per call: a call lends
 * one handle per `borrow<R>` param, and the pool is scanned only at the
 * release of a call's lends (O(FLUE_CONFIG_MAX_LENDS), and O(1) when no
 * lend exists at all), which keeps the task record small.
 */
#include <flue/errno.h>
#include <flue/functype.h>
#include <flue/resource.h>
#include "resource.h"

/* A destructor: a function lifted for `impl` of type (u32) -> (). */
static bool dtor_ok(const struct flue_func *f, const struct flue_instance *impl)
{
	/* The reference lifts a destructor synchronously (no callback, no
	 * stack of its own): resource.drop waits for it in place. */
	if (f->inst != impl || f->ft == 0 || f->ft->nparams != 1 || f->ft->async ||
	    f->opts.kind != FLUE_LIFT_SYNC)
		return false;
	const struct flue_functype *ft = f->ft;
	if (ft->graph != 0)
		return ft->param_types != 0 && ft->result_type == 0 &&
		       ft->param_types[0] < ft->graph->nnodes &&
		       ft->graph->nodes[ft->param_types[0]].kind == FLUE_VT_U32;
	return ft->params != 0 && ft->result == 0 && ft->params[0].kind == FLUE_VAL_U32;
}

int flue_resource_type_register(struct flue_store *s, struct flue_instance *impl,
				struct flue_func *dtor, flue_rtype_t *out)
{
	if (s == 0 || out == 0 || !flue_instance_ok(impl) || impl->store != s ||
	    (dtor != 0 && !dtor_ok(dtor, impl)))
		return FLUE_EINVAL;
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_RESOURCE_TYPES; i++) {
		if (s->rtypes[i].impl != 0)
			continue;
		s->rtypes[i] = (struct flue_rtype){ impl, dtor, impl->gen };
		*out = (flue_rtype_t)(i + 1u);
		return 0;
	}
	return FLUE_ENOMEM;
}

const struct flue_rtype *flue_rtype_get(const struct flue_store *s, flue_rtype_t rt)
{
	if (s == 0 || rt == 0 || rt > FLUE_CONFIG_MAX_RESOURCE_TYPES)
		return 0;
	const struct flue_rtype *r = &s->rtypes[rt - 1u];
	return r->impl != 0 ? r : 0;
}

bool flue_rtype_impl_is(const struct flue_rtype *r, const struct flue_instance *inst)
{
	return r->impl == inst && inst->gen == r->impl_gen;
}

int flue_lend_add(struct flue_store *s, uint16_t task, uint8_t inst, uint32_t handle)
{
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_LENDS; i++) {
		struct flue_lend *l = &s->lends[i];
		if (l->task1 != 0)
			continue;
		*l = (struct flue_lend){ (uint16_t)(task + 1u), (uint16_t)handle, inst };
		s->instances[inst].handles[handle].u.res.lends++;
		s->nlends++;
		return 0;
	}
	return FLUE_ENOSPC;
}

/* Free the records `match` selects; `give_back` also returns each lend to
 * its handle (num_lends - 1). */
static void lends_free(struct flue_store *s, bool (*match)(const struct flue_lend *, uint32_t),
		       uint32_t key, bool give_back)
{
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_LENDS && s->nlends != 0; i++) {
		struct flue_lend *l = &s->lends[i];
		if (l->task1 == 0 || !match(l, key))
			continue;
		struct flue_handle *h = &s->instances[l->inst].handles[l->handle];
		if (give_back && h->kind == FLUE_H_RESOURCE && h->u.res.lends != 0)
			h->u.res.lends--;
		l->task1 = 0;
		s->nlends--;
	}
}

static bool of_task(const struct flue_lend *l, uint32_t task)
{
	return l->task1 == task + 1u;
}

static bool of_inst(const struct flue_lend *l, uint32_t inst)
{
	return l->inst == inst;
}

void flue_lends_release_all(struct flue_store *s, uint16_t task)
{
	lends_free(s, of_task, task, true);
}

void flue_lends_forget(struct flue_store *s, uint8_t inst)
{
	lends_free(s, of_inst, inst, false);
}

void flue_borrows_end(struct flue_instance *inst, uint16_t task)
{
	uint16_t *left = &inst->store->tasks[task].num_borrows;
	for (uint32_t i = 1; i < inst->len && *left != 0; i++) {
		const struct flue_handle *h = &inst->handles[i];
		if (h->kind == FLUE_H_RESOURCE && !h->u.res.own && h->u.res.scope == task) {
			flue_table_remove(inst, i);
			(*left)--;
		}
	}
}
