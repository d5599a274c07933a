/*
 * The gated images' runtime entries (gated.h): for each built-in guest code
 * calls (and the host API and the fixture's white-box helpers, which the
 * suites' guest code calls too), `__wrap_<name>` (what the suites' calls reach: the image is
 * linked with -Wl,--wrap=<name>, tests/gated/gated.cmake) and a service.
 * Unprivileged, the wrapper puts its arguments in a frame on the guest's
 * stack and calls flue_port_gate(); the service, privileged on the runtime
 * stack that entered the guest, runs the real built-in (`__real_<name>`)
 * on the frame. Privileged callers (test bodies, host functions, the
 * runtime itself) call through. A trap the built-in raises unwinds from
 * the service through the gate to the executor, as in flue-build's
 * isolated programs.
 *
 * One service per built-in, in the order of GX_BUILTINS: the gate's index
 * says which, never a pointer guest code could forge. stream.forward and
 * future.forward are not here: the library these images link is built
 * without them (their suites are host-only, cmake/target.cmake).
 */
#include <stdbool.h>
#include <stdint.h>

#include <flue/abi.h>
#include <flue/exec.h>
#include <flue/host.h>
#include <flue/port.h>
#include <flue/store.h>

#include "exec_test.h"
#include "gated.h"

#define GX_BUILTINS(X)                                                                    \
	X(flue_canon_stream_new) X(flue_canon_stream_read) X(flue_canon_stream_write)     \
	X(flue_canon_stream_cancel_read) X(flue_canon_stream_cancel_write)               \
	X(flue_canon_stream_drop_readable) X(flue_canon_stream_drop_writable)             \
	X(flue_canon_future_new) X(flue_canon_future_read) X(flue_canon_future_write)     \
	X(flue_canon_future_cancel_read) X(flue_canon_future_cancel_write)               \
	X(flue_canon_future_drop_readable) X(flue_canon_future_drop_writable)             \
	X(flue_canon_waitable_set_new) X(flue_canon_waitable_set_wait)                    \
	X(flue_canon_waitable_set_poll) X(flue_canon_waitable_set_drop)                   \
	X(flue_canon_waitable_join) X(flue_canon_backpressure_inc)                        \
	X(flue_canon_backpressure_dec) X(flue_canon_error_context_new)                    \
	X(flue_canon_error_context_debug_message) X(flue_canon_error_context_drop)        \
	X(flue_canon_task_return) X(flue_canon_task_cancel) X(flue_canon_subtask_drop)    \
	X(flue_canon_subtask_cancel) X(flue_canon_context_get) X(flue_canon_context_set)  \
	X(flue_canon_thread_yield) X(flue_call_lowered) X(flue_wait_until)                \
	X(flue_host_drop) X(flue_host_future_new) X(flue_host_poll) X(flue_host_read)     \
	X(flue_host_return) X(flue_host_stream_new) X(flue_host_write)                    \
	X(flue_host_cancelled) X(flue_host_post_return)                                   \
	X(ex_set_backpressure) X(ex_may_leave) X(ex_sub_state) X(ex_has_event)            \
	X(ex_sched_depth) X(ex_exclusive_held)                                            \
	X(flue_trap_raise)

#define GX_INDEX(name) GX_##name,
enum { GX_BUILTINS(GX_INDEX) GX_COUNT };

volatile uint32_t gx_gate_calls;

/* Guest side: hand the frame to service k. */
static void gx_gate(uint32_t k, void *frame)
{
	(void)flue_port_gate(k, (uint32_t)(uintptr_t)frame, 0u, 0u);
}

/*
 * GX<n>(R, name, T0 .. Tn-1): a built-in with n parameters returning R;
 * GXV<n>(name, T0 .. Tn-1): one returning nothing. Each defines the frame,
 * the service `name##_svc` and the wrapper.
 */
/* The wrapper has the built-in's own type (a prototype written here that
 * drifted from the header would otherwise link and corrupt arguments). */
