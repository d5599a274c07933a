/*
 * Store, instances, element types, handle tables, guest memory, traps.
 */
#include <string.h>

#include <flue/port.h>
#include "obj.h"

/* The sizes flue/config.h states (issue 10, "small objects"), held here
 * at compile time; tests/abi/test_sizes.c prints every build's and checks
 * them again on the target. A slot and a shared object hold no pointer,
 * so their limits hold on a 64-bit host too. */
_Static_assert(sizeof(struct flue_handle) <= 24u, "a handle slot is at most 24 B (config.h)");
_Static_assert(sizeof(struct flue_shared) <= 16u, "a shared object is at most 16 B (config.h)");
_Static_assert(2u * sizeof(struct flue_handle) + sizeof(struct flue_shared) <= 64u,
	       "a stream (both ends and the shared object) is at most 64 B (config.h)");
#if UINTPTR_MAX == 0xFFFFFFFFu
_Static_assert(offsetof(struct flue_instance, handles) <= 512u,
	       "an instance is at most 512 B plus its table (config.h)");
#endif
_Static_assert(sizeof(struct flue_instance) ==
		       offsetof(struct flue_instance, handles) +
			       FLUE_CONFIG_MAX_HANDLES * sizeof(struct flue_handle),
	       "the table is exactly its slots: no padding after it");

void flue_store_init(struct flue_store *s, flue_trap_hook_t hook, void *ctx)
{
	if (s == 0)
		return;
	memset(s, 0, sizeof *s);
	s->trap_hook = hook;
	s->trap_ctx = ctx;
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_INSTANCES; i++) {
		s->instances[i].store = s;
		s->instances[i].id = (uint8_t)i;
	}
	s->sched.current = FLUE_TASK_NONE;
}

/* ---------------------------------------------------------------- types */

static uint32_t num_size(uint8_t n)
{
	switch (n) {
	case FLUE_NUM_U8: case FLUE_NUM_S8: return 1;
	case FLUE_NUM_U16: case FLUE_NUM_S16: return 2;
	case FLUE_NUM_U32: case FLUE_NUM_S32: case FLUE_NUM_F32: return 4;
	case FLUE_NUM_U64: case FLUE_NUM_S64: case FLUE_NUM_F64: return 8;
	default: return 0;
	}
}

static bool same_desc(const struct flue_type_desc *a, const struct flue_type_desc *b)
{
	if (a->kind != b->kind || a->kind == FLUE_TYPE_GRAPH)
		return false; /* graph types: flue_type_register_value() compares */
	if (a->kind == FLUE_TYPE_NUMBER)
		return a->num == b->num;
	if (a->kind == FLUE_TYPE_RECORD) {
		if (a->nfields != b->nfields)
			return false;
		for (uint32_t i = 0; i < a->nfields; i++)
			if (a->fields[i] != b->fields[i])
				return false;
	}
	return true;
}

