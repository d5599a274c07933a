/*
 * Task-model decisions (flue/task_decide.h) against oracles written from the
 * Component Model reference (definitions.py @ 14087d73; #723 for the
 * resume of an async subtask.cancel). Each oracle replays
 * the reference's steps on a small model of the state it touches (the
 * instance's counters, Task.State, Subtask.State) and records what the
 * reference did: which trap_if fired, which state it stored, whether a
 * thread waits or resumes. The expected decision is read off that record.
 * Task.State is numbered 1..5 in the reference and 0..4 in flue; Subtask
 * states are the same numbers. States the reference cannot reach (it has an
 * assert there) are expected as the header documents them.
 *
 * Every boolean combination and every state value 0..255 is checked, every
 * backpressure counter, the callback decode over edges, the low 12 bits
 * exhaustively and random points of the full u32 range; then one named test
 * per scenario of digest §4.3 / §4.6.
 */
#include "ftest.h"
#include <flue/task_decide.h>

static bool bit(uint32_t mask, uint32_t i) { return ((mask >> i) & 1u) != 0u; }

/* ------------------------------------------------------------ entry gate */

struct ref_inst {
	uint32_t backpressure;
	bool exclusive_held;
	uint32_t num_waiting_to_enter;
};

/* What Task.enter_implicit_thread did on arrival. */
enum ref_entry { REF_BARGED, REF_WAITING, REF_ENTERED };

/* has_backpressure(): explicit, or implicit (needs_exclusive() and
 * exclusive_thread is not None). */
static bool ref_has_backpressure(const struct ref_inst *inst, bool needs_exclusive)
{
	return inst->backpressure > 0u || (needs_exclusive && inst->exclusive_held);
}

static enum ref_entry ref_enter_implicit_thread(struct ref_inst *inst, bool ft_async,
						bool needs_exclusive)
{
	if (!ft_async) {
		return REF_BARGED; /* `if self.ft.async_:` is skipped entirely */
	}
	if (ref_has_backpressure(inst, needs_exclusive) || inst->num_waiting_to_enter > 0u) {
		if (inst->num_waiting_to_enter < UINT32_MAX)
			inst->num_waiting_to_enter += 1u;
		/* wait_until(lambda: not has_backpressure(), cancellable=True):
		 * the deterministic profile always parks here. */
		return REF_WAITING;
	}
	if (needs_exclusive) {
		FT_FALSE(inst->exclusive_held); /* assert(exclusive_thread is None) */
		inst->exclusive_held = true;
	}
	return REF_ENTERED;
}

static struct flue_gate_view gview(bool async_typed, bool needs_exclusive,
				   uint16_t backpressure, bool held, uint32_t waiting)
{
	struct flue_gate_view v;
	v.async_typed = async_typed;
	v.needs_exclusive = needs_exclusive;
	v.backpressure = backpressure;
	v.exclusive_held = held;
	v.waiting_to_enter = waiting;
	return v;
}

static const uint32_t k_waiting[] = { 0u, 1u, 2u, 0x7FFFFFFFu, UINT32_MAX };
#define N_WAITING (sizeof k_waiting / sizeof k_waiting[0])

/* Backpressure values for the gate: 0..257 and the top of the range. */
static uint16_t gate_bp(uint32_t i)
{
	static const uint16_t top[] = { 32767u, 32768u, 65534u, 65535u };
	return i < 258u ? (uint16_t)i : top[i - 258u];
}
#define N_GATE_BP 262u

FT_TEST(gate_arrive_every_case)
{
	uint32_t checked = 0u;
	for (uint32_t flags = 0u; flags < 8u; flags++)
	for (uint32_t b = 0u; b < N_GATE_BP; b++)
	for (uint32_t w = 0u; w < N_WAITING; w++) {
		bool async_typed = bit(flags, 0u), needs = bit(flags, 1u), held = bit(flags, 2u);
		struct ref_inst inst = { gate_bp(b), held, k_waiting[w] };
		uint8_t got = flue_gate_arrive_decide(
			gview(async_typed, needs, gate_bp(b), held, k_waiting[w]));
		FT_TRUE(got <= FLUE_GATE_HOLD);
		switch (ref_enter_implicit_thread(&inst, async_typed, needs)) {
		case REF_BARGED:
			FT_EQ(got, FLUE_GATE_BARGE_IN);
			break;
		case REF_WAITING:
			FT_EQ(got, FLUE_GATE_HOLD);
			break;
		case REF_ENTERED:
			FT_EQ(got, FLUE_GATE_ENTER);
			break;
		}
		checked++;
	}
	FT_EQ(checked, 8u * N_GATE_BP * N_WAITING);
}

