/*
 * stream.forward (#717) meeting an embedder's mistake (issue 10): the
 * destination's parked read is re-issued against the source's parked
 * write, and one of the two buffers is no longer inside its instance's
 * memory (the memory shrank under the parked op; wasm memories never
 * shrink, and the reference checks a buffer only when its op starts). The
 * forward traps before it changes anything instead of copying via NULL.
 */
#include "forward_test.h"
#include <flue/valtype.h>

/* The forward must trap; returns the reason. */
static enum flue_trap_reason forward_traps(uint32_t r, uint32_t w)
{
	if (setjmp(fw.jmp) == 0) {
		fw.armed = true;
		fwd(r, w);
		fw.armed = false;
		FT_FAIL("expected a trap");
	}
	fw.armed = false;
	return fw.reason;
}

/* The reader's memory shrank: the forward (T's built-in) traps, and T's
 * ends, both shared objects and U's parked read are as they were. */
static void shrunk(bool reader_side)
{
	setup();
	new_abc(2);
	uint32_t ru = 0;
	FT_EQ(flue_end_transfer(T, rB, fw.u8, fw.u, &ru), 0);
	FT_EQ(flue_canon_stream_read(fw.u, fw.u8, ASYNC, ru, 3000, 4), FLUE_BLOCKED);
	st32(fw.t_mem, 2048, PATTERN);
	FT_EQ(wr(wA, 2048, 4), FLUE_BLOCKED);
	if (reader_side)
		fw.u_size = 1024;
	else
		fw.t_size = 1024;
	uint16_t sa = T->handles[rA].u.end.shared, sb = T->handles[wB].u.end.shared;
	enum flue_trap_reason why = forward_traps(rA, wB);
	/* A parked buffer no longer inside its memory: out of bounds. */
	FT_EQ(why, FLUE_TRAP_OUT_OF_BOUNDS);
	FT_TRUE(T->poisoned);
	FT_EQ(T->handles[rA].kind, FLUE_H_STREAM_READABLE);
	FT_EQ(T->handles[wB].kind, FLUE_H_STREAM_WRITABLE);
	FT_EQ(T->handles[rA].u.end.shared, sa);
	FT_EQ(T->handles[wB].u.end.shared, sb);
	FT_EQ(fw.store.shared[sb].reader_inst, fw.u->id);
	FT_EQ(fw.store.shared[sb].pending, FLUE_SIDE_READER);
	FT_EQ(fw.store.shared[sa].pending, FLUE_SIDE_WRITER);
	FT_EQ(fw.u->handles[ru].u.end.progress, 0);
	FT_FALSE(fw.u->handles[ru].u.end.w.has_event);
	FT_EQ(ld32(fw.u_mem, 3000), 0);
}

FT_TEST(forward_reissue_reader_memory_shrunk_traps)
{
	shrunk(true);
}

FT_TEST(forward_reissue_writer_memory_shrunk_traps)
{
	shrunk(false);
}

/* A graph element type (flue_type_register_value): the re-issued read
 * would move raw bytes, so forward refuses it before anything changes. */
FT_TEST(forward_of_a_graph_element_type_traps)
{
	setup();
	static struct flue_tnode nodes[1] = { { .kind = FLUE_VT_STRING } };
	static const uint16_t kids[1] = { 0 };
	FT_EQ(flue_types_layout(nodes, 1, kids, 0), 0);
	static const struct flue_tgraph g = { nodes, kids, 1, 0 };
	flue_type_t ts = 0;
	FT_EQ(flue_type_register_value(&fw.store, &g, 0, &ts), 0);
	uint32_t r1, w1, r2, w2;
	split(flue_canon_stream_new(T, ts), &r1, &w1);
	split(flue_canon_stream_new(T, ts), &r2, &w2);
	FT_TRAPS(FLUE_TRAP_NOT_SUPPORTED, w2, flue_canon_stream_forward(T, ts, r1, w2));
	FT_EQ(T->handles[r1].kind, FLUE_H_STREAM_READABLE);
	FT_EQ(T->handles[w2].kind, FLUE_H_STREAM_WRITABLE);
}

FT_SUITE(forward_contracts,
	 FT_CASE(forward_reissue_reader_memory_shrunk_traps),
	 FT_CASE(forward_reissue_writer_memory_shrunk_traps),
	 FT_CASE(forward_of_a_graph_element_type_traps))
