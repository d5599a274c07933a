#include <stdio.h>

#include "exec_test.h"

struct ex ex;

static void on_trap(void *ctx, struct flue_instance *inst, enum flue_trap_reason r)
{
	(void)ctx;
	ex.ntraps++;
	ex.trap = r;
	ex.trap_inst = inst;
}

void ex_fail(const char *file, int line, const char *expr, uint64_t a, uint64_t b)
{
	if (ex.failures++ == 0) {
		ex.fail_file = file;
		ex.fail_line = line;
		ex.fail_expr = expr;
		ex.fail_a = a;
		ex.fail_b = b;
	}
}

void ex_done(void)
{
	if (ex.failures != 0) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s:%d: %s (%llu != %llu), %u failed check(s)",
			 ex.fail_file, ex.fail_line, ex.fail_expr,
			 (unsigned long long)ex.fail_a, (unsigned long long)ex.fail_b,
			 (unsigned)ex.failures);
		FT_FAIL(msg);
	}
}

static flue_type_t reg(struct flue_type_desc d)
{
	flue_type_t t = 0;
	FT_EQ(flue_type_register(&ex.store, &d, &t), 0);
	return t;
}

void ex_setup(void)
{
	memset(&ex, 0, sizeof ex);
	flue_store_init(&ex.store, 0, 0);
	flue_exec_on_trap(&ex.store, on_trap, 0);
	ex.u8 = reg((struct flue_type_desc){ .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_U8 });
	ex.u32 = reg((struct flue_type_desc){ .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_U32 });
	ex.unit = reg((struct flue_type_desc){ .kind = FLUE_TYPE_UNIT });
}

struct flue_instance *ex_new(void)
{
	struct ex_inst *e = &ex.in[ex.ninst++];
	FT_EQ(flue_instance_create(&ex.store, &e->inst), 0);
	e->data = e->mem;
	e->size = EX_MEM;
	flue_instance_set_memory(e->inst, &e->data, &e->size);
	return e->inst;
}

static struct ex_inst *find(struct flue_instance *inst)
{
	for (uint32_t i = 0; i < ex.ninst; i++)
		if (ex.in[i].inst == inst)
			return &ex.in[i];
	return 0;
}

uint8_t *ex_mem(struct flue_instance *inst)
{
	return find(inst)->mem;
}

uint32_t ex_alloc(struct flue_instance *inst, uint32_t align, uint32_t size)
{
	struct ex_inst *e = find(inst);
	uint32_t p = (e->last_alloc + align - 1u) / align * align;
	e->last_alloc = p + size;
	EX_TRUE(e->last_alloc <= EX_MEM);
	return p;
}

uint32_t ex_realloc(void *user, struct flue_instance *inst, uint32_t old_ptr, uint32_t old_size,
		    uint32_t align, uint32_t new_size)
{
	(void)user;
	(void)old_ptr;
	(void)old_size;
	return ex_alloc(inst, align, new_size);
}

void ex_set_backpressure(struct flue_instance *inst, uint16_t v)
{
	inst->backpressure = v;
}

bool ex_may_leave(const struct flue_instance *inst)
{
	return inst->may_leave;
}

uint8_t ex_sub_state(const struct flue_instance *inst, uint32_t subi)
{
	return ex.store.tasks[inst->handles[subi].u.sub.task].sub_state;
}

bool ex_has_event(const struct flue_instance *inst, uint32_t i)
{
	return inst->handles[i].u.end.w.has_event;
}

bool ex_exclusive_held(const struct flue_instance *inst)
{
	return inst->exclusive != FLUE_TASK_NONE;
}

uint8_t ex_handle_kind(const struct flue_instance *inst, uint32_t i)
{
	return inst->handles[i].kind;
}

uint32_t ex_res_lends(const struct flue_instance *inst, uint32_t i)
{
	return inst->handles[i].u.res.lends;
}

uint32_t ex_table_len(const struct flue_instance *inst)
{
	return inst->len;
}

uint32_t ex_sched_depth(void)
{
	return ex.store.sched.depth;
}

int ex_run(void)
{
	return flue_run_until_idle(&ex.store);
}