FT_TEST(gate_admit_every_case)
{
	for (uint32_t flags = 0u; flags < 8u; flags++)
	for (uint32_t b = 0u; b < N_GATE_BP; b++)
	for (uint32_t w = 0u; w < N_WAITING; w++) {
		bool async_typed = bit(flags, 0u), needs = bit(flags, 1u), held = bit(flags, 2u);
		struct ref_inst inst = { gate_bp(b), held, k_waiting[w] };
		struct flue_gate_view v = gview(async_typed, needs, gate_bp(b), held, k_waiting[w]);
		/* The held thread's ready_func: not has_backpressure(). The queue
		 * length (residual) is not part of it. */
		bool expected = !ref_has_backpressure(&inst, needs);
		FT_EQ(flue_gate_admit_decide(v), expected);
		/* An async call entering now would also be admitted if held. */
		if (flue_gate_arrive_decide(v) == FLUE_GATE_ENTER)
			FT_TRUE(flue_gate_admit_decide(v));
		/* Held with nobody queued: exactly when it may not be admitted. */
		if (async_typed && k_waiting[w] == 0u)
			FT_EQ(flue_gate_arrive_decide(v) == FLUE_GATE_HOLD,
			      !flue_gate_admit_decide(v));
	}
}

/* --------------------------------------------------------- callback code */

/* unpack_callback_result: code = packed & 0xf; trap_if(code > MAX);
 * waitable_set_index = packed >> 4. */
static void check_callback(uint32_t packed)
{
	uint32_t code = packed & 0xFu;
	uint32_t si = packed >> 4;
	struct flue_callback_decision d = flue_callback_decide(packed);
	FT_TRUE(d.action <= FLUE_CB_TRAP);
	if (code > 2u) {
		FT_EQ(d.action, FLUE_CB_TRAP);
	} else if (code == 0u) {
		FT_EQ(d.action, FLUE_CB_EXIT);
	} else if (code == 1u) {
		FT_EQ(d.action, FLUE_CB_YIELD);
	} else {
		FT_EQ(d.action, FLUE_CB_WAIT);
	}
	FT_EQ(d.set, si);
	FT_TRUE(d.set < (1u << 28));
}

FT_TEST(callback_edges)
{
	static const uint32_t edges[] = {
		0u, 1u, 2u, 3u, 4u, 15u, 16u, 17u, 18u, 19u, 31u, 32u,
		0x0FFFFFFFu, 0x10000000u, 0x7FFFFFFFu, 0x80000000u,
		0xFFFFFFF0u, 0xFFFFFFF1u, 0xFFFFFFF2u, 0xFFFFFFF3u, 0xFFFFFFFEu, 0xFFFFFFFFu,
	};
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
		check_callback(edges[i]);
	struct flue_callback_decision d = flue_callback_decide(0u);
	FT_EQ(d.action, FLUE_CB_EXIT);
	FT_EQ(d.set, 0u);
	d = flue_callback_decide(15u);
	FT_EQ(d.action, FLUE_CB_TRAP);
	FT_EQ(d.set, 0u);
	d = flue_callback_decide(16u);
	FT_EQ(d.action, FLUE_CB_EXIT); /* high bits ignored for EXIT, no trap */
	FT_EQ(d.set, 1u);
	d = flue_callback_decide(0xFFFFFFFFu);
	FT_EQ(d.action, FLUE_CB_TRAP);
	FT_EQ(d.set, 0x0FFFFFFFu);
}

FT_TEST(callback_low_12_bits_exhaustive)
{
	for (uint32_t p = 0u; p < 4096u; p++) {
		check_callback(p);
		check_callback(p | 0xFFFFF000u);
		check_callback(p << 20);
	}
}

FT_TEST(callback_random_full_range)
{
	uint32_t s = 0x7A5Cu;
	for (int i = 0; i < 20000; i++)
		check_callback(ft_rand(&s));
}

/* ---------------------------------------------------------- backpressure */

/* What canon_backpressure_inc/dec did: the new (Python, unbounded) value
 * and whether trap_if fired. */
struct ref_bp {
	int32_t value;
	bool trapped;
};

static struct ref_bp ref_bp_inc(uint16_t counter)
{
	struct ref_bp r = { (int32_t)counter, false };
	r.value += 1;                    /* inst.backpressure += 1 */
	r.trapped = r.value == 65536;    /* trap_if(inst.backpressure == 2**16) */
	return r;
}

static struct ref_bp ref_bp_dec(uint16_t counter)
{
	struct ref_bp r = { (int32_t)counter, false };
	r.value -= 1;                    /* inst.backpressure -= 1 */
	r.trapped = r.value < 0;         /* trap_if(inst.backpressure < 0) */
	return r;
}

