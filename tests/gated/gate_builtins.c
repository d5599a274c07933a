/*
 * The runtime entries every gated image wraps (gate_wrap.h's GX_BUILTINS):
 * their wrappers and services, and the two halves of a gate call
 * (gx_gate on the guest side, gx_serve on the service side). A trap the
 * entry raises unwinds from the service through the gate to the executor
 * (target.exec.gated, as in flue-build's isolated programs) or, in an image
 * that catches traps, back to the service (gx_serve).
 */
#include <stdbool.h>
#include <stdint.h>

#include <flue/abi.h>
#include <flue/exec.h>
#include <flue/host.h>
#include <flue/port.h>
#include <flue/port_mpu.h>
#include <flue/store.h>

#include "../../src/abi/val.h"
#include "../../src/abi/values.h"
#include "gate_wrap.h"
#include "gated.h"
#include "iso.h"

volatile uint32_t gx_gate_calls;
bool gx_fault_expected;
bool gx_catch_traps;
void (*gx_on_trap)(void);
/* Set by gx_serve when the entry it ran trapped; read and cleared by the
 * guest side (gx_gate) right after the gate call returns. */
static volatile bool gx_trapped;

uint32_t gx_install(struct flue_mpu_write *program, const void *store, uint32_t block,
		    const flue_port_service_fn *services, uint32_t n)
{
	int32_t len = iso_hole_domain(program, store, block);
#if defined(ISO_V8)
	if (flue_port_mpu_set_mair(ISO_MAIR0, 0u) != 0)
		__builtin_trap();
#endif
	if (len <= 0 || flue_port_gate_set_services(services, n) != 0)
		__builtin_trap(); /* a gated image that cannot gate */
	return (uint32_t)len;
}

void gx_gate(uint32_t k, void *frame)
{
	(void)flue_port_gate(k, (uint32_t)(uintptr_t)frame, 0u, 0u);
	if (gx_trapped) {
		gx_trapped = false;
		gx_on_trap();
	}
}

void gx_serve(void (*run)(void *frame), void *frame)
{
	gx_gate_calls++;
	if (!gx_catch_traps)
		run(frame);
	else if (flue_port_try(run, frame) != 0)
		gx_trapped = true;
}


GX2(uint64_t, flue_canon_stream_new, INST, TY)
GX6(U32, flue_canon_stream_read, INST, TY, U32, U32, U32, U32)
GX6(U32, flue_canon_stream_write, INST, TY, U32, U32, U32, U32)
typedef const struct flue_string_opts *SO;
GX7(U32, flue_canon_stream_read_opts, INST, TY, U32, SO, U32, U32, U32)
GX7(U32, flue_canon_stream_write_opts, INST, TY, U32, SO, U32, U32, U32)
GX6(U32, flue_canon_future_read_opts, INST, TY, U32, SO, U32, U32)
GX6(U32, flue_canon_future_write_opts, INST, TY, U32, SO, U32, U32)
GX4(int, flue_type_register_value, struct flue_store *, const struct flue_tgraph *, uint16_t,
    TY *)
GX4(U32, flue_canon_stream_cancel_read, INST, TY, U32, U32)
GX4(U32, flue_canon_stream_cancel_write, INST, TY, U32, U32)
GXV3(flue_canon_stream_drop_readable, INST, TY, U32)
GXV3(flue_canon_stream_drop_writable, INST, TY, U32)
GX2(uint64_t, flue_canon_future_new, INST, TY)
GX5(U32, flue_canon_future_read, INST, TY, U32, U32, U32)
GX5(U32, flue_canon_future_write, INST, TY, U32, U32, U32)
GX4(U32, flue_canon_future_cancel_read, INST, TY, U32, U32)
GX4(U32, flue_canon_future_cancel_write, INST, TY, U32, U32)
GXV3(flue_canon_future_drop_readable, INST, TY, U32)
GXV3(flue_canon_future_drop_writable, INST, TY, U32)
GX1(U32, flue_canon_waitable_set_new, INST)
GX3(U32, flue_canon_waitable_set_wait, INST, U32, U32)
GX3(U32, flue_canon_waitable_set_poll, INST, U32, U32)
GXV2(flue_canon_waitable_set_drop, INST, U32)
GXV3(flue_canon_waitable_join, INST, U32, U32)
GXV1(flue_canon_backpressure_inc, INST)
GXV1(flue_canon_backpressure_dec, INST)
GX3(U32, flue_canon_error_context_new, INST, U32, U32)
GXV3(flue_canon_error_context_debug_message, INST, U32, U32)
GXV2(flue_canon_error_context_drop, INST, U32)
GXV4(flue_canon_error_context_debug_message_opts, INST, const struct flue_string_opts *, U32,
     U32)
