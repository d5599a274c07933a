/*
 * Graph-typed values (flue/valtype.h) at a call's start, at each of its
 * edges: guest to guest (moved), guest to a host function (checked, then
 * shown to the host as a view: flue/hval.h), host to guest (an
 * invocation's params moved from the host's arena; the host's mistake if
 * they do not fit). Calls only queue.c in exec/ (through exec.h).
 */
#include <flue/hval.h>
#include <flue/port.h>

#include "exec.h"

/* The callee's realloc for graph-typed params (val.h's form): guest code
 * of the callee, may_leave cleared around it. */
static uint32_t callee_realloc(void *ctx, uint32_t old_ptr, uint32_t old_size, uint32_t align,
			       uint32_t new_size)
{
	struct flue_task *t = ctx;
	return flue_realloc_guest(t->func->opts.realloc, t->func->opts.user, t->func->inst,
				  old_ptr, old_size, align, new_size);
}

/* The move of t's params into the callee's flat params (or memory): the
 * destination side; the source is the caller's. */
static struct flue_vmove callee_move(struct flue_store *s, struct flue_task *t, flue_flat_t *flat,
				     uint32_t *n)
{
	const struct flue_functype *ft = t->func->ft;
	struct flue_func *f = t->func;
	return (struct flue_vmove){
		.g = ft->graph, .ts = ft->param_types, .nts = ft->nparams,
		.dst = { f->inst, f->opts.realloc != 0 ? callee_realloc : 0, t,
			 f->opts.string_encoding },
		.dst_max_flat = FLUE_MAX_FLAT_PARAMS, .flat_out = flat, .nflat_out = n,
		.task = exec_id(s, t),
	};
}

/* ... from a guest caller: its flat args, or the tuple they point to, in
 * its encoding (flue_lowered). */
static struct flue_vmove caller_move(struct flue_store *s, struct flue_task *t, flue_flat_t *flat,
				     uint32_t *n)
{
	struct flue_vmove m = callee_move(s, t, flat, n);
	m.src = (struct flue_cx){ &s->instances[t->caller_inst], 0, 0,
				  t->lowered->string_encoding };
	m.src_max_flat = t->sub_async ? FLUE_MAX_FLAT_ASYNC_PARAMS : FLUE_MAX_FLAT_PARAMS;
	m.flat = t->sub_async ? t->args : t->args_ref;
	m.nflat = t->nflat;
	return m;
}

static void move_body(void *arg)
{
	flue_vals_move(arg);
}

/* An invocation's params: the host's tuple at args_ptr into the callee.
 * A host value that does not fit unwinds to here (flue_val_fail); a
 * trap of the callee (its realloc) goes on unwinding. */
static bool invoke_args(struct flue_store *s, struct flue_task *t, flue_flat_t *flat, uint32_t *n)
{
	flue_flat_t p = t->args_ptr;
	struct flue_vmove m = callee_move(s, t, flat, n);
	m.src = (struct flue_cx){ t->host, 0, 0, FLUE_STRING_UTF8 };
	m.src_max_flat = 0;
	m.flat = &p;
	m.nflat = 1;
	/* m.task: the host's borrows are lent to this call until its
	 * resolution is delivered (the task record is freed) */
	if (flue_port_try(move_body, &m) == 0)
		return true;
	if (t->func->inst->poisoned)
		flue_port_unwind();
	flue_vals_unmark(&m); /* the host's value failed a check: its handles stay */
	return false;
}

/* A host function's params that hold handles: moved into the host's
 * arena now, their handles into its table (flue_host_params() shows
 * them there, or the move's error). The task's context slots, which no
 * guest built-in reads for a host's task, keep where they went. */
static void host_take_params(struct flue_task *t, const struct flue_vmove *m)
{
	uint32_t ptr = 0;
	int rc = flue_vals_move_host(m, t->func->inst, &ptr);
	t->ctx[0] = ptr;
	t->ctx[1] = (uint32_t)-rc;
}

uint8_t exec_graph_start(struct flue_store *s, struct flue_task *t, flue_flat_t *flat, uint32_t *n)
{
	if (t->origin == FLUE_ORIGIN_INVOKE)
		return invoke_args(s, t, flat, n) ? EXEC_GS_RUN : EXEC_GS_BAD;
	/* on_start: the subtask is STARTED once the caller's values are
	 * lifted (taken), before they are lowered into the callee: a callee
	 * that traps while they are lowered (its realloc) is cancelled
	 * before returning, not before starting. */
	struct flue_vmove m = caller_move(s, t, flat, n);
	flue_vals_check(&m); /* the caller's traps */
	t->sub_state = FLUE_SUBTASK_STARTED;
	flue_subtask_progress(s, exec_id(s, t));
	if (exec_is_host(t)) {
		if (flue_functype_contains(t->func->ft, false, FLUE_TC_HANDLE))
			host_take_params(t, &m);
		return EXEC_GS_HOST; /* the host gets a view */
	}
	m.checked = true;
	flue_vals_move(&m);
	return EXEC_GS_RUN;
}

int flue_host_params(struct flue_store *s, flue_call_t call, struct flue_hvals *out)
{
	struct flue_task *t = s != 0 ? exec_call_task(s, call) : 0;
	if (t == 0 || !exec_is_host(t) || t->state == FLUE_TASK_RESOLVED ||
	    s->sched.current != flue_call_slot(call))
		return FLUE_EBADF;
	const struct flue_functype *ft = t->func->ft;
	if (out == 0 || ft->graph == 0)
		return FLUE_EINVAL;
	if (flue_functype_contains(ft, false, FLUE_TC_HANDLE)) {
		if (t->ctx[1] != 0)
			return -(int)t->ctx[1];
		flue_vals_host_view(ft->graph, ft->param_types, ft->nparams, t->func->inst,
				    t->ctx[0], out);
		return FLUE_OK;
	}
	uint32_t n;
	struct flue_vmove m = caller_move(s, t, 0, &n);
	flue_vals_view(&m, out);
	return FLUE_OK;
}
