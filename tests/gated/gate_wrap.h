/*
 * How the gated images (gated.h) wrap a runtime entry: for `name`,
 * `__wrap_name` (what the suites' calls reach: each image is linked with
 * -Wl,--wrap=name, gated.cmake) and a service `name##_svc`.
 * Unprivileged, the wrapper puts its arguments in a frame on the guest's
 * stack and calls flue_port_gate() with the entry's index `GX_name`; the
 * service, privileged on the runtime stack that entered the guest, runs
 * the real entry (`__real_name`) on the frame (gx_serve). Privileged callers
 * (test bodies of target.exec.gated, host functions, the runtime itself)
 * call through.
 *
 * GX_BUILTINS: the runtime entries every gated image wraps (the built-ins,
 * the host, object, channel and ring API the suites' guest code uses). Each
 * image adds its own entries after them (gate_exec.c, gate_abi.c), and its
 * service table is GX_BUILTINS then its own, in order: the gate's index
 * says which, never a pointer guest code could forge.
 *
 * Included by the files that instantiate wrappers (GXn / GXVn below).
 */
#ifndef FLUE_GATE_WRAP_H
#define FLUE_GATE_WRAP_H

#include <stdbool.h>
#include <stdint.h>

#include <flue/abi.h>
#include <flue/channel.h>
#include <flue/exec.h>
#include <flue/host.h>
#include <flue/port.h>
#include <flue/hval.h>
#include <flue/resource.h>
#include <flue/ring.h>
#include <flue/store.h>

/* Not here: stream.forward and future.forward (the library these images
 * link is built without them: their suites are host-only), flue_lift and
 * flue_store_init (each image treats them its own way), and the pure
 * functions (flue_functype_check, flue_flat_count, flue_trap_message, ...):
 * guest code calls those directly, and they would fault if they touched
 * runtime state. */
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
	X(flue_canon_error_context_debug_message_opts)                                    \
	X(flue_canon_task_return) X(flue_canon_task_return_typed) X(flue_canon_task_cancel) \
	X(flue_canon_subtask_drop) X(flue_canon_resource_new) X(flue_canon_resource_drop) \
	X(flue_canon_resource_rep)                                                        \
	X(flue_canon_subtask_cancel) X(flue_canon_context_get) X(flue_canon_context_set)  \
	X(flue_canon_thread_yield) X(flue_call_lowered) X(flue_wait_until)                \
	X(flue_abi_ring_attach) X(flue_abi_ring_claim) X(flue_abi_ring_finish)            \
	X(flue_abi_ring_ready)                                                            \
	X(flue_host_drop) X(flue_host_future_new) X(flue_host_poll) X(flue_host_read)     \
	X(flue_host_return) X(flue_host_stream_new) X(flue_host_write)                    \
	X(flue_host_cancelled) X(flue_host_post_return) X(flue_host_cancel)               \
	X(flue_host_create)                                                               \
	X(flue_instance_create) X(flue_instance_destroy) X(flue_instance_has_memory)      \
	X(flue_instance_set_memory) X(flue_instance_set_memory32) X(flue_end_transfer)    \
	X(flue_type_register) X(flue_type_get) X(flue_values_lift) X(flue_values_lower)   \
	X(flue_values_put_end) X(flue_values_take_end) X(flue_vals_move) X(flue_vals_check) \
	X(flue_invoke) X(flue_run) X(flue_exec_on_trap) X(flue_store_pump)                \
	X(flue_channel_init) X(flue_channel_attach) X(flue_channel_send)                  \
	X(flue_channel_recv) X(flue_channel_close)                                        \
	X(flue_ring_init) X(flue_ring_place) X(flue_ring_connect) X(flue_ring_put_claim)  \
	X(flue_ring_put_commit) X(flue_ring_get_copy) X(flue_ring_used) X(flue_ring_close) \
	X(flue_trap_raise) X(flue_resource_type_register) X(flue_hvals_get) X(flue_hval_num)  \
	X(flue_hval_field) X(flue_hval_case) X(flue_hval_count) X(flue_hval_elem)        \
	X(flue_hval_entry) X(flue_hval_bytes)                                             \
	X(flue_canon_stream_read_opts) X(flue_canon_stream_write_opts)                   \
	X(flue_canon_future_read_opts) X(flue_canon_future_write_opts)                   \
	X(flue_type_register_value)

#define GX_INDEX(name) GX_##name,
enum { GX_BUILTINS(GX_INDEX) GX_COUNT };
#define GX_ENTRY(name) name##_svc,
#define GX_DECLARE(name) uint32_t name##_svc(uint32_t p, uint32_t u1, uint32_t u2);
GX_BUILTINS(GX_DECLARE)