#define GX_SAME(name)                                                                  \
	_Static_assert(__builtin_types_compatible_p(__typeof__(name), __typeof__(__wrap_##name)), \
		       #name " and its wrapper differ");
#define GX_SVC_HEAD(name)                                                              \
	static uint32_t name##_svc(uint32_t p, uint32_t u1, uint32_t u2)              \
	{                                                                             \
		struct name##_f *f = (struct name##_f *)(uintptr_t)p;                 \
		(void)u1;                                                             \
		(void)u2;                                                             \
		gx_gate_calls++;
#define GX_GUEST(name, ...)                                                            \
	if (!flue_port_unprivileged())                                                \
		return __real_##name(__VA_ARGS__);                                    \
	struct name##_f f = { 0, __VA_ARGS__ };                                       \
	gx_gate(GX_##name, &f);
#define GX_GUEST_V(name, ...)                                                          \
	if (!flue_port_unprivileged()) {                                              \
		__real_##name(__VA_ARGS__);                                           \
		return;                                                               \
	}                                                                             \
	struct name##_f f = { __VA_ARGS__ };                                          \
	gx_gate(GX_##name, &f);

#define GX1(R, name, T0)                                                               \
	R __real_##name(T0);                                                          \
	R __wrap_##name(T0);                                                          \
	GX_SAME(name)                                                                 \
	struct name##_f { R r; T0 a0; };                                              \
	GX_SVC_HEAD(name) f->r = __real_##name(f->a0); return 0; }                     \
	R __wrap_##name(T0 a0) { GX_GUEST(name, a0) return f.r; }
#define GX2(R, name, T0, T1)                                                           \
	R __real_##name(T0, T1);                                                      \
	R __wrap_##name(T0, T1);                                                      \
	GX_SAME(name)                                                                 \
	struct name##_f { R r; T0 a0; T1 a1; };                                       \
	GX_SVC_HEAD(name) f->r = __real_##name(f->a0, f->a1); return 0; }              \
	R __wrap_##name(T0 a0, T1 a1) { GX_GUEST(name, a0, a1) return f.r; }
#define GX3(R, name, T0, T1, T2)                                                       \
	R __real_##name(T0, T1, T2);                                                  \
	R __wrap_##name(T0, T1, T2);                                                  \
	GX_SAME(name)                                                                 \
	struct name##_f { R r; T0 a0; T1 a1; T2 a2; };                                \
	GX_SVC_HEAD(name) f->r = __real_##name(f->a0, f->a1, f->a2); return 0; }       \
	R __wrap_##name(T0 a0, T1 a1, T2 a2) { GX_GUEST(name, a0, a1, a2) return f.r; }
#define GX4(R, name, T0, T1, T2, T3)                                                   \
	R __real_##name(T0, T1, T2, T3);                                              \
	R __wrap_##name(T0, T1, T2, T3);                                              \
	GX_SAME(name)                                                                 \
	struct name##_f { R r; T0 a0; T1 a1; T2 a2; T3 a3; };                         \
	GX_SVC_HEAD(name) f->r = __real_##name(f->a0, f->a1, f->a2, f->a3); return 0; } \
	R __wrap_##name(T0 a0, T1 a1, T2 a2, T3 a3)                                   \
	{ GX_GUEST(name, a0, a1, a2, a3) return f.r; }
#define GX5(R, name, T0, T1, T2, T3, T4)                                               \
	R __real_##name(T0, T1, T2, T3, T4);                                          \
	R __wrap_##name(T0, T1, T2, T3, T4);                                          \
	GX_SAME(name)                                                                 \
	struct name##_f { R r; T0 a0; T1 a1; T2 a2; T3 a3; T4 a4; };                  \
	GX_SVC_HEAD(name) f->r = __real_##name(f->a0, f->a1, f->a2, f->a3, f->a4);    \
	return 0; }                                                                   \
	R __wrap_##name(T0 a0, T1 a1, T2 a2, T3 a3, T4 a4)                            \
	{ GX_GUEST(name, a0, a1, a2, a3, a4) return f.r; }
#define GX6(R, name, T0, T1, T2, T3, T4, T5)                                           \
	R __real_##name(T0, T1, T2, T3, T4, T5);                                      \
	R __wrap_##name(T0, T1, T2, T3, T4, T5);                                      \
	GX_SAME(name)                                                                 \
	struct name##_f { R r; T0 a0; T1 a1; T2 a2; T3 a3; T4 a4; T5 a5; };           \
	GX_SVC_HEAD(name)                                                             \
	f->r = __real_##name(f->a0, f->a1, f->a2, f->a3, f->a4, f->a5); return 0; }   \
	R __wrap_##name(T0 a0, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5)                     \
	{ GX_GUEST(name, a0, a1, a2, a3, a4, a5) return f.r; }

#define GXV1(name, T0)                                                                 \
	void __real_##name(T0);                                                       \
	void __wrap_##name(T0);                                                       \
	GX_SAME(name)                                                                 \
	struct name##_f { T0 a0; };                                                   \
	GX_SVC_HEAD(name) __real_##name(f->a0); return 0; }                            \
	void __wrap_##name(T0 a0) { GX_GUEST_V(name, a0) }
#define GXV2(name, T0, T1)                                                             \
	void __real_##name(T0, T1);                                                   \
	void __wrap_##name(T0, T1);                                                   \
	GX_SAME(name)                                                                 \
	struct name##_f { T0 a0; T1 a1; };                                            \
	GX_SVC_HEAD(name) __real_##name(f->a0, f->a1); return 0; }                     \
	void __wrap_##name(T0 a0, T1 a1) { GX_GUEST_V(name, a0, a1) }
#define GXV3(name, T0, T1, T2)                                                         \
	void __real_##name(T0, T1, T2);                                               \
	void __wrap_##name(T0, T1, T2);                                               \
	GX_SAME(name)                                                                 \
	struct name##_f { T0 a0; T1 a1; T2 a2; };                                     \
	GX_SVC_HEAD(name) __real_##name(f->a0, f->a1, f->a2); return 0; }              \
	void __wrap_##name(T0 a0, T1 a1, T2 a2) { GX_GUEST_V(name, a0, a1, a2) }
#define GXV4(name, T0, T1, T2, T3)                                                     \
	void __real_##name(T0, T1, T2, T3);                                           \
	void __wrap_##name(T0, T1, T2, T3);                                           \
	GX_SAME(name)                                                                 \
	struct name##_f { T0 a0; T1 a1; T2 a2; T3 a3; };                              \
	GX_SVC_HEAD(name) __real_##name(f->a0, f->a1, f->a2, f->a3); return 0; }       \
	void __wrap_##name(T0 a0, T1 a1, T2 a2, T3 a3) { GX_GUEST_V(name, a0, a1, a2, a3) }

#define INST struct flue_instance *
#define TY flue_type_t
#define U32 uint32_t

GX2(uint64_t, flue_canon_stream_new, INST, TY)
GX6(U32, flue_canon_stream_read, INST, TY, U32, U32, U32, U32)
GX6(U32, flue_canon_stream_write, INST, TY, U32, U32, U32, U32)
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
GXV4(flue_canon_task_return, INST, const struct flue_valtype *, const uint64_t *, U32)
GXV1(flue_canon_task_cancel, INST)
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

/* The fixture's white-box access to runtime state (exec_test.h). */
GXV2(ex_set_backpressure, INST, uint16_t)
GX1(bool, ex_may_leave, const struct flue_instance *)
GX2(uint8_t, ex_sub_state, const struct flue_instance *, U32)
GX2(bool, ex_has_event, const struct flue_instance *, U32)
GX1(bool, ex_exclusive_held, const struct flue_instance *)

/* No parameter: the frame holds the result only. */
uint32_t __real_ex_sched_depth(void);
uint32_t __wrap_ex_sched_depth(void);
GX_SAME(ex_sched_depth)
struct ex_sched_depth_f {
	uint32_t r;
};
GX_SVC_HEAD(ex_sched_depth) f->r = __real_ex_sched_depth(); return 0; }
uint32_t __wrap_ex_sched_depth(void)
{
	if (!flue_port_unprivileged())
		return __real_ex_sched_depth();
	struct ex_sched_depth_f f = { 0 };
	gx_gate(GX_ex_sched_depth, &f);
	return f.r;
}

/* flue_trap_raise() never returns: neither does its service (the trap
 * unwinds through the gate), so neither does the wrapper. */
_Noreturn void __real_flue_trap_raise(INST, enum flue_trap_reason);
_Noreturn void __wrap_flue_trap_raise(INST, enum flue_trap_reason);
struct flue_trap_raise_f {
	INST a0;
	enum flue_trap_reason a1;
};
GX_SAME(flue_trap_raise)
GX_SVC_HEAD(flue_trap_raise) __real_flue_trap_raise(f->a0, f->a1); }
_Noreturn void __wrap_flue_trap_raise(INST a0, enum flue_trap_reason a1)
{
	if (!flue_port_unprivileged())
		__real_flue_trap_raise(a0, a1);
	struct flue_trap_raise_f f = { a0, a1 };
	gx_gate(GX_flue_trap_raise, &f);
	__builtin_trap(); /* the service came back: the gate is broken */
}

#define GX_ENTRY(name) name##_svc,
const flue_port_service_fn gx_builtin_services[] = { GX_BUILTINS(GX_ENTRY) };
const uint32_t gx_builtin_count = GX_COUNT;
_Static_assert(sizeof gx_builtin_services / sizeof gx_builtin_services[0] == GX_COUNT,
	       "one service per built-in");
