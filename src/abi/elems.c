/*
 * Stream and future elements of any value type (flue/abi.h:
 * flue_type_register_value, the _opts forms of read and write): the
 * reference's ReadableBufferGuestImpl.read / WritableBufferGuestImpl.write
 * with load_list_from_valid_range and store_list_into_valid_range. Only
 * this layer can lift and lower values, so it asks the object layer what
 * the arriving op would move (flue_end_copy_meeting: nothing changes),
 * moves that many elements itself, then runs the op with the count that
 * moved whole (flue_end_copy_op, whose byte copy skips graph types).
 *
 * The op that meets a parked op runs the other instance's code inside
 * this built-in: the writer's checks (its data may be bad) and the
 * reader's realloc (guest code). The reference traps the whole store
 * there; with an executor, flue traps the instance whose code or data
 * failed, and only it (design note 5): the move runs inside a
 * flue_port_try() of its own, the elements moved whole count as copied
 * for both ends, the owns of the elements that did not move are the
 * writer's again, and a trapped peer's ends are dropped before the op is
 * asked about again (it then sees DROPPED). A trap of the caller itself
 * goes on unwinding once the count is in.
 */
#include <flue/port.h>
#include "abi.h"
#include "val.h"

/* ------------------------------------------------------------ registration */

/* enum flue_vt_kind's numbers (S8 .. F64) as enum flue_num, 0 for others. */
static uint8_t num_of(uint8_t vt)
{
	static const uint8_t map[] = {
		[FLUE_VT_S8] = FLUE_NUM_S8, [FLUE_VT_U8] = FLUE_NUM_U8,
		[FLUE_VT_S16] = FLUE_NUM_S16, [FLUE_VT_U16] = FLUE_NUM_U16,
		[FLUE_VT_S32] = FLUE_NUM_S32, [FLUE_VT_U32] = FLUE_NUM_U32,
		[FLUE_VT_S64] = FLUE_NUM_S64, [FLUE_VT_U64] = FLUE_NUM_U64,
		[FLUE_VT_F32] = FLUE_NUM_F32, [FLUE_VT_F64] = FLUE_NUM_F64,
	};
	return vt < sizeof map ? map[vt] : 0u;
}

/* The number or record-of-numbers descriptor the node is, if it is one:
 * the same type must have the same id whichever way it was registered. */
static bool as_desc(const struct flue_tgraph *g, const struct flue_tnode *n,
		    struct flue_type_desc *d)
{
	*d = (struct flue_type_desc){ 0 };
	if (num_of(n->kind) != 0) {
		d->kind = FLUE_TYPE_NUMBER;
		d->num = num_of(n->kind);
		return true;
	}
	if ((n->kind != FLUE_VT_RECORD && n->kind != FLUE_VT_TUPLE) ||
	    n->nkids > FLUE_CONFIG_MAX_TYPE_FIELDS)
		return false;
	for (uint32_t i = 0; i < n->nkids; i++) {
		uint8_t f = num_of(g->nodes[flue_tnode_kid(g, n, i)].kind);
		if (f == 0)
			return false;
		d->fields[i] = f;
	}
	d->kind = FLUE_TYPE_RECORD;
	d->nfields = (uint8_t)n->nkids;
	return true;
}

/* Every stream/future inside node t is of a registered element type.
 * Recursion bounded by the node's depth (flue_types_check). */
static bool ends_registered(const struct flue_store *s, const struct flue_tgraph *g, uint16_t t)
{
	const struct flue_tnode *n = &g->nodes[t];
	if ((n->contains & FLUE_TC_ASYNC) == 0)
		return true;
	if (n->kind == FLUE_VT_STREAM || n->kind == FLUE_VT_FUTURE)
		return n->arg <= 0xFFu && flue_type_get(s, (flue_type_t)n->arg) != 0;
	for (uint32_t i = 0; i < n->nkids; i++) {
		uint16_t k = flue_tnode_kid(g, n, i);
		if (k != FLUE_TYPE_NONE && !ends_registered(s, g, k))
			return false;
	}
	return true;
}