FT_TEST(bp_inc_every_counter)
{
	for (uint32_t c = 0u; c <= 0xFFFFu; c++) {
		struct ref_bp r = ref_bp_inc((uint16_t)c);
		struct flue_bp_decision d = flue_bp_inc_decide((uint16_t)c);
		if (r.trapped) {
			FT_EQ(d.action, FLUE_BP_OVERFLOW);
			FT_EQ(d.value, c); /* instance poisoned; counter left as is */
		} else {
			FT_EQ(d.action, FLUE_BP_OK);
			FT_EQ(d.value, (uint32_t)r.value);
		}
		FT_EQ(d.action == FLUE_BP_OVERFLOW, c == 65535u);
	}
}

FT_TEST(bp_dec_every_counter)
{
	for (uint32_t c = 0u; c <= 0xFFFFu; c++) {
		struct ref_bp r = ref_bp_dec((uint16_t)c);
		struct flue_bp_decision d = flue_bp_dec_decide((uint16_t)c);
		if (r.trapped) {
			FT_EQ(d.action, FLUE_BP_UNDERFLOW);
			FT_EQ(d.value, c);
		} else if (r.value == 0) {
			/* Explicit backpressure is gone: held calls become ready. */
			FT_EQ(d.action, FLUE_BP_OPENED);
			FT_EQ(d.value, 0u);
		} else {
			FT_EQ(d.action, FLUE_BP_OK);
			FT_EQ(d.value, (uint32_t)r.value);
		}
		FT_EQ(d.action == FLUE_BP_UNDERFLOW, c == 0u);
		FT_EQ(d.action == FLUE_BP_OPENED, c == 1u);
	}
}

FT_TEST(bp_inc_then_dec_restores_every_counter)
{
	for (uint32_t c = 0u; c < 0xFFFFu; c++) {
		struct flue_bp_decision up = flue_bp_inc_decide((uint16_t)c);
		FT_EQ(up.action, FLUE_BP_OK);
		struct flue_bp_decision down = flue_bp_dec_decide(up.value);
		FT_EQ(down.value, c);
		FT_EQ(down.action, c == 0u ? FLUE_BP_OPENED : FLUE_BP_OK);
	}
}

/* -------------------------------------------------------------- subtasks */

/* canon_lower's on_resolve(result) on a subtask in `state`. Returns false
 * where the reference would fail an assert (unreachable); *out is then
 * the state unchanged, as the header documents. */
static bool ref_on_resolve(uint8_t state, bool has_value, uint8_t *out)
{
	*out = state;
	if (state != FLUE_SUBTASK_STARTING && state != FLUE_SUBTASK_STARTED)
		return false; /* subtask.resolve: assert(not self.resolved()) */
	if (!has_value) {
		if (state == FLUE_SUBTASK_STARTING)
			*out = FLUE_SUBTASK_CANCELLED_BEFORE_STARTED;
		else
			*out = FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED;
		return true;
	}
	if (state != FLUE_SUBTASK_STARTED)
		return false; /* assert(subtask.state == STARTED) */
	*out = FLUE_SUBTASK_RETURNED;
	return true;
}

FT_TEST(subtask_resolve_every_state)
{
	uint32_t reachable = 0u;
	for (uint32_t s = 0u; s < 256u; s++)
	for (uint32_t hv = 0u; hv < 2u; hv++) {
		uint8_t expected;
		bool ok = ref_on_resolve((uint8_t)s, hv != 0u, &expected);
		uint8_t got = flue_subtask_resolve_decide((uint8_t)s, hv != 0u);
		FT_EQ(got, expected);
		if (s <= FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED)
			FT_TRUE(got <= FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED);
		if (ok) {
			reachable++;
			FT_TRUE(got >= FLUE_SUBTASK_RETURNED); /* resolved() now */
		}
	}
	FT_EQ(reachable, 3u);
}

/* canon_subtask_cancel's checks, in order (@14087d73: #715 made the set
 * check apply to the async form too). */
static uint8_t ref_subtask_cancel(bool resolve_delivered, bool cancel_requested,
				  bool in_set, bool resolved)
{
	if (resolve_delivered)          /* trap_if(subtask.resolve_delivered()) */
		return FLUE_SC_TRAP_DELIVERED;
	if (cancel_requested)           /* trap_if(subtask.cancellation_requested) */
		return FLUE_SC_TRAP_TWICE;
	if (in_set)                     /* trap_if(subtask.in_waitable_set()) */
		return FLUE_SC_TRAP_IN_SET;
	if (resolved)                   /* skip the request; get the pending event */
		return FLUE_SC_CONSUME;
	return FLUE_SC_REQUEST;         /* cancellation_requested = True; on_cancel */
}

FT_TEST(subtask_cancel_every_case)
{
	for (uint32_t f = 0u; f < 16u; f++) {
		uint8_t got = flue_subtask_cancel_decide(bit(f, 0u), bit(f, 1u), bit(f, 2u),
							 bit(f, 3u));
		FT_EQ(got, ref_subtask_cancel(bit(f, 0u), bit(f, 1u), bit(f, 2u), bit(f, 3u)));
		FT_TRUE(got <= FLUE_SC_REQUEST);
	}
}

