/*
 * Lifting guest exports and host functions, and installing the executor in
 * a store (its trap and blocking services, the hooks the task built-ins
 * call). Calls sched.c and below in exec/.
 */
#include "exec.h"
#include "../abi/abi.h"

static void count_flat(struct flue_func *f)
{
	const struct flue_functype *ft = f->ft;
	uint32_t np = flue_functype_flat(ft, false);
	uint32_t nr = flue_functype_flat(ft, true);
	f->params_in_memory = np > FLUE_MAX_FLAT_PARAMS;
	f->results_in_memory = nr > FLUE_MAX_FLAT_RESULTS;
	f->nflat_params = (uint8_t)(f->params_in_memory ? 1u : np);
	f->nflat_results = (uint8_t)(f->results_in_memory ? 1u : nr);
}

int flue_lift(struct flue_func *f, struct flue_instance *inst, const struct flue_functype *ft,
	      const struct flue_lift_opts *o)
{
	if (f == 0 || inst == 0 || o == 0 || o->core == 0 || o->kind > FLUE_LIFT_STACKFUL ||
	    flue_functype_check(inst->store, ft) != FLUE_OK)
		return FLUE_EINVAL;
	if ((o->kind == FLUE_LIFT_CALLBACK) != (o->callback != 0))
		return FLUE_EINVAL;
	/* A callback loop needs the exclusive lock, which only async function
	 * types have (the reference asserts needs_exclusive there). Stackful
	 * lifts and async lowers of non-async types run as in the reference
	 * code, whose tests use them (CanonicalABI.md's validation would
	 * reject them: CONFORMANCE.md). */
	if (o->kind == FLUE_LIFT_CALLBACK && !ft->async)
		return FLUE_EINVAL;
	if (o->post_return != 0 && o->kind != FLUE_LIFT_SYNC)
		return FLUE_EINVAL;
	if (o->kind == FLUE_LIFT_STACKFUL && !flue_port_fiber_supported())
		return FLUE_ENOTSUP;
	if (o->string_encoding > FLUE_STRING_LATIN1_UTF16)
		return FLUE_EINVAL;
	struct flue_func nf = { .ft = ft, .inst = inst, .inst_gen = inst->gen, .opts = *o };
	*f = nf;
	count_flat(f);
	/* Lowering the params into the callee allocates: a spilled tuple,
	 * or strings and lists (the reference's validation requires realloc). */
	bool allocates = f->params_in_memory || flue_functype_contains(ft, false, FLUE_TC_ALLOC);
	if (allocates && o->realloc == 0) {
		f->ft = 0;
		return FLUE_EINVAL;
	}
	exec_install(inst->store);
	return FLUE_OK;
}

int flue_host_func(struct flue_func *f, struct flue_instance *host,
		   const struct flue_functype *ft, flue_host_start_fn start,
		   flue_host_cancel_fn cancel, void *user)
{
	/* A live host instance only: a destroyed one's slot may hold another
	 * instance later, and a guest instance has no arena for host values. */
	if (f == 0 || !flue_instance_ok(host) || host->host_data == 0 || start == 0 ||
	    flue_functype_check(host->store, ft) != FLUE_OK)
		return FLUE_EINVAL;
	struct flue_func nf = { .ft = ft, .inst = host, .inst_gen = host->gen,
				.host_start = start, .host_cancel = cancel, .host_user = user };
	*f = nf;
	count_flat(f);
	exec_install(host->store);
	return FLUE_OK;
}

static uint8_t block_hook(void *ctx, struct flue_instance *inst,
			  bool (*done)(struct flue_instance *, uint32_t), uint32_t arg)
{
	(void)ctx;
	struct flue_store *s = inst->store;
	struct flue_task *t = abi_current_task(inst);
	if (t == 0)
		return FLUE_BLOCK_CANNOT;
	t->done = done;
	t->arg = arg;
	(void)exec_block(s, t, done != 0 ? FLUE_COND_PRED : FLUE_COND_READY, false);
	return FLUE_BLOCK_DONE;
}

static const struct flue_exec_hooks hooks = {
	.resolve = exec_resolve, .resolve_moved = exec_resolve_moved,
	.cancel = exec_request_cancel, .call_dtor = exec_call_dtor,
	.abort = exec_abort_instance, .wake_set = exec_wake_set,
};

void exec_install(struct flue_store *s)
{
	if (s->sched.installed)
		return;
	s->sched.installed = true;
	exec_install_traps(s);
	abi_host_values_install(s);
	s->block_hook = block_hook;
	s->block_ctx = s;
	s->exec_hooks = &hooks;
}

void flue_exec_init(struct flue_store *s)
{
	exec_install(s);
}

int flue_exec_set_stack_per_task(struct flue_store *s, bool on)
{
	if (on && !flue_port_fiber_supported())
		return FLUE_ENOTSUP;
	exec_install(s);
	s->sched.stack_per_task = on;
	return FLUE_OK;
}