int flue_type_register_value(struct flue_store *s, const struct flue_tgraph *g, uint16_t node,
			     flue_type_t *out)
{
	if (s == 0 || out == 0 || flue_types_check(g) != 0 || node >= g->nnodes)
		return FLUE_EINVAL;
	const struct flue_tnode *n = &g->nodes[node];
	if ((n->contains & FLUE_TC_BORROW) != 0)
		return FLUE_EINVAL; /* the reference's validation: no borrow in elements */
	if (!ends_registered(s, g, node))
		return FLUE_EINVAL;
	struct flue_type_desc d;
	if (as_desc(g, n, &d))
		return flue_type_register(s, &d, out);
	for (uint32_t i = 0; i < s->ntypes; i++) {
		const struct flue_type_info *t = &s->types[i];
		const struct flue_type_graph *tg = &s->type_graphs[i];
		if (t->desc.kind == FLUE_TYPE_GRAPH &&
		    flue_types_equal(tg->graph, &tg->node, g, &node)) {
			*out = (flue_type_t)(i + 1u);
			return FLUE_OK;
		}
	}
	return flue_type_add_graph(s, g, node, n->size, n->align, out);
}

/* -------------------------------------------------------------- the move */

/* One op's move of elements: what became of it. */
struct emove {
	struct flue_elems e;
	struct flue_cx src, dst;
	struct flue_cx_opts sr, dr;
	uint32_t done;
	bool failed; /* the move stopped short (a trap, or a host's failure) */
};

static void move_body(void *arg)
{
	struct emove *m = arg;
	flue_vals_move_elems(&m->e, &m->done);
}

static void unmark_body(void *arg)
{
	struct emove *m = arg;
	/* Into a host nothing was freed (all or none); into a guest, the
	 * element that was moving when it trapped is gone. */
	bool host = m->e.dst->inst->host_data != 0;
	flue_vals_unmark_elems(&m->e, host ? 0u : m->done + 1u);
}

/* Only the executor's trap hook unwinds to the innermost flue_port_try()
 * (flue/exec.h); an embedder's own hook may longjmp past a frame of ours
 * or halt, so without an executor a trap inside the move is any trap. */
static bool contained(const struct flue_store *s)
{
	return s->exec_hooks != 0;
}

/* Lift and lower the elements the meeting moves: the arriving op's buffer
 * (ptr, options o) and the parked op's (po). Returns how many moved whole;
 * a trap is caught under an executor, and the owns of the elements that
 * did not move are given back to the writer. */
static uint32_t move_elems(struct emove *m, const struct flue_copy_meet *c,
			   const struct flue_type_graph *tg, uint32_t ptr,
			   const struct flue_string_opts *o, const struct flue_string_opts *po)
{
	struct flue_instance *w = c->reading ? c->peer : c->inst;
	struct flue_instance *r = c->reading ? c->inst : c->peer;
	m->src = flue_cx_of(w, c->reading ? po : o, &m->sr);
	m->dst = flue_cx_of(r, c->reading ? o : po, &m->dr);
	m->e = (struct flue_elems){ tg->graph, tg->node, &m->src, &m->dst,
				    c->reading ? c->pptr : ptr, c->reading ? ptr : c->pptr,
				    c->count };
	m->done = 0;
	m->failed = false;
	if (!contained(c->inst->store)) {
		move_body(m); /* a trap goes to the embedder's hook */
		return m->done;
	}
	m->failed = flue_port_try(move_body, m) != 0;
	if (m->failed && !w->poisoned)
		(void)flue_port_try(unmark_body, m); /* the reader failed */
	return m->done;
}

/* A host's part of a meeting failed without a trap (its allocator gave
 * no room, or the buffer of its parked write no longer passes): a parked
 * host op is cancelled (the host sees CANCELLED), and the arriving op
 * goes on against nothing; an arriving host op gets FLUE_ENOMEM, nothing
 * changed (its own data was checked before: flue/host.h). */