/* #723: the resume of an async subtask.cancel whose request left the callee
 * unresolved; flue's deterministic rule (task_decide.h). */
FT_TEST(cancel_resume_every_case)
{
	FT_EQ(flue_cancel_resume_decide(true, true), FLUE_CR_TARGET);
	FT_EQ(flue_cancel_resume_decide(true, false), FLUE_CR_TARGET);
	FT_EQ(flue_cancel_resume_decide(false, true), FLUE_CR_OLDEST);
	FT_EQ(flue_cancel_resume_decide(false, false), FLUE_CR_NONE);
}

/* canon_lower, async: [RETURNED] if resolved, else
 * [subtask.state | (subtaski << 4)]. */
static uint32_t ref_lower_status(bool resolved, uint8_t state, uint32_t index)
{
	if (resolved)
		return FLUE_SUBTASK_RETURNED;
	return (uint32_t)state | (index << 4);
}

FT_TEST(lower_status_every_state_and_edge_index)
{
	static const uint32_t idx[] = { 1u, 2u, 15u, 16u, 17u, 255u, 0x00FFFFFFu,
					0x0FFFFFFEu, 0x0FFFFFFFu };
	for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++) {
		for (uint32_t s = 0u; s < 256u; s++) {
			/* Resolved before returning: exactly 2, whatever else. */
			FT_EQ(flue_lower_status_decide(true, (uint8_t)s, idx[i]), 2u);
			FT_EQ(flue_lower_status_decide(true, (uint8_t)s, UINT32_MAX), 2u);
		}
		for (uint32_t s = 0u; s <= FLUE_SUBTASK_STARTED; s++) {
			uint32_t got = flue_lower_status_decide(false, (uint8_t)s, idx[i]);
			FT_EQ(got, ref_lower_status(false, (uint8_t)s, idx[i]));
			FT_EQ(got & 0xFu, s);
			FT_EQ(got >> 4, idx[i]);
			FT_NE(got, 2u);
			FT_NE(got, 0xFFFFFFFFu); /* never BLOCKED */
		}
	}
}

FT_TEST(lower_status_random_indices)
{
	uint32_t s = 0x10E5u;
	for (int i = 0; i < 5000; i++) {
		uint32_t r = ft_rand(&s);
		uint32_t index = (r >> 4) == 0u ? 1u : (r >> 4); /* 1 .. 2^28-1 */
		uint8_t state = (uint8_t)(r & 1u);
		uint32_t got = flue_lower_status_decide(false, state, index);
		FT_EQ(got, ref_lower_status(false, state, index));
		FT_EQ(flue_lower_status_decide(true, state, index), 2u);
	}
}

/* ---------------------------------------------------------- cancellation */

/* What Task.request_cancellation did (@14087d73). `asserted` marks the
 * assert(state == STARTED) the reference has for every other state. */
struct ref_request {
	uint8_t new_state;
	bool resumed;   /* the implicit thread held at the entry gate was resumed */
	bool asserted;
};

static struct ref_request ref_request_cancellation(uint8_t state)
{
	struct ref_request r = { state, false, false };
	if (state == FLUE_TASK_INITIAL) {
		/* PENDING_CANCEL, then the gate-held thread resumes, delivers
		 * it (CANCEL_DELIVERED) and calls task.cancel (RESOLVED). */
		r.new_state = FLUE_TASK_RESOLVED;
		r.resumed = true;
		return r;
	}
	if (state != FLUE_TASK_STARTED) {
		r.asserted = true;
		return r;
	}
	r.new_state = FLUE_TASK_PENDING_CANCEL; /* no eager resume any more */
	return r;
}

FT_TEST(cancel_request_every_state)
{
	for (uint32_t s = 0u; s < 256u; s++) {
		struct ref_request r = ref_request_cancellation((uint8_t)s);
		uint8_t got = flue_cancel_request_decide((uint8_t)s);
		FT_TRUE(got <= FLUE_CANCEL_IGNORE);
		if (r.asserted) {
			FT_EQ(got, FLUE_CANCEL_IGNORE);
		} else if (r.resumed) {
			FT_EQ(got, FLUE_CANCEL_BEFORE_START);
			FT_EQ(r.new_state, FLUE_TASK_RESOLVED);
		} else {
			FT_EQ(got, FLUE_CANCEL_PEND);
			FT_EQ(r.new_state, FLUE_TASK_PENDING_CANCEL);
		}
	}
}