int flue_type_register(struct flue_store *s, const struct flue_type_desc *d,
		       flue_type_t *out)
{
	struct flue_type_info ti;
	memset(&ti, 0, sizeof ti);
	if (s == 0 || d == 0 || out == 0)
		return FLUE_EINVAL;
	ti.desc.kind = d->kind;
	/* Validate first, then compute the canonical-ABI layout: each field
	 * at its natural alignment, size rounded up to the largest one. */
	switch (d->kind) {
	case FLUE_TYPE_UNIT:
		ti.size = 0;
		ti.align = 1;
		ti.none_or_number = true;
		break;
	case FLUE_TYPE_NUMBER:
		if (num_size(d->num) == 0)
			return FLUE_EINVAL;
		ti.desc.num = d->num;
		ti.size = ti.align = num_size(d->num);
		ti.none_or_number = true;
		ti.has_float = d->num == FLUE_NUM_F32 || d->num == FLUE_NUM_F64;
		break;
	case FLUE_TYPE_RECORD: {
		uint32_t off = 0, align = 1;
		if (d->nfields == 0 || d->nfields > FLUE_CONFIG_MAX_TYPE_FIELDS)
			return FLUE_EINVAL;
		ti.desc.nfields = d->nfields;
		for (uint32_t i = 0; i < d->nfields; i++) {
			uint32_t fs = num_size(d->fields[i]);
			if (fs == 0)
				return FLUE_EINVAL;
			off = (off + fs - 1u) / fs * fs;
			ti.offsets[i] = (uint8_t)off;
			ti.desc.fields[i] = d->fields[i];
			off += fs;
			align = fs > align ? fs : align;
			ti.has_float = ti.has_float || d->fields[i] == FLUE_NUM_F32 ||
				       d->fields[i] == FLUE_NUM_F64;
		}
		ti.size = (off + align - 1u) / align * align;
		ti.align = align;
		ti.none_or_number = false;
		break;
	}
	default:
		return FLUE_EINVAL;
	}
	for (uint32_t i = 0; i < s->ntypes; i++) {
		if (same_desc(&s->types[i].desc, &ti.desc)) {
			*out = (flue_type_t)(i + 1u);
			return FLUE_OK;
		}
	}
	if (s->ntypes >= FLUE_CONFIG_MAX_TYPES)
		return FLUE_ENOMEM;
	s->types[s->ntypes] = ti;
	s->ntypes++;
	*out = s->ntypes;
	return FLUE_OK;
}

int flue_type_add_graph(struct flue_store *s, const struct flue_tgraph *g, uint16_t node,
			uint32_t size, uint32_t align, flue_type_t *out)
{
	if (s->ntypes >= FLUE_CONFIG_MAX_TYPES)
		return FLUE_ENOMEM;
	struct flue_type_info *ti = &s->types[s->ntypes];
	memset(ti, 0, sizeof *ti);
	ti->desc.kind = FLUE_TYPE_GRAPH;
	ti->size = size;
	ti->align = align;
	s->type_graphs[s->ntypes] = (struct flue_type_graph){ g, node };
	s->ntypes++;
	*out = s->ntypes;
	return FLUE_OK;
}

const struct flue_type_info *flue_type_get(const struct flue_store *s, flue_type_t t)
{
	if (s == 0 || t == 0 || t > s->ntypes)
		return 0;
	return &s->types[t - 1u];
}

/* ------------------------------------------------------------ instances */

int flue_instance_create(struct flue_store *s, struct flue_instance **out)
{
	if (s == 0 || out == 0)
		return FLUE_EINVAL;
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_INSTANCES; i++) {
		struct flue_instance *inst = &s->instances[i];
		if (!inst->live) {
			uint16_t gen = inst->gen;
			memset(inst, 0, sizeof *inst);
			inst->gen = (uint16_t)(gen + 1u);
			inst->store = s;
			inst->id = (uint8_t)i;
			inst->live = true;
			inst->may_leave = true;
			inst->exclusive = FLUE_TASK_NONE;
			inst->len = 1; /* index 0 is reserved */
			if (s->realloc_inst == inst) /* left by a realloc that trapped */
				s->realloc_inst = 0;
			*out = inst;
			return FLUE_OK;
		}
	}
	return FLUE_ENOMEM;
}

void flue_instance_set_memory(struct flue_instance *inst, uint8_t *const *data,
			      const uint64_t *size)
{
	if (!flue_instance_ok(inst))
		return; /* documented no-op: there is no instance to give memory to */
	inst->mem_data = data;
	inst->mem_size = size;
	inst->mem_size_width = data != 0 && size != 0 ? FLUE_MEM_SIZE_64 : FLUE_MEM_SIZE_NONE;
}

void flue_instance_set_memory32(struct flue_instance *inst, uint8_t *const *data,
				const uint32_t *size)
{
	if (!flue_instance_ok(inst))
		return;
	inst->mem_data = data;
	inst->mem_size = size;
	inst->mem_size_width = data != 0 && size != 0 ? FLUE_MEM_SIZE_32 : FLUE_MEM_SIZE_NONE;
}

