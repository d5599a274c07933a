/*
 * impl (tests/build/resources): implements test:res/store's counter. A
 * counter's rep is 0x40 + its slot in `value`; resource.new makes the own
 * handle the constructor returns. Methods get the rep itself (a borrow
 * lowered into its implementation); consume gets own handles, reads each
 * rep with resource.rep and drops it, so the destructor runs here.
 */
#include "p3.h"

#define STORE "test:res/store"
#define REP0 0x40u
#define SLOTS 8u

P3_IMPORT("[export]" STORE, "[resource-new]counter") uint32_t counter_new(uint32_t rep);
P3_IMPORT("[export]" STORE, "[resource-rep]counter") uint32_t counter_rep(uint32_t h);
P3_IMPORT("[export]" STORE, "[resource-drop]counter") void counter_drop(uint32_t h);
P3_IMPORT("$root", "[error-context-new-utf8]") uint32_t ec_new(const char *s, uint32_t n);
P3_IMPORT("$root", "[error-context-drop]") void ec_drop(uint32_t ec);

static uint32_t value[SLOTS], used, live, destroyed, dtor_calls, bad_reps;
static uint32_t ret[2];
static uint8_t heap[256] __attribute__((aligned(8)));
static uint32_t heap_used;

P3_EXPORT("cabi_realloc")
void *cabi_realloc(void *old, uint32_t old_size, uint32_t align, uint32_t new_size)
{
	uint32_t at = (heap_used + align - 1u) & ~(align - 1u);
	(void)old_size; /* nothing grows: a list arrives in one block */
	if (old != 0 || align == 0u || at + new_size > sizeof heap)
		__builtin_trap();
	heap_used = at + new_size;
	return &heap[at];
}

/* The slot of a live counter's rep, or SLOTS. */
static uint32_t slot_of(uint32_t rep)
{
	uint32_t s = rep - REP0;
	return rep >= REP0 && s < used && (live >> s & 1u) ? s : SLOTS;
}

P3_EXPORT(STORE "#[constructor]counter") uint32_t counter_ctor(uint32_t start)
{
	if (used == SLOTS)
		__builtin_trap();
	value[used] = start;
	live |= 1u << used;
	return counter_new(REP0 + used++);
}

P3_EXPORT(STORE "#[method]counter.add") uint32_t counter_add(uint32_t self, uint32_t n)
{
	uint32_t s = slot_of(self);
	if (s == SLOTS)
		__builtin_trap();
	return value[s] += n;
}

P3_EXPORT(STORE "#[method]counter.value") uint32_t counter_value(uint32_t self)
{
	uint32_t s = slot_of(self);
	if (s == SLOTS)
		__builtin_trap();
	return value[s];
}

P3_EXPORT(STORE "#[dtor]counter") void counter_dtor(uint32_t rep)
{
	uint32_t s = slot_of(rep);
	dtor_calls++;
	if (s == SLOTS) {
		bad_reps++;
		return;
	}
	live &= ~(1u << s);
	destroyed |= 1u << s;
}

/* The value behind own handle h (0 if its rep is no live counter's),
 * then h dropped. */
static uint32_t take(uint32_t h)
{
	uint32_t s = slot_of(counter_rep(h));
	uint32_t v = s == SLOTS ? 0u : value[s];
	counter_drop(h);
	return v;
}

P3_EXPORT(STORE "#consume")
uint32_t consume(uint32_t tag, uint32_t c, const uint32_t *more, uint32_t n)
{
	uint32_t sum = tag + take(c);
	for (uint32_t i = 0; i < n; i++)
		sum += take(more[i]);
	return sum;
}

/* The error-context the last check returned: lifting it gave the caller
 * a handle of its own, ours goes at our next call (not in a post-return,
 * which may not call built-ins). */
static uint32_t pending_ec;

static void drop_pending(void)
{
	if (pending_ec != 0u)
		ec_drop(pending_ec);
	pending_ec = 0;
}

P3_EXPORT(STORE "#check") uint32_t *check(uint32_t n)
{
	static const char why[] = "zero";
	drop_pending();
	ret[0] = n == 0u;
	ret[1] = n == 0u ? (pending_ec = ec_new(why, sizeof why - 1u)) : 2u * n;
	return ret;
}

P3_EXPORT(STORE "#dropped") uint32_t dropped(void)
{
	drop_pending();
	return destroyed | dtor_calls << 8 | bad_reps << 16;
}