GXV4(flue_canon_task_return, INST, const struct flue_valtype *, const uint64_t *, U32)
GXV5(flue_canon_task_return_typed, INST, const struct flue_tgraph *, const uint16_t *,
     const uint64_t *, U32)
GXV1(flue_canon_task_cancel, INST)
GX3(U32, flue_canon_resource_new, INST, flue_rtype_t, U32)
GXV3(flue_canon_resource_drop, INST, flue_rtype_t, U32)
GX3(U32, flue_canon_resource_rep, INST, flue_rtype_t, U32)
GXV2(flue_canon_subtask_drop, INST, U32)
GX3(U32, flue_canon_subtask_cancel, INST, U32, U32)
GX2(U32, flue_canon_context_get, INST, U32)
GXV3(flue_canon_context_set, INST, U32, U32)
GX1(U32, flue_canon_thread_yield, INST)
GX3(flue_flat_t, flue_call_lowered, const struct flue_lowered *, const flue_flat_t *, U32)
typedef bool (*gx_ready_fn)(void *);
GX4(bool, flue_wait_until, struct flue_store *, gx_ready_fn, void *, bool)

/* The suites' guest code also plays the reference tests' host (its
 * Python code runs anywhere): the host API is a runtime entry too. */
GX2(int, flue_host_drop, INST, U32)
GX4(int, flue_host_future_new, INST, TY, U32 *, U32 *)
GX3(int, flue_host_poll, INST, U32, struct flue_host_outcome *)
GX5(int, flue_host_read, INST, U32, void *, U32, struct flue_host_outcome *)
GX3(int, flue_host_return, struct flue_store *, flue_call_t, const struct flue_values *)
GX4(int, flue_host_stream_new, INST, TY, U32 *, U32 *)
GX5(int, flue_host_write, INST, U32, const void *, U32, struct flue_host_outcome *)
GX2(int, flue_host_cancelled, struct flue_store *, flue_call_t)
GX3(int, flue_host_post_return, struct flue_store *, flue_call_t, const struct flue_values *)

GX3(int, flue_host_cancel, INST, U32, struct flue_host_outcome *)
GX4(int, flue_host_create, struct flue_store *, void *, U32, INST *)

/* The object API (the built-in suites' bodies set up what they test). */
GX2(int, flue_instance_create, struct flue_store *, INST *)
GXV1(flue_instance_destroy, INST)
GX1(bool, flue_instance_has_memory, const struct flue_instance *)
GXV3(flue_instance_set_memory, INST, uint8_t *const *, const uint64_t *)
GXV3(flue_instance_set_memory32, INST, uint8_t *const *, const U32 *)
GX5(int, flue_end_transfer, INST, U32, TY, INST, U32 *)
GX3(int, flue_type_register, struct flue_store *, const struct flue_type_desc *, TY *)
GX2(const struct flue_type_info *, flue_type_get, const struct flue_store *, TY)
GXV7(flue_values_lift, INST, const struct flue_valtype *, U32, U32, const flue_flat_t *, U32,
     struct flue_values *)
typedef uint32_t (*gx_alloc_fn)(void *, uint32_t, uint32_t);
GXV10(flue_values_lower, INST, const struct flue_valtype *, U32, U32, const struct flue_values *,
      flue_flat_t *, U32 *, const U32 *, gx_alloc_fn, void *)
GX3(U32, flue_values_put_end, INST, uint8_t, uint16_t)
GXV1(flue_vals_move, const struct flue_vmove *)
GXV1(flue_vals_check, const struct flue_vmove *)
GX5(int, flue_values_take_end, INST, uint8_t, TY, U32, uint16_t *)
GX6(int, flue_invoke, struct flue_func *, INST, flue_on_start_fn, flue_on_resolve_fn, void *,
    flue_call_t *)