FT_TEST(cancel_deliver_every_state)
{
	for (uint32_t s = 0u; s < 256u; s++)
	for (uint32_t c = 0u; c < 2u; c++) {
		/* deliver_pending_cancel at a delivery point */
		bool expected = c != 0u && s == FLUE_TASK_PENDING_CANCEL;
		FT_EQ(flue_cancel_deliver_decide((uint8_t)s, c != 0u), expected);
	}
	FT_EQ(flue_lower_status_decide(false, FLUE_SUBTASK_STARTING, 1u), 0x10u);
	FT_EQ(flue_lower_status_decide(false, FLUE_SUBTASK_STARTED, 1u), 0x11u);
	FT_EQ(flue_lower_status_decide(false, FLUE_SUBTASK_STARTED, 0x0FFFFFFFu), 0xFFFFFFF1u);
}

/* canon_lift's callback loop: YIELD waits for `exclusive_thread is None`;
 * WAIT is wait_from_callback's ready(): lock free and (event or pending
 * cancel) (#707). */
static bool ref_callback_ready(uint8_t action, bool lock_free, bool event, uint8_t state)
{
	if (action == FLUE_CB_YIELD)
		return lock_free;
	if (action == FLUE_CB_WAIT)
		return lock_free && (event || state == FLUE_TASK_PENDING_CANCEL);
	return false;
}

FT_TEST(callback_ready_every_case)
{
	for (uint32_t a = 0u; a < 256u; a++)
	for (uint32_t s = 0u; s < 256u; s++)
	for (uint32_t f = 0u; f < 4u; f++) {
		bool got = flue_callback_ready_decide((uint8_t)a, bit(f, 0u), bit(f, 1u),
						      (uint8_t)s);
		FT_EQ(got, ref_callback_ready((uint8_t)a, bit(f, 0u), bit(f, 1u), (uint8_t)s));
	}
	/* #707: a pending cancel wakes a WAIT on an empty set once the lock frees. */
	FT_FALSE(flue_callback_ready_decide(FLUE_CB_WAIT, false, false, FLUE_TASK_PENDING_CANCEL));
	FT_TRUE(flue_callback_ready_decide(FLUE_CB_WAIT, true, false, FLUE_TASK_PENDING_CANCEL));
	FT_FALSE(flue_callback_ready_decide(FLUE_CB_WAIT, true, false, FLUE_TASK_STARTED));
}

/* canon_lift of a non-async type: candidates = every ready thread of the
 * instance (#705 dropped `t is not inst.exclusive_thread`); flue's single
 * stack cannot resume one blocked deeper on it. */
FT_TEST(nested_candidates_include_the_lock_holder)
{
	FT_TRUE(flue_nested_candidate_decide(true, false));
	FT_FALSE(flue_nested_candidate_decide(true, true));
	FT_FALSE(flue_nested_candidate_decide(false, false));
	FT_FALSE(flue_nested_candidate_decide(false, true));
}

/* Ready order (docs/EXECUTOR.md): a newly true condition takes the next
 * stamp, a condition that stopped holding before the task ran loses it. */
FT_TEST(ready_mark_stamps_and_unstamps)
{
	FT_EQ(flue_ready_mark_decide(true, false), FLUE_READY_STAMP);
	FT_EQ(flue_ready_mark_decide(false, true), FLUE_READY_UNSTAMP);
	FT_EQ(flue_ready_mark_decide(true, true), FLUE_READY_KEEP);
	FT_EQ(flue_ready_mark_decide(false, false), FLUE_READY_KEEP);
}


static const uint32_t k_borrows[] = { 0u, 1u, 2u, 0xFFFFu, UINT32_MAX };
#define N_BORROWS (sizeof k_borrows / sizeof k_borrows[0])

FT_TEST(task_return_every_state)
{
	for (uint32_t s = 0u; s < 256u; s++)
	for (uint32_t b = 0u; b < N_BORROWS; b++) {
		uint8_t expected;
		if (s == FLUE_TASK_RESOLVED)            /* trap_if(state == RESOLVED) */
			expected = FLUE_RESOLVE_TRAP_RESOLVED;
		else if (k_borrows[b] > 0u)             /* trap_if(num_borrows > 0) */
			expected = FLUE_RESOLVE_TRAP_BORROWS;
		else
			expected = FLUE_RESOLVE_OK;
		uint8_t got = flue_task_return_decide((uint8_t)s, k_borrows[b]);
		FT_EQ(got, expected);
		FT_TRUE(got <= FLUE_RESOLVE_TRAP_BORROWS);
	}
}

FT_TEST(task_cancel_every_state)
{
	for (uint32_t s = 0u; s < 256u; s++)
	for (uint32_t b = 0u; b < N_BORROWS; b++) {
		uint8_t expected;
		if (s != FLUE_TASK_CANCEL_DELIVERED)   /* trap_if(state != CANCEL_DELIVERED) */
			expected = FLUE_RESOLVE_TRAP_RESOLVED;
		else if (k_borrows[b] > 0u)            /* trap_if(num_borrows > 0) */
			expected = FLUE_RESOLVE_TRAP_BORROWS;
		else
			expected = FLUE_RESOLVE_OK;
		uint8_t got = flue_task_cancel_decide((uint8_t)s, k_borrows[b]);
		FT_EQ(got, expected);
		FT_TRUE(got <= FLUE_RESOLVE_TRAP_BORROWS);
	}
}