/* Service side: run `run(frame)`. In an image that catches traps
 * (gx_catch_traps: the built-in suites, whose case bodies are guest code
 * and catch traps with FT_TRAPS) inside a flue_port_try(), so that a trap
 * raised in it returns here (the fixture's trap hook unwinds) and the guest
 * side learns of it (gx_gate); elsewhere a trap unwinds through the gate to
 * the executor, as in flue-build's isolated programs. */
void gx_serve(void (*run)(void *frame), void *frame);
/* Guest side: hand the frame to service k; if the entry trapped (caught by
 * gx_serve), gx_on_trap() — never returns then. */
void gx_gate(uint32_t k, void *frame);
extern bool gx_catch_traps;
extern void (*gx_on_trap)(void);

/* The wrapper has the entry's own type (a prototype written here that
 * drifted from the header would otherwise link and corrupt arguments). */
#define GX_SAME(name)                                                                  \
	_Static_assert(__builtin_types_compatible_p(__typeof__(name), __typeof__(__wrap_##name)), \
		       #name " and its wrapper differ");
#define GX_SVC(name, call)                                                             \
	static void name##_run(void *frame)                                           \
	{                                                                             \
		struct name##_f *f = frame;                                           \
		call;                                                                 \
	}                                                                             \
	uint32_t name##_svc(uint32_t p, uint32_t u1, uint32_t u2)                     \
	{                                                                             \
		(void)u1;                                                             \
		(void)u2;                                                             \
		gx_serve(name##_run, (void *)(uintptr_t)p);                           \
		return 0;                                                             \
	}
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
#define GX_PROTO(R, name, ...)                                                         \
	R __real_##name(__VA_ARGS__);                                                 \
	R __wrap_##name(__VA_ARGS__);                                                 \
	GX_SAME(name)

/*
 * GX<n>(R, name, T0 .. Tn-1): an entry with n parameters returning R;
 * GXV<n>(name, T0 .. Tn-1): one returning nothing. Each defines the frame,
 * the service and the wrapper.
 */
#define GX1(R, name, T0)                                                               \
	GX_PROTO(R, name, T0)                                                         \
	struct name##_f { R r; T0 a0; };                                              \
	GX_SVC(name, f->r = __real_##name(f->a0))                                     \
	R __wrap_##name(T0 a0) { GX_GUEST(name, a0) return f.r; }
#define GX2(R, name, T0, T1)                                                           \
	GX_PROTO(R, name, T0, T1)                                                     \
	struct name##_f { R r; T0 a0; T1 a1; };                                       \
	GX_SVC(name, f->r = __real_##name(f->a0, f->a1))                              \
	R __wrap_##name(T0 a0, T1 a1) { GX_GUEST(name, a0, a1) return f.r; }
#define GX3(R, name, T0, T1, T2)                                                       \
	GX_PROTO(R, name, T0, T1, T2)                                                 \
	struct name##_f { R r; T0 a0; T1 a1; T2 a2; };                                \
	GX_SVC(name, f->r = __real_##name(f->a0, f->a1, f->a2))                       \
	R __wrap_##name(T0 a0, T1 a1, T2 a2) { GX_GUEST(name, a0, a1, a2) return f.r; }
#define GX4(R, name, T0, T1, T2, T3)                                                   \
	GX_PROTO(R, name, T0, T1, T2, T3)                                             \
	struct name##_f { R r; T0 a0; T1 a1; T2 a2; T3 a3; };                         \
	GX_SVC(name, f->r = __real_##name(f->a0, f->a1, f->a2, f->a3))                \
	R __wrap_##name(T0 a0, T1 a1, T2 a2, T3 a3)                                   \
	{ GX_GUEST(name, a0, a1, a2, a3) return f.r; }
#define GX5(R, name, T0, T1, T2, T3, T4)                                               \
	GX_PROTO(R, name, T0, T1, T2, T3, T4)                                         \
	struct name##_f { R r; T0 a0; T1 a1; T2 a2; T3 a3; T4 a4; };                  \
	GX_SVC(name, f->r = __real_##name(f->a0, f->a1, f->a2, f->a3, f->a4))         \
	R __wrap_##name(T0 a0, T1 a1, T2 a2, T3 a3, T4 a4)                            \
	{ GX_GUEST(name, a0, a1, a2, a3, a4) return f.r; }
#define GX6(R, name, T0, T1, T2, T3, T4, T5)                                           \
	GX_PROTO(R, name, T0, T1, T2, T3, T4, T5)                                     \
	struct name##_f { R r; T0 a0; T1 a1; T2 a2; T3 a3; T4 a4; T5 a5; };           \
	GX_SVC(name, f->r = __real_##name(f->a0, f->a1, f->a2, f->a3, f->a4, f->a5))  \
	R __wrap_##name(T0 a0, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5)                     \
	{ GX_GUEST(name, a0, a1, a2, a3, a4, a5) return f.r; }
#define GX7(R, name, T0, T1, T2, T3, T4, T5, T6)                                       \
	GX_PROTO(R, name, T0, T1, T2, T3, T4, T5, T6)                                 \
	struct name##_f { R r; T0 a0; T1 a1; T2 a2; T3 a3; T4 a4; T5 a5; T6 a6; };    \
	GX_SVC(name, f->r = __real_##name(f->a0, f->a1, f->a2, f->a3, f->a4, f->a5,   \
					   f->a6))                                     \
	R __wrap_##name(T0 a0, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6)              \
	{ GX_GUEST(name, a0, a1, a2, a3, a4, a5, a6) return f.r; }

#define GXV1(name, T0)                                                                 \
	GX_PROTO(void, name, T0)                                                      \
	struct name##_f { T0 a0; };                                                   \
	GX_SVC(name, __real_##name(f->a0))                                            \
	void __wrap_##name(T0 a0) { GX_GUEST_V(name, a0) }
#define GXV2(name, T0, T1)                                                             \
	GX_PROTO(void, name, T0, T1)                                                  \
	struct name##_f { T0 a0; T1 a1; };                                            \
	GX_SVC(name, __real_##name(f->a0, f->a1))                                     \
	void __wrap_##name(T0 a0, T1 a1) { GX_GUEST_V(name, a0, a1) }
#define GXV3(name, T0, T1, T2)                                                         \
	GX_PROTO(void, name, T0, T1, T2)                                              \
	struct name##_f { T0 a0; T1 a1; T2 a2; };                                     \
	GX_SVC(name, __real_##name(f->a0, f->a1, f->a2))                              \
	void __wrap_##name(T0 a0, T1 a1, T2 a2) { GX_GUEST_V(name, a0, a1, a2) }
#define GXV4(name, T0, T1, T2, T3)                                                     \
	GX_PROTO(void, name, T0, T1, T2, T3)                                          \
	struct name##_f { T0 a0; T1 a1; T2 a2; T3 a3; };                              \
	GX_SVC(name, __real_##name(f->a0, f->a1, f->a2, f->a3))                       \
	void __wrap_##name(T0 a0, T1 a1, T2 a2, T3 a3) { GX_GUEST_V(name, a0, a1, a2, a3) }

#define GXV5(name, T0, T1, T2, T3, T4)                                                 \
	GX_PROTO(void, name, T0, T1, T2, T3, T4)                                      \
	struct name##_f { T0 a0; T1 a1; T2 a2; T3 a3; T4 a4; };                       \
	GX_SVC(name, __real_##name(f->a0, f->a1, f->a2, f->a3, f->a4))                \
	void __wrap_##name(T0 a0, T1 a1, T2 a2, T3 a3, T4 a4)                         \
	{ GX_GUEST_V(name, a0, a1, a2, a3, a4) }

#define GXV7(name, T0, T1, T2, T3, T4, T5, T6)                                         \
	GX_PROTO(void, name, T0, T1, T2, T3, T4, T5, T6)                              \
	struct name##_f { T0 a0; T1 a1; T2 a2; T3 a3; T4 a4; T5 a5; T6 a6; };         \
	GX_SVC(name, __real_##name(f->a0, f->a1, f->a2, f->a3, f->a4, f->a5, f->a6))  \
	void __wrap_##name(T0 a0, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6)           \
	{ GX_GUEST_V(name, a0, a1, a2, a3, a4, a5, a6) }
#define GXV10(name, T0, T1, T2, T3, T4, T5, T6, T7, T8, T9)                            \
	GX_PROTO(void, name, T0, T1, T2, T3, T4, T5, T6, T7, T8, T9)                  \
	struct name##_f { T0 a0; T1 a1; T2 a2; T3 a3; T4 a4; T5 a5; T6 a6; T7 a7;     \
			  T8 a8; T9 a9; };                                            \
	GX_SVC(name, __real_##name(f->a0, f->a1, f->a2, f->a3, f->a4, f->a5, f->a6,   \
				   f->a7, f->a8, f->a9))                               \
	void __wrap_##name(T0 a0, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7,    \
			   T8 a8, T9 a9)                                              \
	{ GX_GUEST_V(name, a0, a1, a2, a3, a4, a5, a6, a7, a8, a9) }

#define INST struct flue_instance *
#define TY flue_type_t
#define U32 uint32_t

#endif /* FLUE_GATE_WRAP_H */
