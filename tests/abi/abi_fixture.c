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
		longjmp(fx.jmp, 1);
	/* An unexpected trap fails the test with its reason. */
	FT_EQ(r, FLUE_TRAP_NONE);
	FT_FAIL("unexpected trap");
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