/* ------------------------------------------------------ named scenarios */

FT_TEST(sync_typed_call_barges_in_past_backpressure_and_lock)
{
	FT_EQ(flue_gate_arrive_decide(gview(false, false, 7u, true, 3u)), FLUE_GATE_BARGE_IN);
	FT_EQ(flue_gate_arrive_decide(gview(false, false, 0u, false, 0u)), FLUE_GATE_BARGE_IN);
}

FT_TEST(stackful_async_ignores_the_lock_but_not_backpressure)
{
	/* async lift without callback: needs_exclusive is false. */
	FT_EQ(flue_gate_arrive_decide(gview(true, false, 0u, true, 0u)), FLUE_GATE_ENTER);
	FT_EQ(flue_gate_arrive_decide(gview(true, false, 1u, false, 0u)), FLUE_GATE_HOLD);
}

FT_TEST(callback_lifted_call_is_held_while_the_lock_is_held)
{
	FT_EQ(flue_gate_arrive_decide(gview(true, true, 0u, true, 0u)), FLUE_GATE_HOLD);
	FT_FALSE(flue_gate_admit_decide(gview(true, true, 0u, true, 1u)));
	/* The lock is released: the held call may enter (and takes the lock). */
	FT_TRUE(flue_gate_admit_decide(gview(true, true, 0u, false, 1u)));
}

FT_TEST(residual_backpressure_holds_newcomers_not_the_queue)
{
	/* Someone is queued and nothing else holds: a newcomer queues too,
	 * while the queued call itself is admissible. */
	struct flue_gate_view v = gview(true, true, 0u, false, 1u);
	FT_EQ(flue_gate_arrive_decide(v), FLUE_GATE_HOLD);
	FT_TRUE(flue_gate_admit_decide(v));
}

FT_TEST(dec_to_zero_opens_and_inc_closes_again_without_a_herd)
{
	struct flue_bp_decision d = flue_bp_inc_decide(0u);
	FT_EQ(d.action, FLUE_BP_OK);
	FT_EQ(d.value, 1u);
	FT_EQ(flue_gate_arrive_decide(gview(true, false, d.value, false, 0u)), FLUE_GATE_HOLD);
	d = flue_bp_dec_decide(d.value);
	FT_EQ(d.action, FLUE_BP_OPENED);
	FT_TRUE(flue_gate_admit_decide(gview(true, false, d.value, false, 1u)));
	/* Toggled back on before the scheduler resumed it: held again. */
	d = flue_bp_inc_decide(d.value);
	FT_FALSE(flue_gate_admit_decide(gview(true, false, d.value, false, 1u)));
}

FT_TEST(opened_does_not_admit_a_needs_exclusive_call_while_locked)
{
	struct flue_bp_decision d = flue_bp_dec_decide(1u);
	FT_EQ(d.action, FLUE_BP_OPENED);
	FT_FALSE(flue_gate_admit_decide(gview(true, true, d.value, true, 1u)));
	FT_TRUE(flue_gate_admit_decide(gview(true, false, d.value, true, 1u)));
}

FT_TEST(backpressure_traps_at_both_ends)
{
	struct flue_bp_decision d = flue_bp_inc_decide(65535u);
	FT_EQ(d.action, FLUE_BP_OVERFLOW);
	FT_EQ(d.value, 65535u);
	d = flue_bp_dec_decide(0u);
	FT_EQ(d.action, FLUE_BP_UNDERFLOW);
	FT_EQ(d.value, 0u);
	d = flue_bp_inc_decide(65534u);
	FT_EQ(d.action, FLUE_BP_OK);
	FT_EQ(d.value, 65535u);
}

FT_TEST(callback_codes_exit_yield_wait_and_removed_poll)
{
	struct flue_callback_decision d = flue_callback_decide(0x50u);
	FT_EQ(d.action, FLUE_CB_EXIT);
	d = flue_callback_decide(0x51u);
	FT_EQ(d.action, FLUE_CB_YIELD);
	FT_EQ(d.set, 5u); /* ignored by YIELD, no trap */
	d = flue_callback_decide(0x12u);
	FT_EQ(d.action, FLUE_CB_WAIT);
	FT_EQ(d.set, 1u);
	d = flue_callback_decide(0xFFFFFFF2u);
	FT_EQ(d.action, FLUE_CB_WAIT);
	FT_EQ(d.set, 0x0FFFFFFFu);
	d = flue_callback_decide(0x13u); /* 3 was POLL */
	FT_EQ(d.action, FLUE_CB_TRAP);
	d = flue_callback_decide(0x02u); /* WAIT on set 0: the caller's lookup traps */
	FT_EQ(d.action, FLUE_CB_WAIT);
	FT_EQ(d.set, 0u);
}

