/*
 * Glue between wasm2c output and flue (flue/w2c.h): guest entries, the
 * calling instance of an import, wasm traps as flue traps, trap reports.
 *
 * State kept here is what wasm2c keeps globally: the running guest
 * instance and wasm2c's call-depth counters. Guest code of one instance
 * runs only between an entry (flue_w2c_enter) and its end, and between
 * the returns of the import calls it makes; both restore the state they
 * found, so it is right whenever guest code runs: after nested scheduling
 * on this stack (entries nest like calls), after a trap unwound entries
 * above (each entry restores on the way through), and after another
 * task's fiber ran meanwhile (flue_w2c_save/restore around every import).
 */
#include <flue/exec.h>
#include <flue/port.h>
#include <flue/w2c.h>

#include "w2c_internal.h"
#include "wasm-rt.h"

/* wasm2c's own saved depth (wasm-rt-impl.h, not included: it is the
 * runtime's private header; both runtimes define it). */
extern uint32_t wasm_rt_saved_call_stack_depth;

static struct flue_w2c_instance *current;
static struct flue_w2c_instance *registry[FLUE_CONFIG_MAX_INSTANCES];
static struct flue_w2c_trap_info last_trap;
static int (*report_print)(const char *fmt, ...);
static bool fault_has_addr; /* flue_w2c_note_fault, for the next report */
static uint32_t fault_addr;

void flue_w2c_note_fault(bool has_addr, uint32_t addr)
{
	fault_has_addr = has_addr;
	fault_addr = addr;
}

struct entry {
	flue_w2c_body_t body;
	void *arg;
};

static void run_entry(void *p)
{
	struct entry *e = p;
	e->body(e->arg);
}

void flue_w2c_save(struct flue_w2c_frame *f)
{
	f->current = current;
	f->running = current != 0 ? current->running : 0;
	f->depth = wasm_rt_call_stack_depth;
	f->saved_depth = wasm_rt_saved_call_stack_depth;
	f->unwind = wasm_rt_get_unwind_target();
}

void flue_w2c_restore(const struct flue_w2c_frame *f)
{
	current = f->current;
	if (current != 0)
		current->running = f->running;
	wasm_rt_call_stack_depth = f->depth;
	wasm_rt_saved_call_stack_depth = f->saved_depth;
	/* A trap inside a wasm `try` leaves the target at a dead frame. */
	wasm_rt_set_unwind_target(f->unwind);
}

void flue_w2c_enter(struct flue_w2c_instance *gi, const char *what, flue_w2c_body_t body,
		    void *arg)
{
	struct flue_w2c_frame outer;
	flue_w2c_save(&outer);
	const char *was_running = gi->running;
	current = gi;
	gi->running = what;
	/* Each entry gets the whole depth budget: the C stack holds at most
	 * FLUE_CONFIG_MAX_NESTING + 1 entries (nested loops are bounded). */
	wasm_rt_call_stack_depth = 0;
	wasm_rt_saved_call_stack_depth = 0;
	wasm_rt_set_unwind_target(0); /* no `try` of an outer entry catches ours */
	struct entry e = { body, arg };
	int unwound = flue_port_try(run_entry, &e);
	gi->running = was_running;
	flue_w2c_restore(&outer);
	if (unwound != 0)
		flue_port_unwind(); /* on to the executor frame that entered us */
}

struct flue_w2c_instance *flue_w2c_current(void)
{
	return current;
}

/* An import reached through a funcref table (call_indirect) gets, from
 * wasm2c 1.0.32, not the import-module pointer but the address of the
 * instance-struct field that holds it (funcref_table_init: module_instance
 * + module_offset). Accepted when that field holds gi's own pointer. It is
 * read only where it may be: never when env is another instance's
 * import-module pointer (a struct of the glue's, not a field); inside an
 * isolated instance's block (its struct lies there, guest-writable); in a
 * non-isolated one, whose struct wasm2c's bounds checks keep from guest
 * code, so that any other pointer wasm2c passes is such a field. */