GX1(int, flue_run, struct flue_store *)
typedef void (*gx_on_trap_fn)(void *, struct flue_instance *, enum flue_trap_reason);
GXV3(flue_exec_on_trap, struct flue_store *, gx_on_trap_fn, void *)
GXV1(flue_store_pump, struct flue_store *)
GX4(int, flue_resource_type_register, struct flue_store *, INST, struct flue_func *,
    flue_rtype_t *)
typedef struct flue_hval HV;
/* GX2 for a struct result: the frame is initialised by member (GX_GUEST
 * starts it with a scalar 0 for the result). */
#define GXS2(R, name, T0, T1)                                                          \
	GX_PROTO(R, name, T0, T1)                                                     \
	struct name##_f { R r; T0 a0; T1 a1; };                                       \
	GX_SVC(name, f->r = __real_##name(f->a0, f->a1))                              \
	R __wrap_##name(T0 a0, T1 a1)                                                 \
	{                                                                             \
		if (!flue_port_unprivileged())                                        \
			return __real_##name(a0, a1);                                 \
		struct name##_f f = { .a0 = a0, .a1 = a1 };                           \
		gx_gate(GX_##name, &f);                                               \
		return f.r;                                                           \
	}
GXS2(HV, flue_hvals_get, const struct flue_hvals *, U32)
GX1(uint64_t, flue_hval_num, HV)
GXS2(HV, flue_hval_field, HV, U32)
GX2(U32, flue_hval_case, HV, HV *)
GX1(U32, flue_hval_count, HV)
GXS2(HV, flue_hval_elem, HV, U32)
GX4(int, flue_hval_entry, HV, U32, HV *, HV *)
GX3(const uint8_t *, flue_hval_bytes, HV, U32 *, uint8_t *)

/* Drivers' API (a driver's side of channels and rings; it takes the port's
 * lock, which unprivileged code cannot). */
GX4(int, flue_channel_init, struct flue_channel *, void *, U32, U32)
GX6(int, flue_channel_attach, struct flue_channel *, INST, TY, bool, bool, U32 *)
GX3(int32_t, flue_channel_send, struct flue_channel *, const void *, U32)
GX3(int32_t, flue_channel_recv, struct flue_channel *, void *, U32)
GXV1(flue_channel_close, struct flue_channel *)
GX3(int, flue_ring_init, struct flue_ring *, U32, U32)
GX2(int, flue_ring_place, struct flue_ring *, void *)
GX5(int, flue_ring_connect, struct flue_ring *, enum flue_ring_role, INST, TY, U32 *)
GX3(int32_t, flue_ring_put_claim, struct flue_ring *, U32, void **)
GX2(int, flue_ring_put_commit, struct flue_ring *, U32)
GX3(int32_t, flue_ring_get_copy, struct flue_ring *, void *, U32)
GX1(U32, flue_ring_used, const struct flue_ring *)
GXV1(flue_ring_close, struct flue_ring *)
GXV4(flue_abi_ring_attach, INST, struct flue_ring *, U32, U32)
GX3(uint64_t, flue_abi_ring_claim, INST, struct flue_ring *, U32)
GXV3(flue_abi_ring_finish, INST, struct flue_ring *, U32)
GX2(U32, flue_abi_ring_ready, INST, struct flue_ring *)

/* flue_trap_raise() never returns: neither does its service (the trap
 * unwinds through the gate, or to gx_serve and then gx_on_trap), so
 * neither does the wrapper. */
_Noreturn void __real_flue_trap_raise(INST, enum flue_trap_reason);
_Noreturn void __wrap_flue_trap_raise(INST, enum flue_trap_reason);
struct flue_trap_raise_f {
	INST a0;
	enum flue_trap_reason a1;
};
GX_SAME(flue_trap_raise)
GX_SVC(flue_trap_raise, __real_flue_trap_raise(f->a0, f->a1))
_Noreturn void __wrap_flue_trap_raise(INST a0, enum flue_trap_reason a1)
{
	if (!flue_port_unprivileged())
		__real_flue_trap_raise(a0, a1);
	struct flue_trap_raise_f f = { a0, a1 };
	gx_gate(GX_flue_trap_raise, &f);
	__builtin_trap(); /* the service came back: the gate is broken */
}