FT_TEST(async_lower_resolved_now_returns_exactly_2)
{
	FT_EQ(flue_lower_status_decide(true, FLUE_SUBTASK_RETURNED, 0u), 2u);
	FT_EQ(flue_lower_status_decide(false, FLUE_SUBTASK_STARTING, 1u), 0x10u);
	FT_EQ(flue_lower_status_decide(false, FLUE_SUBTASK_STARTED, 1u), 0x11u);
	FT_EQ(flue_lower_status_decide(false, FLUE_SUBTASK_STARTED, 0x0FFFFFFFu), 0xFFFFFFF1u);
}

FT_TEST(cancel_while_held_at_gate_resolves_cancelled_before_started)
{
	/* Caller: async lower of a call held by backpressure → STARTING. */
	FT_EQ(flue_gate_arrive_decide(gview(true, true, 1u, false, 0u)), FLUE_GATE_HOLD);
	FT_EQ(flue_lower_status_decide(false, FLUE_SUBTASK_STARTING, 3u), 0x30u);
	/* subtask.cancel: not resolved → request. */
	FT_EQ(flue_subtask_cancel_decide(false, false, false, false), FLUE_SC_REQUEST);
	/* INITIAL: delivered at the gate, task.cancel runs there. */
	FT_EQ(flue_cancel_request_decide(FLUE_TASK_INITIAL), FLUE_CANCEL_BEFORE_START);
	FT_TRUE(flue_cancel_deliver_decide(FLUE_TASK_PENDING_CANCEL, true));
	FT_EQ(flue_task_cancel_decide(FLUE_TASK_CANCEL_DELIVERED, 0u), FLUE_RESOLVE_OK);
	FT_EQ(flue_subtask_resolve_decide(FLUE_SUBTASK_STARTING, false),
	      FLUE_SUBTASK_CANCELLED_BEFORE_STARTED);
}

FT_TEST(cancel_of_parked_callback_task_pends_then_wakes_it_and_returns_4)
{
	/* #716: callee parked in WAIT on an empty set, lock free: the request
	 * only marks it; the WAIT is then ready (#707), the turn delivers
	 * callback(6,0,0), which calls task.cancel and returns EXIT. */
	FT_EQ(flue_subtask_cancel_decide(false, false, false, false), FLUE_SC_REQUEST);
	FT_EQ(flue_cancel_request_decide(FLUE_TASK_STARTED), FLUE_CANCEL_PEND);
	FT_TRUE(flue_callback_ready_decide(FLUE_CB_WAIT, true, false, FLUE_TASK_PENDING_CANCEL));
	FT_TRUE(flue_cancel_deliver_decide(FLUE_TASK_PENDING_CANCEL, true));
	FT_EQ(flue_task_cancel_decide(FLUE_TASK_CANCEL_DELIVERED, 0u), FLUE_RESOLVE_OK);
	FT_EQ(flue_callback_decide(0u).action, FLUE_CB_EXIT);
	FT_EQ(flue_subtask_resolve_decide(FLUE_SUBTASK_STARTED, false),
	      FLUE_SUBTASK_CANCELLED_BEFORE_RETURNED);
}

FT_TEST(cancel_while_lock_held_elsewhere_pends_and_callee_may_still_return)
{
	/* test_thread_cancel_callback: the callee's YIELD waits for a lock
	 * another task holds: not ready, nothing delivered yet. */
	FT_EQ(flue_cancel_request_decide(FLUE_TASK_STARTED), FLUE_CANCEL_PEND);
	FT_FALSE(flue_callback_ready_decide(FLUE_CB_YIELD, false, false, FLUE_TASK_PENDING_CANCEL));
	/* task.cancel before delivery traps. */
	FT_EQ(flue_task_cancel_decide(FLUE_TASK_PENDING_CANCEL, 0u), FLUE_RESOLVE_TRAP_RESOLVED);
	/* The callee returns normally: allowed in PENDING_CANCEL. */
	FT_EQ(flue_task_return_decide(FLUE_TASK_PENDING_CANCEL, 0u), FLUE_RESOLVE_OK);
	FT_EQ(flue_subtask_resolve_decide(FLUE_SUBTASK_STARTED, true), FLUE_SUBTASK_RETURNED);
}