bool flue_instance_has_memory(const struct flue_instance *inst)
{
	return inst != 0 && inst->mem_size_width != FLUE_MEM_SIZE_NONE;
}

/* The memory's current size (re-read: it may have grown). */
static uint64_t mem_size_now(const struct flue_instance *inst)
{
	if (inst->mem_size_width == FLUE_MEM_SIZE_32)
		return *(const uint32_t *)inst->mem_size;
	return *(const uint64_t *)inst->mem_size;
}

/* --------------------------------------------------------- handle table */

uint32_t flue_table_add(struct flue_instance *inst, uint8_t kind)
{
	uint32_t i;
	if (inst->free_head != 0) {
		i = inst->free_head;
		inst->free_head = inst->handles[i].u.free.next;
		inst->nfree--;
	} else {
		if (inst->len > FLUE_TABLE_MAX_INDEX)
			return 0;
		i = inst->len++;
	}
	memset(&inst->handles[i], 0, sizeof inst->handles[i]);
	inst->handles[i].kind = kind;
	return i;
}

struct flue_handle *flue_table_get(struct flue_instance *inst, uint32_t idx)
{
	if (idx == 0 || idx >= inst->len || inst->handles[idx].kind == FLUE_H_FREE)
		return 0;
	return &inst->handles[idx];
}

void flue_table_remove(struct flue_instance *inst, uint32_t idx)
{
	inst->handles[idx].kind = FLUE_H_FREE;
	inst->handles[idx].u.free.next = (uint16_t)inst->free_head; /* < 2^16 (config.h) */
	inst->free_head = idx;
	inst->nfree++;
}

uint32_t flue_table_room(const struct flue_instance *inst)
{
	return FLUE_TABLE_MAX_INDEX + 1u - inst->len + inst->nfree;
}

/* --------------------------------------------------------------- memory */

uint8_t *flue_mem_range(const struct flue_instance *inst, uint32_t ptr, uint64_t bytes)
{
	if (!flue_instance_has_memory(inst))
		return 0;
	/* A NULL base with a size is an embedder's mistake: no byte of it can
	 * be reached, so it counts as an empty memory (nothing is ever
	 * computed from NULL). */
	uint8_t *base = *inst->mem_data;
	uint64_t size = base != 0 ? mem_size_now(inst) : 0u;
	if (base == 0 || (uint64_t)ptr > size || bytes > size - ptr)
		return 0;
	return base + ptr;
}

uint8_t *flue_mem_elems(const struct flue_instance *inst, uint32_t ptr, uint32_t from,
			uint32_t n, uint32_t size)
{
	uint64_t off = (uint64_t)ptr + (uint64_t)from * size;
	if (off > UINT32_MAX)
		return 0;
	return flue_mem_range(inst, (uint32_t)off, (uint64_t)n * size);
}

static void canon_nan(uint8_t *p, uint8_t num)
{
	/* Deterministic profile: every NaN becomes the canonical NaN. The
	 * value is read and written bytewise (little-endian guest memory). */
	if (num == FLUE_NUM_F32) {
		uint32_t v = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			     (uint32_t)p[3] << 24;
		if ((v & 0x7F800000u) == 0x7F800000u && (v & 0x007FFFFFu) != 0u) {
			p[0] = 0x00; p[1] = 0x00; p[2] = 0xC0; p[3] = 0x7F;
		}
	} else if (num == FLUE_NUM_F64) {
		uint64_t v = 0;
		for (uint32_t i = 0; i < 8u; i++)
			v |= (uint64_t)p[i] << (8u * i);
		if ((v & 0x7FF0000000000000u) == 0x7FF0000000000000u &&
		    (v & 0x000FFFFFFFFFFFFFu) != 0u) {
			memset(p, 0, 6);
			p[6] = 0xF8;
			p[7] = 0x7F;
		}
	}
}

