#include "abi_test.h"

struct fx fx;

static void trap_hook(void *ctx, struct flue_instance *inst, enum flue_trap_reason r,
		      uint32_t handle)
{
	(void)ctx;
	(void)inst;
	fx.reason = r;
	fx.handle = handle;
	if (fx.armed)
		fx_trap_unwind();
	/* An unexpected trap fails the test with its reason. */
	FT_EQ(r, FLUE_TRAP_NONE);
	FT_FAIL("unexpected trap");
}

__attribute__((weak)) _Noreturn void fx_trap_unwind(void)
{
	longjmp(fx.jmp, 1);
}

uint64_t fx_peek(const void *p, uint32_t n)
{
	uint64_t v = 0;
	if (n > sizeof v)
		FT_FAIL("FX_READ of more than 8 bytes");
	memcpy(&v, p, n); /* little-endian: the low bytes are the value */
	return v;
}

uint8_t fx_end_state(const struct flue_instance *inst, uint32_t h)
{
	return (uint8_t)inst->handles[h].u.end.state;
}

void fx_copy_instance(struct flue_instance *to, const struct flue_instance *from)
{
	*to = *from;
}

void fx_set_may_leave(struct flue_instance *inst, bool may_leave)
{
	inst->may_leave = may_leave;
}

void fx_set_block_hook(flue_block_hook_t hook)
{
	fx.store.block_hook = hook;
}

static flue_type_t reg(struct flue_type_desc d)
{
	flue_type_t t = 0;
	FT_EQ(flue_type_register(&fx.store, &d, &t), 0);
	return t;
}

void fx_setup(void)
{
	memset(&fx, 0, sizeof fx);
	flue_store_init(&fx.store, trap_hook, NULL);
	FT_EQ(flue_instance_create(&fx.store, &fx.a), 0);
	FT_EQ(flue_instance_create(&fx.store, &fx.b), 0);
	fx.a_data = fx.a_mem;
	fx.b_data = fx.b_mem;
	fx.a_size = MEM_SIZE;
	fx.b_size = MEM_SIZE;
	flue_instance_set_memory(fx.a, &fx.a_data, &fx.a_size);
	flue_instance_set_memory(fx.b, &fx.b_data, &fx.b_size);
	fx.unit = reg((struct flue_type_desc){ .kind = FLUE_TYPE_UNIT });
	fx.u8 = reg((struct flue_type_desc){ .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_U8 });
	fx.u32 = reg((struct flue_type_desc){ .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_U32 });
	fx.f64 = reg((struct flue_type_desc){ .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_F64 });
	fx.rec = reg((struct flue_type_desc){ .kind = FLUE_TYPE_RECORD, .nfields = 2,
					      .fields = { FLUE_NUM_U8, FLUE_NUM_U32 } });
}

uint32_t pass(struct flue_instance *from, uint32_t r, flue_type_t t, struct flue_instance *to)
{
	uint32_t out = 0;
	FT_EQ(flue_end_transfer(from, r, t, to, &out), 0);
	return out;
}