static int host_failed(struct flue_store *s, const struct flue_copy_meet *c, uint16_t si)
{
	if (c->peer->host_data == 0)
		return FLUE_ENOMEM;
	const struct flue_shared *sh = &s->shared[si];
	flue_end_cancel(c->peer, c->reading ? sh->writer_handle : sh->reader_handle);
	return FLUE_OK;
}

/* An instance that trapped inside another's built-in (or a poisoned one
 * met without an executor): its tasks end and its ends are dropped, so its
 * peers see DROPPED (design note 5). */
static void fail_peer(struct flue_store *s, struct flue_instance *x)
{
	if (s->exec_hooks != 0)
		s->exec_hooks->abort(s, x);
	else
		flue_instance_drop_ends(x);
}

/* The caller trapped during the move: the hook unwound to the move's
 * frame; go on to the frame it was meant for (or, with none, raise it
 * again for the hook to end). */
static _Noreturn void go_on_unwinding(struct flue_instance *inst)
{
	if (flue_port_in_try())
		flue_port_unwind();
	flue_trap(inst, (enum flue_trap_reason)inst->trap_reason, inst->trap_handle);
}

/* flue only, after the reference's checks: a graph type's options must
 * name an encoding, and a read whose elements need memory allocated a
 * realloc (the reference's validation; flue sees the options only now). */
static void check_value_opts(struct flue_instance *inst, const struct flue_type_graph *tg,
			     const struct flue_string_opts *o, bool reading, uint32_t idx)
{
	if (o != 0 && o->string_encoding > FLUE_STRING_LATIN1_UTF16)
		flue_trap(inst, FLUE_TRAP_BAD_VALUE, idx);
	if (reading && (tg->graph->nodes[tg->node].contains & FLUE_TC_ALLOC) != 0 &&
	    (o == 0 || o->realloc == 0))
		flue_trap(inst, FLUE_TRAP_NO_REALLOC, idx);
}

int abi_copy_values(struct flue_instance *inst, uint32_t idx, const struct flue_copy_args *args,
		    uint32_t ptr, uint32_t n, const struct flue_string_opts *o,
		    struct flue_event *now)
{
	struct flue_store *s = inst->store;
	const struct flue_type_graph *tg = &s->type_graphs[args->t - s->types];
	uint16_t si = inst->handles[idx].u.end.shared;
	uint8_t kind = inst->handles[idx].kind;
	bool reading = flue_kind_is_readable_end(kind);
	check_value_opts(inst, tg, o, reading, idx);
	struct emove m;
	struct flue_copy_meet c;
	for (;;) {
		int rc = flue_end_copy_meeting(inst, idx, n, args, &c);
		if (rc != FLUE_OK)
			return rc;
		if (c.count == 0)
			break;
		uint32_t k = c.peer->poisoned ? 0u : move_elems(&m, &c, tg, ptr, o, s->parked_opts[si]);
		/* Whatever moved whole counts for both ends; then a trap of the
		 * caller goes on, a trapped peer's ends are dropped (then an op
		 * that moved nothing is made again against what is left). */
		if (k != 0)
			rc = flue_end_copy_op(inst, idx, ptr, k, args, now);
		if (inst->poisoned)
			go_on_unwinding(inst);
		if (c.peer->poisoned)
			fail_peer(s, c.peer);
		if (k != 0)
			return rc;
		/* Nobody trapped, yet nothing moved: a host failed. */
		if (c.count != 0 && !c.peer->poisoned && m.failed &&
		    (rc = host_failed(s, &c, si)) != FLUE_OK)
			return rc;
	}
	int rc = flue_end_copy_op(inst, idx, ptr, n, args, now);
	/* An op that parked keeps its options for the op that meets it (the
	 * shared object holds no pointer; flue/config.h). */
	if (rc == FLUE_OK && s->shared[si].pending == (reading ? FLUE_SIDE_READER : FLUE_SIDE_WRITER))
		s->parked_opts[si] = o;
	return rc;
}
