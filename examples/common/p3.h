/*
 * p3.h: what a C guest needs to speak the component model's async ABI,
 * written by hand in wit-bindgen's C import conventions (core import
 * names of wit-component's "legacy" mangling). Guests are built with
 * `clang --target=wasm32 -nostdlib` and wasm-ld; no libc.
 *
 * The generic built-ins live in module `$root`; a function's own
 * intrinsics (task.return, the stream/future built-ins of its types) are
 * declared next to the guest that uses them, with P3_IMPORT.
 */
#ifndef EXAMPLES_P3_H
#define EXAMPLES_P3_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define P3_IMPORT(module, name) __attribute__((import_module(module), import_name(name)))
#define P3_EXPORT(name) __attribute__((export_name(name)))

/* Callback codes (packed: code | waitable-set << 4). */
#define P3_EXIT 0u
#define P3_YIELD 1u
#define P3_WAIT(set) (2u | (uint32_t)(set) << 4)

/* Event codes. */
enum {
	P3_EVENT_NONE = 0,
	P3_EVENT_SUBTASK = 1,
	P3_EVENT_STREAM_READ = 2,
	P3_EVENT_STREAM_WRITE = 3,
	P3_EVENT_FUTURE_READ = 4,
	P3_EVENT_FUTURE_WRITE = 5,
	P3_EVENT_TASK_CANCELLED = 6,
};

/* Copy results and packing. */
#define P3_BLOCKED 0xFFFFFFFFu
#define P3_COMPLETED 0u
#define P3_DROPPED 1u
#define P3_CANCELLED 2u
static inline uint32_t p3_result(uint32_t packed) { return packed & 0xFu; }
static inline uint32_t p3_progress(uint32_t packed) { return packed >> 4; }

/* Subtask states. */
enum {
	P3_SUBTASK_STARTING = 0,
	P3_SUBTASK_STARTED = 1,
	P3_SUBTASK_RETURNED = 2,
	P3_SUBTASK_CANCELLED_BEFORE_STARTED = 3,
	P3_SUBTASK_CANCELLED_BEFORE_RETURNED = 4,
};

/* `stream.new` / `future.new` give both ends: readable low, writable high. */
static inline uint32_t p3_readable(uint64_t ends) { return (uint32_t)ends; }
static inline uint32_t p3_writable(uint64_t ends) { return (uint32_t)(ends >> 32); }

/* ---------------------------------------------------------- $root built-ins */

P3_IMPORT("$root", "[waitable-set-new]") uint32_t p3_waitable_set_new(void);
P3_IMPORT("$root", "[waitable-set-wait]") uint32_t p3_waitable_set_wait(uint32_t set, uint32_t *payload);
P3_IMPORT("$root", "[waitable-set-poll]") uint32_t p3_waitable_set_poll(uint32_t set, uint32_t *payload);
P3_IMPORT("$root", "[waitable-set-drop]") void p3_waitable_set_drop(uint32_t set);
P3_IMPORT("$root", "[waitable-join]") void p3_waitable_join(uint32_t waitable, uint32_t set);
P3_IMPORT("$root", "[subtask-drop]") void p3_subtask_drop(uint32_t subtask);
P3_IMPORT("$root", "[async-lower][subtask-cancel]") uint32_t p3_subtask_cancel_async(uint32_t subtask);
P3_IMPORT("$root", "[backpressure-inc]") void p3_backpressure_inc(void);
P3_IMPORT("$root", "[backpressure-dec]") void p3_backpressure_dec(void);
P3_IMPORT("$root", "[context-get-0]") uint32_t p3_context_get(void);
P3_IMPORT("$root", "[context-set-0]") void p3_context_set(uint32_t value);
P3_IMPORT("$root", "[thread-yield]") uint32_t p3_thread_yield(void);
P3_IMPORT("[export]$root", "[task-cancel]") void p3_task_cancel(void);

/* ------------------------------------------------------ freestanding bits */

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);

/* CRC-32 (IEEE), bitwise: small, and the same in every component. */
static inline uint32_t p3_crc32(uint32_t crc, const void *data, size_t n)
{
	const uint8_t *p = data;
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

#endif /* EXAMPLES_P3_H */