FT_TEST(pending_cancel_is_delivered_once_at_a_delivery_point)
{
	/* wait/poll/thread.yield and stackful tasks are no delivery point. */
	FT_FALSE(flue_cancel_deliver_decide(FLUE_TASK_PENDING_CANCEL, false));
	FT_TRUE(flue_cancel_deliver_decide(FLUE_TASK_PENDING_CANCEL, true));
	/* After delivery (CANCEL_DELIVERED) nothing more is delivered. */
	FT_FALSE(flue_cancel_deliver_decide(FLUE_TASK_CANCEL_DELIVERED, true));
	FT_FALSE(flue_cancel_deliver_decide(FLUE_TASK_STARTED, true));
	FT_FALSE(flue_cancel_deliver_decide(FLUE_TASK_RESOLVED, true));
}

FT_TEST(return_after_delivered_cancel_is_allowed_and_borrows_trap)
{
	FT_EQ(flue_task_return_decide(FLUE_TASK_CANCEL_DELIVERED, 0u), FLUE_RESOLVE_OK);
	FT_EQ(flue_task_return_decide(FLUE_TASK_STARTED, 1u), FLUE_RESOLVE_TRAP_BORROWS);
	FT_EQ(flue_task_cancel_decide(FLUE_TASK_CANCEL_DELIVERED, 2u),
	      FLUE_RESOLVE_TRAP_BORROWS);
	/* Resolved first: the state trap wins over borrows. */
	FT_EQ(flue_task_return_decide(FLUE_TASK_RESOLVED, 5u), FLUE_RESOLVE_TRAP_RESOLVED);
	FT_EQ(flue_task_cancel_decide(FLUE_TASK_RESOLVED, 5u), FLUE_RESOLVE_TRAP_RESOLVED);
}

FT_TEST(subtask_cancel_checks_in_reference_order)
{
	/* Delivered beats everything, then twice, then in-set. */
	FT_EQ(flue_subtask_cancel_decide(true, true, true, true), FLUE_SC_TRAP_DELIVERED);
	FT_EQ(flue_subtask_cancel_decide(false, true, true, true), FLUE_SC_TRAP_TWICE);
	/* #715: the async form traps on a subtask in a set as well. */
	FT_EQ(flue_subtask_cancel_decide(false, false, true, true), FLUE_SC_TRAP_IN_SET);
	FT_EQ(flue_subtask_cancel_decide(false, false, true, false), FLUE_SC_TRAP_IN_SET);
	FT_EQ(flue_subtask_cancel_decide(false, false, false, true), FLUE_SC_CONSUME);
	FT_EQ(flue_subtask_cancel_decide(false, false, false, false), FLUE_SC_REQUEST);
}

FT_SUITE(task,
	 FT_CASE(gate_arrive_every_case),
	 FT_CASE(gate_admit_every_case),
	 FT_CASE(callback_edges),
	 FT_CASE(callback_low_12_bits_exhaustive),
	 FT_CASE(callback_random_full_range),
	 FT_CASE(bp_inc_every_counter),
	 FT_CASE(bp_dec_every_counter),
	 FT_CASE(bp_inc_then_dec_restores_every_counter),
	 FT_CASE(subtask_resolve_every_state),
	 FT_CASE(subtask_cancel_every_case),
	 FT_CASE(cancel_resume_every_case),
	 FT_CASE(lower_status_every_state_and_edge_index),
	 FT_CASE(lower_status_random_indices),
	 FT_CASE(cancel_request_every_state),
	 FT_CASE(cancel_deliver_every_state),
	 FT_CASE(callback_ready_every_case),
	 FT_CASE(nested_candidates_include_the_lock_holder),
	 FT_CASE(ready_mark_stamps_and_unstamps),
	 FT_CASE(task_return_every_state),
	 FT_CASE(task_cancel_every_state),
	 FT_CASE(sync_typed_call_barges_in_past_backpressure_and_lock),
	 FT_CASE(stackful_async_ignores_the_lock_but_not_backpressure),
	 FT_CASE(callback_lifted_call_is_held_while_the_lock_is_held),
	 FT_CASE(residual_backpressure_holds_newcomers_not_the_queue),
	 FT_CASE(dec_to_zero_opens_and_inc_closes_again_without_a_herd),
	 FT_CASE(opened_does_not_admit_a_needs_exclusive_call_while_locked),
	 FT_CASE(backpressure_traps_at_both_ends),
	 FT_CASE(callback_codes_exit_yield_wait_and_removed_poll),
	 FT_CASE(async_lower_resolved_now_returns_exactly_2),
	 FT_CASE(cancel_while_held_at_gate_resolves_cancelled_before_started),
	 FT_CASE(cancel_of_parked_callback_task_pends_then_wakes_it_and_returns_4),
	 FT_CASE(cancel_while_lock_held_elsewhere_pends_and_callee_may_still_return),
	 FT_CASE(pending_cancel_is_delivered_once_at_a_delivery_point),
	 FT_CASE(return_after_delivered_cancel_is_allowed_and_borrows_trap),
	 FT_CASE(subtask_cancel_checks_in_reference_order))
