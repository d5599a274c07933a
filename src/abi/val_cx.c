/*
 * The lift/lower context's memory and realloc (val.h), shared by the value
 * walker (val_move.c) and the strings (val_string.c): a guest range
 * resolved now or a trap, and realloc's call and the checks of what it
 * returned, with the reference's trap reasons.
 */
#include "abi.h"
#include <flue/port.h>
#include "val.h"

_Noreturn void flue_val_fail(struct flue_instance *inst, enum flue_trap_reason r, uint32_t arg)
{
	/* A host's values are the host's mistake, not a guest's trap: the
	 * host edge (exec/) catches this and answers with an error. (Outside
	 * any try frame, e.g. a built-in a host misused, it traps as ever.) */
	if (inst->host_data != 0 && flue_port_in_try())
		flue_port_unwind();
	flue_trap(inst, r, arg);
}

uint8_t *flue_cx_range(struct flue_instance *inst, uint32_t ptr, uint64_t bytes)
{
	uint8_t *p = flue_mem_range(inst, ptr, bytes);
	if (p == 0)
		flue_val_fail(inst, flue_instance_has_memory(inst) ? FLUE_TRAP_OUT_OF_BOUNDS
								    : FLUE_TRAP_NO_MEMORY, ptr);
	return p;
}

uint32_t flue_cx_realloc(const struct flue_cx *cx, uint32_t old_ptr, uint32_t old_size,
			 uint32_t align, uint32_t new_size)
{
	if (cx->realloc == 0)
		flue_val_fail(cx->inst, FLUE_TRAP_NO_REALLOC, 0);
	return cx->realloc(cx->realloc_ctx, old_ptr, old_size, align, new_size);
}

void flue_cx_need(const struct flue_cx *cx, uint32_t ptr, uint32_t align, uint64_t bytes)
{
	if (ptr % align != 0)
		flue_val_fail(cx->inst, FLUE_TRAP_REALLOC_MISALIGNED, ptr);
	if (flue_mem_range(cx->inst, ptr, bytes) == 0)
		flue_val_fail(cx->inst, flue_instance_has_memory(cx->inst)
						? FLUE_TRAP_REALLOC_OUT_OF_BOUNDS
						: FLUE_TRAP_NO_MEMORY, ptr);
}

uint32_t flue_realloc_guest(flue_realloc_fn fn, void *user, struct flue_instance *x,
			    uint32_t old_ptr, uint32_t old_size, uint32_t align, uint32_t new_size)
{
	/* The reference runs realloc as a task of its own, whose context
	 * starts at 0 and is gone after it: context.get/set inside it use the
	 * store's realloc context (abi/task.c), whatever task runs. A trap
	 * inside leaves realloc_inst set, but x is poisoned then, and a later
	 * instance in its slot is cleared of it when created (obj/store.c). */
	struct flue_store *s = x->store;
	s->realloc_inst = x;
	s->realloc_ctx[0] = 0, s->realloc_ctx[1] = 0;
	x->may_leave = false;
	uint32_t p = fn(user, x, old_ptr, old_size, align, new_size);
	x->may_leave = true;
	s->realloc_inst = 0;
	return p;
}

/* The built-in's realloc, may_leave cleared around it (#705). */
static uint32_t opts_realloc(void *ctx, uint32_t old_ptr, uint32_t old_size, uint32_t align,
			     uint32_t new_size)
{
	struct flue_cx_opts *r = ctx;
	return flue_realloc_guest(r->o->realloc, r->o->user, r->inst, old_ptr, old_size, align,
				  new_size);
}

struct flue_cx flue_cx_of(struct flue_instance *inst, const struct flue_string_opts *o,
			  struct flue_cx_opts *r)
{
	*r = (struct flue_cx_opts){ o, inst };
	bool has = o != 0 && o->realloc != 0;
	return (struct flue_cx){ inst, has ? opts_realloc : 0, r,
				 o != 0 ? o->string_encoding : (uint8_t)FLUE_STRING_UTF8 };
}

struct flue_cx flue_cx_host(struct flue_instance *host, struct flue_cx_opts *r)
{
	const struct flue_string_opts *o = &host->store->host_opts[host->id];
	return flue_cx_of(host, o->realloc != 0 ? o : 0, r);
}