void flue_copy_elems(const struct flue_type_info *t, uint8_t *dst,
		     const uint8_t *src, uint32_t n)
{
	size_t bytes = (size_t)t->size * n;
	if (bytes == 0 || dst == 0 || src == 0)
		return; /* callers resolve both ranges first: never copy via NULL */
	if (t->desc.kind == FLUE_TYPE_GRAPH)
		return; /* lifted and lowered by abi/ before the op (flue_end_copy_meeting) */
	if (t->desc.kind == FLUE_TYPE_RECORD) {
		/* Field by field, as the reference's store_record: the padding
		 * bytes of the destination keep their contents (found by
		 * tests/abi/test_streams.c record_copy_stores_fields_not_padding).
		 * Records never rendezvous within one instance, but walk
		 * backwards when dst is above src so an overlap stays a memmove. */
		/* Integer addresses: for copies between instances the two
		 * buffers are unrelated objects, which C may not compare. */
		bool down = (uintptr_t)dst > (uintptr_t)src;
		for (uint32_t i = 0; i < n; i++) {
			size_t e = (size_t)(down ? n - 1u - i : i) * t->size;
			for (uint32_t j = 0; j < t->desc.nfields; j++) {
				uint32_t f = down ? t->desc.nfields - 1u - j : j;
				uint8_t *d = dst + e + t->offsets[f];
				memmove(d, src + e + t->offsets[f], num_size(t->desc.fields[f]));
				canon_nan(d, t->desc.fields[f]);
			}
		}
		return;
	}
	/* Copy first, then canonicalise the floats in the destination, which
	 * now holds exactly the values. Only same-instance copies can overlap
	 * (they must behave as memmove); the others take memcpy, which C
	 * libraries make faster (newlib's memmove for Cortex-M copies
	 * bytewise: 64 KiB cost a third more than memcpy in make bench).
	 * Integer addresses, as above. */
	uintptr_t d0 = (uintptr_t)dst, s0 = (uintptr_t)src;
	if (d0 + bytes <= s0 || s0 + bytes <= d0)
		memcpy(dst, src, bytes);
	else
		memmove(dst, src, bytes);
	if (!t->has_float)
		return;
	for (uint32_t e = 0; e < n; e++) {
		uint8_t *el = dst + (size_t)e * t->size;
		if (t->desc.kind == FLUE_TYPE_NUMBER) {
			canon_nan(el, t->desc.num);
		} else {
			for (uint32_t f = 0; f < t->desc.nfields; f++)
				canon_nan(el + t->offsets[f], t->desc.fields[f]);
		}
	}
}

/* ---------------------------------------------------------------- traps */

