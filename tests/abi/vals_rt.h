/*
 * Round-trip cases of the value-mover suites (test_vals_move.c,
 * test_vals_heap.c): a case's table row and the two moves that check it
 * (A's flat values into B's memory, then back to flat values in A).
 */
#ifndef FLUE_VALS_RT_H
#define FLUE_VALS_RT_H

#include "vals_test.h"

#define B0 0x1000u /* where B's heap starts */
#define A0 0x2000u /* where A's heap starts for the move back */
#define MAXF 16u   /* MAX_FLAT_PARAMS */

struct flats {
	const flue_flat_t *p;
	uint32_t n;
};

struct rcall {
	uint32_t align, size;
};

struct rcalls {
	const struct rcall *p;
	uint32_t n;
};

#define F(...) { (const flue_flat_t[]){ __VA_ARGS__ }, \
		 (uint32_t)(sizeof((const flue_flat_t[]){ __VA_ARGS__ }) / sizeof(flue_flat_t)) }
#define C(...) { (const struct rcall[]){ __VA_ARGS__ }, \
		 (uint32_t)(sizeof((const struct rcall[]){ __VA_ARGS__ }) / sizeof(struct rcall)) }
#define C0 { NULL, 0 }
#define TRAPPED "", C0, { NULL, 0 }, "", C0

/* A case: the type (and the type lifted on the way back, for the
 * narrowing case), the flat values lifted from A, the trap lifting them
 * must raise (0: none), A's memory at 0 (hex; test_heap's byte_array, A's
 * whole memory then), B's bytes from B0 and realloc calls, the flat values
 * of the move back, and A's bytes from A0 and realloc calls. */
struct rt_case {
	const char *name, *type, *type2;
	struct flats in;
	int trap;
	const char *src;
	const char *b;
	struct rcalls bcalls;
	struct flats back;
	const char *a;
	struct rcalls acalls;
};

static inline void expect_calls(const struct heap *h, struct rcalls c)
{
	FT_EQ(h->ncalls, c.n);
	for (uint32_t k = 0; k < c.n; k++)
		EXPECT_CALL(h, k, 0u, 0u, c.p[k].align, c.p[k].size);
}

static inline struct flue_cx plain_cx(struct flue_instance *i)
{
	return (struct flue_cx){ i, NULL, NULL, FLUE_STRING_UTF8 };
}

/* One move of the tuple (t) of g. */
static inline void move(const struct flue_tgraph *g, const uint16_t *t, uint32_t nt,
		 struct flue_cx src, uint32_t smax, const flue_flat_t *in, uint32_t nin,
		 struct flue_cx dst, uint32_t dmax, const uint32_t *out_ptr, flue_flat_t *out,
		 uint32_t *nout)
{
	struct flue_vmove m = { g, t, nt, src, smax, in, nin, dst, dmax, out_ptr, out, nout,
				FLUE_TASK_NONE, false };
	flue_vals_move(&m);
}

/* A's flat values into B's memory: a trap, or the bytes of the case. */
static inline bool run_forward(const struct rt_case *c, struct heap *hb)
{
	struct tb b;
	tb_init(&b);
	uint16_t t = tb_parse(&b, c->type);
	const struct flue_tgraph *g = tb_done(&b);
	hex_store(fx.a_mem, c->src);
	if (hex_len(c->src) != 0u)
		fx.a_size = hex_len(c->src);
	heap_init(hb, fx.b, fx.b_mem, B0, MEM_SIZE);
	flue_flat_t out[2] = { 0, 0 };
	uint32_t nout = 99;
	if (c->trap != 0) {
		FT_TRAPS((enum flue_trap_reason)c->trap,
			 move(g, &t, 1, plain_cx(fx.a), MAXF, c->in.p, c->in.n, heap_cx(hb, 0), 0,
			      NULL, out, &nout));
		FT_EQ(hb->ncalls, 0); /* lifting traps before any realloc */
		FT_TRUE(FX_READ(fx.a->poisoned));
		FT_FALSE(FX_READ(fx.b->poisoned));
		return false;
	}
	move(g, &t, 1, plain_cx(fx.a), MAXF, c->in.p, c->in.n, heap_cx(hb, 0), 0, NULL, out,
	     &nout);
	FT_EQ(nout, 1);
	FT_EQ(out[0], B0);
	expect_calls(hb, c->bcalls);
	expect_bytes(fx.b_mem + B0, c->b);
	return true;
}

/* B's memory back to flat values in A (type2 if set: the narrowing case). */
static inline void run_back(const struct rt_case *c)
{
	struct tb b;
	tb_init(&b);
	uint16_t t = tb_parse(&b, c->type2 != NULL ? c->type2 : c->type);
	const struct flue_tgraph *g = tb_done(&b);
	fx.a_size = MEM_SIZE;
	struct heap ha;
	heap_init(&ha, fx.a, fx.a_mem, A0, MEM_SIZE);
	flue_flat_t p = B0, out[MAXF];
	uint32_t nout = 99;
	move(g, &t, 1, plain_cx(fx.b), 0, &p, 1, heap_cx(&ha, 0), MAXF, NULL, out, &nout);
	FT_EQ(nout, c->back.n);
	for (uint32_t i = 0; i < c->back.n; i++)
		FT_EQ(out[i], c->back.p[i]);
	expect_calls(&ha, c->acalls);
	expect_bytes(fx.a_mem + A0, c->a);
}

static inline void run_cases(const struct rt_case *cs, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		fx_setup();
		struct heap hb;
		if (run_forward(&cs[i], &hb))
			run_back(&cs[i]);
	}
}

#define RUN(cs) run_cases((cs), (uint32_t)(sizeof(cs) / sizeof((cs)[0])))

#endif /* FLUE_VALS_RT_H */
