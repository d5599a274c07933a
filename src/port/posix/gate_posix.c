/*
 * POSIX port: the privilege gate (flue/port.h) without privileges. A
 * hosted process has one protection domain, so guest code runs on the
 * caller's stack and its services are plain calls; what the gate keeps is
 * its contract: a guest that names an unknown service ends its entry as a
 * gate fault (FLUE_PORT_GUEST_FAULTED), and an unwind raised by a service
 * goes on to the caller's flue_port_try(). Code written for the gate (the
 * generated glue, the executor) therefore runs unchanged on the host.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <flue/errno.h>
#include <flue/port.h>

#include "../gate_table.h"

/* The innermost entry's "a gate rule was broken" flag, per thread (each
 * fiber is a thread here). */
static _Thread_local bool *broken;

/* The one kind of guest fault without privileges: a broken gate rule. */
static struct flue_port_fault record = { .kind = FLUE_PORT_FAULT_GATE };

const struct flue_port_fault *flue_port_guest_fault(void)
{
	return &record;
}

bool flue_port_unprivileged(void)
{
	return false;
}

uint32_t flue_port_gate(uint32_t k, uint32_t a0, uint32_t a1, uint32_t a2)
{
	flue_port_service_fn fn = flue_gate_service(k);
	if (fn == NULL) {
		if (broken == NULL)
			flue_port_halt(); /* not guest code the gate entered */
		*broken = true;
		flue_port_unwind();
	}
	return fn(a0, a1, a2);
}

struct entry {
	flue_port_guest_fn fn;
	const uint32_t *a;
	uint32_t result;
};

static void entry_body(void *arg)
{
	struct entry *e = arg;
	e->result = e->fn(e->a[0], e->a[1], e->a[2], e->a[3]);
}

int flue_port_guest_call(struct flue_port_domain *d, flue_port_guest_fn fn, const uint32_t a[4],
			 uint32_t *result)
{
	if (d == NULL || fn == NULL || a == NULL)
		return FLUE_EINVAL;
	bool gate_broken = false, *outer = broken;
	struct entry e = { fn, a, 0u };
	broken = &gate_broken;
	d->depth++;
	int unwound = flue_port_try(entry_body, &e);
	d->depth--;
	broken = outer;
	if (unwound && !gate_broken)
		flue_port_unwind(); /* a service's trap: on to the caller's try */
	if (unwound)
		return FLUE_PORT_GUEST_FAULTED;
	if (result != NULL)
		*result = e.result;
	return FLUE_PORT_GUEST_RETURNED;
}