static const char *const trap_messages[FLUE_TRAP_REASON_COUNT] = {
	[FLUE_TRAP_NONE] = "no trap",
	[FLUE_TRAP_POISONED] = "instance already trapped",
	[FLUE_TRAP_MAY_NOT_LEAVE] = "built-in called while the instance may not leave",
	[FLUE_TRAP_BAD_HANDLE] = "invalid handle index",
	[FLUE_TRAP_WRONG_KIND] = "handle is of the wrong kind",
	[FLUE_TRAP_TYPE_MISMATCH] = "element type does not match the built-in",
	[FLUE_TRAP_TABLE_FULL] = "handle table full",
	[FLUE_TRAP_POOL_FULL] = "configured pool exhausted",
	[FLUE_TRAP_NOT_IDLE] = "stream/future end is not idle",
	[FLUE_TRAP_SYNC_IN_SET] = "synchronous operation on a waitable in a waitable set",
	[FLUE_TRAP_CANCEL_IN_SET] = "subtask.cancel of a subtask that is in a waitable set",
	[FLUE_TRAP_LENGTH] = "length exceeds 2^28-1",
	[FLUE_TRAP_MISALIGNED] = "misaligned pointer",
	[FLUE_TRAP_OUT_OF_BOUNDS] = "pointer range outside linear memory",
	[FLUE_TRAP_SAME_INSTANCE] = "same-instance copy of a non-number element type",
	[FLUE_TRAP_NOT_COPYING] = "cancel without a copy in progress",
	[FLUE_TRAP_SYNC_WAITER] = "another thread is synchronously waiting on the waitable",
	[FLUE_TRAP_DROP_WHILE_COPYING] = "drop of an end with a copy in progress",
	[FLUE_TRAP_FUTURE_NOT_DONE] = "future writable end dropped before a value was written",
	[FLUE_TRAP_SET_NOT_EMPTY] = "waitable set still has members",
	[FLUE_TRAP_SET_HAS_WAITERS] = "waitable set is being waited on",
	[FLUE_TRAP_BACKPRESSURE_OVERFLOW] = "backpressure counter overflow",
	[FLUE_TRAP_BACKPRESSURE_UNDERFLOW] = "backpressure counter underflow",
	[FLUE_TRAP_WOULD_BLOCK] = "synchronous built-in would block and nothing can run meanwhile",
	[FLUE_TRAP_NO_MEMORY] = "built-in needs linear memory and the instance has none",
	[FLUE_TRAP_NO_TASK] = "task built-in called outside a task of this instance",
	[FLUE_TRAP_NOT_ASYNC] = "task.return / task.cancel in a sync-lifted task",
	[FLUE_TRAP_RESULT_TYPE] = "task.return's result type or values differ from the task's",
	[FLUE_TRAP_ALREADY_RESOLVED] = "task already resolved",
	[FLUE_TRAP_CANCEL_NOT_DELIVERED] = "task.cancel before a cancellation was delivered",
	[FLUE_TRAP_EXIT_UNRESOLVED] = "task exited without task.return or task.cancel",
	[FLUE_TRAP_CALLBACK_CODE] = "callback returned an unknown code (> 2)",
	[FLUE_TRAP_NOT_A_SET] = "callback WAIT named something that is not a waitable set",
	[FLUE_TRAP_SUBTASK_NOT_DONE] = "subtask dropped before its resolution was delivered",
	[FLUE_TRAP_SUBTASK_DELIVERED] = "subtask.cancel after its resolution was delivered",
	[FLUE_TRAP_CANCEL_TWICE] = "subtask.cancel called twice",
	[FLUE_TRAP_SIGNATURE] = "lowered call with the wrong number of flat arguments",
	[FLUE_TRAP_DEADLOCK] = "blocked, and nothing that may run can make progress (deadlock)",
	[FLUE_TRAP_NESTING_LIMIT] = "too many nested blocking calls (FLUE_CONFIG_MAX_NESTING)",
	[FLUE_TRAP_BAD_VALUE] = "value does not fit its type",
	[FLUE_TRAP_CALLEE_TRAPPED] = "the callee of a synchronous call trapped",
	[FLUE_TRAP_FORWARD_BUSY] = "forward of a stream/future end with a copy in progress",
	[FLUE_TRAP_FORWARD_DONE] = "forward of a stream/future end that is done",
	[FLUE_TRAP_FORWARD_IN_SET] = "forward of a stream/future end that is in a waitable set",
	[FLUE_TRAP_FORWARD_CHANNELS] = "forward would join two driver channels",
	[FLUE_TRAP_WASM_UNREACHABLE] = "wasm: unreachable executed",
	[FLUE_TRAP_WASM_OUT_OF_BOUNDS] = "wasm: memory or table access out of bounds",
	[FLUE_TRAP_WASM_INT_OVERFLOW] = "wasm: integer overflow",
	[FLUE_TRAP_WASM_DIV_BY_ZERO] = "wasm: integer division by zero",
	[FLUE_TRAP_WASM_INVALID_CONVERSION] = "wasm: invalid conversion to integer",
	[FLUE_TRAP_WASM_CALL_INDIRECT] = "wasm: invalid call_indirect (null, out of range or type mismatch)",
	[FLUE_TRAP_WASM_STACK_EXHAUSTED] = "wasm: call stack exhausted",
	[FLUE_TRAP_WASM_EXCEPTION] = "wasm: uncaught exception",
	[FLUE_TRAP_MEMORY_FAULT] = "memory protection fault",
	[FLUE_TRAP_ILLEGAL_INSTRUCTION] = "illegal instruction or state",
	[FLUE_TRAP_GATE] = "privilege gate misused",
	[FLUE_TRAP_BUDGET] = "step budget exceeded",
	[FLUE_TRAP_RING] = "shared ring misused",
	[FLUE_TRAP_WASM_BAD_ENV] = "import called with another instance's import pointer",
	[FLUE_TRAP_DESTROYED] = "built-in called on a destroyed instance",
	[FLUE_TRAP_END_IN_SET] = "stream/future end passed in a value is in a waitable set",
	[FLUE_TRAP_BAD_DECISION] = "a decision returned an action its caller does not apply",
	[FLUE_TRAP_BAD_CHAR] = "char is a surrogate or above 0x10FFFF",
	[FLUE_TRAP_BAD_DISCRIMINANT] = "variant case index out of range",
	[FLUE_TRAP_BAD_ENCODING] = "string is not valid in its encoding",
	[FLUE_TRAP_STRING_TOO_LONG] = "string of 2^28 bytes or more",
	[FLUE_TRAP_LIST_TOO_LONG] = "list of 2^28 bytes or more",
	[FLUE_TRAP_REALLOC_MISALIGNED] = "realloc returned a misaligned pointer",
	[FLUE_TRAP_REALLOC_OUT_OF_BOUNDS] = "realloc returned a range beyond linear memory",
	[FLUE_TRAP_NO_REALLOC] = "a value needs realloc and the function has none",
	[FLUE_TRAP_RESOURCE_LENT] = "resource handle dropped or moved while lent",
	[FLUE_TRAP_NOT_OWN] = "borrow handle passed where an own handle is expected",
	[FLUE_TRAP_BORROWS_OUTSTANDING] = "task resolved with borrowed handles not dropped",
	[FLUE_TRAP_NOT_IMPLEMENTER] = "resource built-in outside the resource type's instance",
	[FLUE_TRAP_NOT_SUPPORTED] = "not supported by flue yet for these arguments (docs/CONFORMANCE.md)",
};

