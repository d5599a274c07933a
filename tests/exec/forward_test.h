/*
 * Fixture of the stream.forward / future.forward suites (test_forward.c:
 * forward.wast's $Tester; test_forward_own.c: flue's own cases): one store
 * with a tester instance and a second one, element types, a trap hook that
 * longjmps back to FT_TRAPS, and one-line wrappers of the built-ins.
 */
#ifndef FLUE_FORWARD_TEST_H
#define FLUE_FORWARD_TEST_H

#include <setjmp.h>
#include <string.h>

#include "ftest.h"
#include <flue/abi.h>
#include <flue/channel.h>
#include <flue/errno.h>
#include <flue/host.h>
#include <flue/store.h>

#define MEM 4096u

static struct {
	struct flue_store store;
	struct flue_instance *t, *u; /* the tester; a second instance */
	uint8_t *t_data, *u_data;
	uint64_t t_size, u_size;
	flue_type_t u8, u32, unit, rec; /* rec = record { u8, u32 } */
	jmp_buf jmp;
	bool armed;
	enum flue_trap_reason reason;
	uint32_t handle;
	uint8_t t_mem[MEM] __attribute__((aligned(8)));
	uint8_t u_mem[MEM] __attribute__((aligned(8)));
} fw;

static inline void trap_hook(void *ctx, struct flue_instance *inst, enum flue_trap_reason r,
		      uint32_t handle)
{
	(void)ctx;
	(void)inst;
	fw.reason = r;
	fw.handle = handle;
	if (fw.armed)
		longjmp(fw.jmp, 1);
	FT_EQ(r, FLUE_TRAP_NONE);
	FT_FAIL("unexpected trap");
}

static inline flue_type_t reg(struct flue_type_desc d)
{
	flue_type_t t = 0;
	FT_EQ(flue_type_register(&fw.store, &d, &t), 0);
	return t;
}

static inline void setup(void)
{
	memset(&fw, 0, sizeof fw);
	flue_store_init(&fw.store, trap_hook, NULL);
	FT_EQ(flue_instance_create(&fw.store, &fw.t), 0);
	FT_EQ(flue_instance_create(&fw.store, &fw.u), 0);
	fw.t_data = fw.t_mem;
	fw.u_data = fw.u_mem;
	fw.t_size = fw.u_size = MEM;
	flue_instance_set_memory(fw.t, &fw.t_data, &fw.t_size);
	flue_instance_set_memory(fw.u, &fw.u_data, &fw.u_size);
	fw.u8 = reg((struct flue_type_desc){ .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_U8 });
	fw.u32 = reg((struct flue_type_desc){ .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_U32 });
	fw.unit = reg((struct flue_type_desc){ .kind = FLUE_TYPE_UNIT });
	fw.rec = reg((struct flue_type_desc){ .kind = FLUE_TYPE_RECORD, .nfields = 2,
					      .fields = { FLUE_NUM_U8, FLUE_NUM_U32 } });
}

/* `stmt` must trap with `why`, naming handle `h`. */
#define FT_TRAPS(why, h, stmt)                                                  \
	do {                                                                    \
		if (setjmp(fw.jmp) == 0) {                                      \
			fw.armed = true;                                        \
			stmt;                                                   \
			fw.armed = false;                                       \
			FT_FAIL("expected a trap: " #why);                     \
		} else {                                                        \
			fw.armed = false;                                       \
			FT_EQ(fw.reason, (why));                                \
			FT_EQ(fw.handle, (h));                                  \
			FT_TRUE(fw.t->poisoned);                                \
		}                                                               \
	} while (0)

/* ------------------------------------------------------------ helpers */

#define T fw.t
#define ASYNC FLUE_OPT_ASYNC
#define PK(result, n) ((uint32_t)(result) | (uint32_t)(n) << 4)
#define C4 PK(FLUE_COMPLETED, 4)
#define PATTERN 0x04030201u

static uint32_t rA, wA, rB, wB, rC, wC;

static inline void split(uint64_t v, uint32_t *r, uint32_t *w)
{
	*r = (uint32_t)v;
	*w = (uint32_t)(v >> 32);
}

/* $new-a / $new-b / $new-c and the future versions, of `stream u8` /
 * `future u8` unless a test says otherwise. */
static inline void new_abc(uint32_t n)
{
	split(flue_canon_stream_new(T, fw.u8), &rA, &wA);
	if (n > 1)
		split(flue_canon_stream_new(T, fw.u8), &rB, &wB);
	if (n > 2)
		split(flue_canon_stream_new(T, fw.u8), &rC, &wC);
}

static inline void fnew_abc(uint32_t n)
{
	split(flue_canon_future_new(T, fw.u8), &rA, &wA);
	if (n > 1)
		split(flue_canon_future_new(T, fw.u8), &rB, &wB);
	if (n > 2)
		split(flue_canon_future_new(T, fw.u8), &rC, &wC);
}

static inline uint32_t rd(uint32_t e, uint32_t p, uint32_t n)
{
	return flue_canon_stream_read(T, fw.u8, ASYNC, e, p, n);
}

static inline uint32_t wr(uint32_t e, uint32_t p, uint32_t n)
{
	return flue_canon_stream_write(T, fw.u8, ASYNC, e, p, n);
}

static inline uint32_t frd(uint32_t e, uint32_t p)
{
	return flue_canon_future_read(T, fw.u8, ASYNC, e, p);
}

static inline uint32_t fwr(uint32_t e, uint32_t p)
{
	return flue_canon_future_write(T, fw.u8, ASYNC, e, p);
}

static inline void fwd(uint32_t r, uint32_t w)
{
	flue_canon_stream_forward(T, fw.u8, r, w);
}

static inline void ffwd(uint32_t r, uint32_t w)
{
	flue_canon_future_forward(T, fw.u8, r, w);
}

static inline void st32(uint8_t *m, uint32_t off, uint32_t v)
{
	for (uint32_t k = 0; k < 4; k++)
		m[off + k] = (uint8_t)(v >> 8 * k);
}

static inline uint32_t ld32(const uint8_t *m, uint32_t off)
{
	return (uint32_t)m[off] | (uint32_t)m[off + 1] << 8 | (uint32_t)m[off + 2] << 16 |
	       (uint32_t)m[off + 3] << 24;
}

/* A new set holding waitable w. */
static inline uint32_t set_of(uint32_t w)
{
	uint32_t ws = flue_canon_waitable_set_new(T);
	flue_canon_waitable_join(T, w, ws);
	return ws;
}

/* waitable-set.poll of ws storing at `at`: event code, p1, p2. */
#define EXPECT_EV(ws, at, code, p1, p2)                                        \
	do {                                                                   \
		FT_EQ(flue_canon_waitable_set_poll(T, (ws), (at)), (code));    \
		FT_EQ(ld32(fw.t_mem, (at)), (p1));                             \
		FT_EQ(ld32(fw.t_mem, (at) + 4u), (p2));                        \
	} while (0)
#define EXPECT_NONE(ws) EXPECT_EV(ws, 32u, FLUE_EVENT_CODE_NONE, 0u, 0u)

#endif /* FLUE_FORWARD_TEST_H */
