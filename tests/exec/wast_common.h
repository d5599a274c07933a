/*
 * Helpers shared by the WAST ports (test_wast*.c): core/callback
 * signatures, common function types, invocation results, lowered calls
 * with 0-2 args, memory access and trap checks.
 */
#ifndef FLUE_WAST_COMMON_H
#define FLUE_WAST_COMMON_H

#include "exec_test.h"

#define EXIT 0u
#define YIELD 1u
#define WAIT 2u
#define ASYNC FLUE_OPT_ASYNC
#define CORE(n) static void n(void *u_, struct flue_instance *inst, const flue_flat_t *args, \
			      uint32_t nargs, flue_flat_t *res)
#define CB(n) static uint32_t n(void *u_, struct flue_instance *inst, uint32_t ev, uint32_t p1, \
				uint32_t p2)
static const struct flue_valtype U32 = { .kind = FLUE_VAL_U32 };
static const struct flue_functype ft_sync = { .async = false };
static const struct flue_functype ft_async = { .async = true };
static const struct flue_functype ft_async_u32 = { .async = true, .result = &U32 };
struct res { bool done, has; uint64_t v; };
static inline void on_res(void *user, const struct flue_values *r)
{
	struct res *x = user;
	x->done = true;
	x->has = r != 0;
	x->v = r != 0 && r->n > 0 ? r->v[0] : 0;
}
static inline void invoke(struct flue_func *f, struct res *r)
{
	flue_call_t c;
	*r = (struct res){ 0 };
	FT_EQ(flue_invoke(f, ex.host, 0, on_res, r, &c), 0);
}
static inline void trapped(struct flue_instance *i, enum flue_trap_reason why)
{
	FT_TRUE(i->poisoned);
	FT_EQ(i->trap_reason, why);
}
static inline uint32_t c0(const struct flue_lowered *l) { return (uint32_t)flue_call_lowered(l, 0, 0); }
static inline uint32_t c1(const struct flue_lowered *l, flue_flat_t a)
{
	return (uint32_t)flue_call_lowered(l, &a, 1);
}
static inline uint32_t c2(const struct flue_lowered *l, flue_flat_t a, flue_flat_t b)
{
	flue_flat_t v[2] = { a, b };
	return (uint32_t)flue_call_lowered(l, v, 2);
}
static inline uint32_t ld32(struct flue_instance *i, uint32_t o) { return ex_ld32(i, o); }
static inline void lower(struct flue_lowered *l, struct flue_func *f, struct flue_instance *c, bool a)
{
	FT_EQ(flue_lower(l, f, c, a), 0);
}
static inline void ret_u32(struct flue_instance *inst, uint32_t v)
{
	flue_flat_t x = v;
	flue_canon_task_return(inst, &U32, &x, 1);
}

#endif /* FLUE_WAST_COMMON_H */