_Noreturn void flue_trap_raise(struct flue_instance *inst, enum flue_trap_reason reason)
{
	if (reason <= FLUE_TRAP_NONE || reason >= FLUE_TRAP_REASON_COUNT)
		reason = FLUE_TRAP_BAD_VALUE; /* a reason of its own, never "no trap" */
	flue_trap(inst, reason, 0);
}

const char *flue_trap_message(enum flue_trap_reason reason)
{
	if ((unsigned)reason >= FLUE_TRAP_REASON_COUNT || trap_messages[reason] == 0)
		return "unknown trap reason";
	return trap_messages[reason];
}

_Noreturn void flue_trap(struct flue_instance *inst, enum flue_trap_reason r,
			 uint32_t handle)
{
	/* Callers validate before they mutate, so shared state is consistent
	 * here; poisoning makes every later call into this instance trap. */
	if (inst == 0)
		flue_port_halt(); /* no instance to blame, no hook to call */
	/* A destroyed instance is poisoned (flue_instance_destroy()), so
	 * whichever entry check of a built-in fired — some built-ins check
	 * only `poisoned` — the reason reported is that it is gone. */
	if (!inst->live)
		r = FLUE_TRAP_DESTROYED;
	if (!inst->poisoned) {
		inst->poisoned = true;
		inst->trap_reason = (uint8_t)r;
		inst->trap_handle = handle;
	}
	struct flue_store *s = inst->store;
	if (s->trap_hook != 0)
		s->trap_hook(s->trap_ctx, inst, r, handle);
	flue_port_halt();
}
