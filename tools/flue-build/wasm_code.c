/*
 * Function bodies, read instruction by instruction for one question:
 * does the module copy between two different memories (memory.copy,
 * 0xFC 10, with destination index ≠ source index)? wasm2c 1.0.32 swaps
 * the source and the destination of such a copy, so flue-build refuses
 * the module instead of letting the copy run backwards.
 *
 * The walk only has to find every opcode's end, so it knows the immediates
 * of the instruction sets wasm2c 1.0.32 translates (MVP, sign extension,
 * saturating conversions, bulk memory, reference types, multi-memory,
 * tail calls, exceptions, SIMD, threads). Anything else stops it with the
 * offset: guessing a length would make the rest of the body noise.
 */
#include <stdio.h>
#include <stdlib.h>

#include "wasm.h"
#include "wasm_internal.h"

static bool blocktype_byte(uint8_t b)
{
	return b == 0x40 || b == WASM_I32 || b == WASM_I64 || b == WASM_F32 || b == WASM_F64 ||
	       b == WASM_V128 || b == WASM_FUNCREF || b == WASM_EXTERNREF;
}

static int blocktype(struct wasm_rd *r)
{
	if (r->pos < r->end && blocktype_byte(r->b[r->pos])) {
		r->pos++;
		return 0;
	}
	uint64_t t;
	return wr_leb(r, 33, true, &t, "block type");
}

/* align flags (bit 6: a memory index follows), [memory], offset */
static int memarg(struct wasm_rd *r)
{
	uint32_t flags, mem;
	uint64_t off;
	if (wr_u32(r, &flags, "memory alignment") != 0)
		return -1;
	if ((flags & 0x40u) != 0u && wr_u32(r, &mem, "memory index") != 0)
		return -1;
	return wr_leb(r, 64, false, &off, "memory offset");
}

static int u32s(struct wasm_rd *r, unsigned n)
{
	uint32_t v;
	for (unsigned i = 0; i < n; i++)
		if (wr_u32(r, &v, "immediate") != 0)
			return -1;
	return 0;
}

/* 0xFC: 1 = a cross-memory memory.copy, 0 = anything else, -1 error. */
static int op_fc(struct wasm_rd *r)
{
	uint32_t sub, dst, src;
	if (wr_u32(r, &sub, "0xFC opcode") != 0)
		return -1;
	if (sub <= 7u)
		return 0;
	if (sub == 10u) {
		if (wr_u32(r, &dst, "memory index") != 0 || wr_u32(r, &src, "memory index") != 0)
			return -1;
		return dst != src;
	}
	static const unsigned char imms[18] = { [8] = 2, [9] = 1, [11] = 1, [12] = 2, [13] = 1,
						[14] = 2, [15] = 1, [16] = 1, [17] = 1 };
	if (sub > 17u)
		return wr_fail(r, r->pos, "unknown opcode 0xfc %u", sub);
	return u32s(r, imms[sub]);
}

static int op_fd(struct wasm_rd *r) /* SIMD */
{
	uint32_t sub;
	if (wr_u32(r, &sub, "0xFD opcode") != 0)
		return -1;
	if (sub <= 11u || sub == 92u || sub == 93u)
		return memarg(r);
	if (sub == 12u || sub == 13u)
		return wr_skip(r, 16, "v128 immediate");
	if (sub >= 21u && sub <= 34u)
		return wr_skip(r, 1, "lane index");
	if (sub >= 84u && sub <= 91u)
		return memarg(r) != 0 ? -1 : wr_skip(r, 1, "lane index");
	return 0;
}

static int op_fe(struct wasm_rd *r) /* threads: atomics */
{
	uint32_t sub;
	if (wr_u32(r, &sub, "0xFE opcode") != 0)
		return -1;
	return sub == 3u ? wr_skip(r, 1, "atomic.fence") : memarg(r);
}

static int br_table(struct wasm_rd *r)
{
	uint32_t n;
	if (wr_count(r, &n, "br_table") != 0)
		return -1;
	return u32s(r, n + 1u);
}

static int select_t(struct wasm_rd *r)
{
	uint32_t n;
	uint8_t *types = NULL;
	int rc = wr_valtypes(r, &n, &types, "select types");
	free(types);
	return rc;
}

/* One instruction's immediates after its opcode byte `op`: 1 = a
 * cross-memory copy, 0 = done, -1 = error. */
static int instr(struct wasm_rd *r, uint8_t op, size_t at)
{
	uint64_t v;
	switch (op) {
	case 0x02: case 0x03: case 0x04: case 0x06: return blocktype(r);
	case 0x07: case 0x08: case 0x09: case 0x0C: case 0x0D: case 0x10: case 0x12:
	case 0x18: case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25:
	case 0x26: case 0x3F: case 0x40: case 0xD2:
		return u32s(r, 1);
	case 0x0E: return br_table(r);
	case 0x11: case 0x13: return u32s(r, 2);
	case 0x1C: return select_t(r);
	case 0x41: return wr_leb(r, 32, true, &v, "i32.const");
	case 0x42: return wr_leb(r, 64, true, &v, "i64.const");
	case 0x43: return wr_skip(r, 4, "f32.const");
	case 0x44: return wr_skip(r, 8, "f64.const");
	case 0xD0: return wr_skip(r, 1, "ref.null");
	case 0xFC: return op_fc(r);
	case 0xFD: return op_fd(r);
	case 0xFE: return op_fe(r);
	default: break;
	}
	if (op <= 0x01 || op == 0x05 || op == 0x0B || op == 0x0F || op == 0x19 || op == 0x1A ||
	    op == 0x1B || (op >= 0x45 && op <= 0xC4) || op == 0xD1)
		return 0;
	if (op >= 0x28 && op <= 0x3E)
		return memarg(r);
	return wr_fail(r, at, "opcode 0x%02x, which flue-build cannot step over", op);
}

static int body(struct wasm_rd *r)
{
	uint32_t groups;
	if (wr_count(r, &groups, "local declarations") != 0)
		return -1;
	for (uint32_t i = 0; i < groups; i++) {
		uint32_t n;
		uint8_t t;
		if (wr_u32(r, &n, "local count") != 0 || wr_valtype(r, &t, false, "local type") != 0)
			return -1;
	}
	while (r->pos < r->end) {
		size_t at = r->pos;
		uint8_t op = r->b[r->pos++];
		int rc = instr(r, op, at);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int wasm_find_cross_copy(const struct wasm_module *m, uint32_t *func, struct wasm_error *err)
{
	struct wasm_rd r = { .b = m->bytes, .pos = m->code_sec_start, .end = m->code_sec_end,
			     .size = m->size, .sec = "code", .err = err };
	uint32_t n;
	if (m->code_sec_end == 0) /* no code section */
		return 0;
	if (wr_count(&r, &n, "function body count") != 0)
		return -1;
	size_t sec_end = r.end;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t len;
		r.end = sec_end;
		if (wr_u32(&r, &len, "function body size") != 0)
			return -1;
		r.end = r.pos + len;
		*func = m->nimported_funcs + i;
		int rc = body(&r);
		if (rc != 0)
			return rc;
		r.pos = r.end;
	}
	return 0;
}