static bool env_field(const struct flue_w2c_instance *gi, const void *env)
{
	uintptr_t p = (uintptr_t)env;
	const struct flue_w2c_layout *l = gi->layout;
	if (p == 0 || p % sizeof(void *) != 0)
		return false;
	for (uint32_t i = 0; i < FLUE_CONFIG_MAX_INSTANCES; i++)
		if (registry[i] != 0 && registry[i]->env == env)
			return false;
	if (l != 0 && (p < l->block || l->block_size < sizeof(void *) ||
		       p - l->block > l->block_size - sizeof(void *)))
		return false;
	return *(const void *const *)env == gi->env;
}

struct flue_instance *flue_w2c_caller(const void *env)
{
	struct flue_w2c_instance *gi = current;
	if (gi == 0)
		flue_port_halt(); /* an import outside guest code: the glue is broken */
	if (!flue_w2c_env_ok(gi, env))
		flue_trap_raise(gi->inst, FLUE_TRAP_WASM_BAD_ENV);
	return gi->inst;
}

bool flue_w2c_env_ok(const struct flue_w2c_instance *gi, const void *env)
{
	return gi->env == env || env_field(gi, env);
}

enum flue_trap_reason flue_w2c_trap_reason(int code)
{
	switch (code) {
	case WASM_RT_TRAP_OOB:
		return FLUE_TRAP_WASM_OUT_OF_BOUNDS;
	case WASM_RT_TRAP_INT_OVERFLOW:
		return FLUE_TRAP_WASM_INT_OVERFLOW;
	case WASM_RT_TRAP_DIV_BY_ZERO:
		return FLUE_TRAP_WASM_DIV_BY_ZERO;
	case WASM_RT_TRAP_INVALID_CONVERSION:
		return FLUE_TRAP_WASM_INVALID_CONVERSION;
	case WASM_RT_TRAP_UNREACHABLE:
		return FLUE_TRAP_WASM_UNREACHABLE;
	case WASM_RT_TRAP_CALL_INDIRECT:
		return FLUE_TRAP_WASM_CALL_INDIRECT;
	case WASM_RT_TRAP_UNCAUGHT_EXCEPTION:
		return FLUE_TRAP_WASM_EXCEPTION;
#if !WASM_RT_MERGED_OOB_AND_EXHAUSTION_TRAPS
	case WASM_RT_TRAP_EXHAUSTION:
		return FLUE_TRAP_WASM_STACK_EXHAUSTED;
#endif
	default:
		return FLUE_TRAP_BAD_VALUE;
	}
}

_Noreturn void flue_w2c_trap(int code)
{
	struct flue_w2c_instance *gi = current;
	if (gi == 0)
		flue_port_halt(); /* a wasm trap outside any entry */
	flue_trap_raise(gi->inst, flue_w2c_trap_reason(code));
}

/* ----------------------------------------------------------- trap reports */

int flue_w2c_register(struct flue_w2c_instance *gi)
{
	if (gi == 0 || gi->inst == 0 || gi->inst->id >= FLUE_CONFIG_MAX_INSTANCES)
		return FLUE_EINVAL;
	registry[gi->inst->id] = gi;
	return FLUE_OK;
}

static void on_trap(void *ctx, struct flue_instance *inst, enum flue_trap_reason reason)
{
	(void)ctx;
	struct flue_w2c_instance *gi = registry[inst->id];
	if (gi != 0 && gi->inst != inst)
		gi = 0;
	struct flue_w2c_trap_info t = {
		.trapped = true,
		.instance = gi != 0 ? gi->name : "(unnamed)",
		.running = gi != 0 && gi->running != 0 ? gi->running : "(nothing)",
		.reason = reason,
		.has_addr = reason == FLUE_TRAP_MEMORY_FAULT && fault_has_addr,
		.addr = fault_addr,
	};
	fault_has_addr = false;
	last_trap = t;
	if (report_print == 0)
		return;
	if (t.has_addr)
		report_print("flue: instance '%s' trapped while running '%s': %s at 0x%x\n",
			     t.instance, t.running, flue_trap_message(reason), (unsigned)t.addr);
	else
		report_print("flue: instance '%s' trapped while running '%s': %s\n", t.instance,
			     t.running, flue_trap_message(reason));
}

void flue_w2c_report_traps(struct flue_store *s, int (*print)(const char *fmt, ...))
{
	report_print = print;
	last_trap.trapped = false;
	flue_exec_on_trap(s, on_trap, 0);
}

struct flue_w2c_trap_info flue_w2c_last_trap(void)
{
	return last_trap;
}
