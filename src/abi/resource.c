/*
 * Resource built-ins: resource.new, resource.drop, resource.rep
 * (definitions.py @ 6d28164; #705: a destructor may re-enter). Checks
 * come first and in the reference's order; the reference removes the
 * handle before its checks, which no one can observe (a failed check
 * traps the instance).
 */
#include <flue/resource.h>
#include "abi.h"
#include "../obj/resource.h"
#include "val.h"

/* rt as `inst` may use it for new/rep: the type's implementation only. */
static void need_impl(struct flue_instance *inst, flue_rtype_t rt)
{
	const struct flue_rtype *r = flue_rtype_get(inst->store, rt);
	if (r == 0 || !flue_rtype_impl_is(r, inst))
		flue_trap(inst, FLUE_TRAP_NOT_IMPLEMENTER, rt);
}

uint32_t flue_canon_resource_new(struct flue_instance *inst, flue_rtype_t rt, uint32_t rep)
{
	abi_enter(inst);
	need_impl(inst, rt);
	uint32_t i = flue_table_add(inst, FLUE_H_RESOURCE);
	if (i == 0)
		flue_trap(inst, FLUE_TRAP_TABLE_FULL, 0);
	inst->handles[i].u.res = (struct flue_res){ .rep = rep, .rt = rt, .own = true };
	return i;
}

uint32_t flue_canon_resource_rep(struct flue_instance *inst, flue_rtype_t rt, uint32_t i)
{
	abi_enter_alive(inst);
	need_impl(inst, rt);
	return flue_res_at(inst, rt, i)->rep;
}

void flue_canon_resource_drop(struct flue_instance *inst, flue_rtype_t rt, uint32_t i)
{
	abi_enter(inst);
	struct flue_store *s = inst->store;
	struct flue_res r = *flue_res_at(inst, rt, i);
	if (r.lends != 0)
		flue_trap(inst, FLUE_TRAP_RESOURCE_LENT, i);
	const struct flue_rtype *t = flue_rtype_get(s, rt);
	struct flue_func *dtor = r.own && t != 0 ? t->dtor : 0;
	if (dtor != 0 && s->exec_hooks == 0)
		flue_trap(inst, FLUE_TRAP_WOULD_BLOCK, i);
	flue_table_remove(inst, i);
	if (!r.own) {
		if (s->tasks[r.scope].num_borrows != 0) /* its scope: the task it was lent to */
			s->tasks[r.scope].num_borrows--;
		return;
	}
	if (dtor != 0)
		s->exec_hooks->call_dtor(inst, dtor, r.rep);
}
