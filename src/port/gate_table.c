/*
 * The privilege gate's service table (flue/port.h), the same for every
 * port: flue_port_gate_set_services() fills it, each port's gate looks a
 * service up by its index (src/port/gate_table.h).
 */
#include <stddef.h>
#include <stdint.h>

#include <flue/errno.h>
#include <flue/port.h>

#include "gate_table.h"

static const flue_port_service_fn *services;
static uint32_t nservices;

int flue_port_gate_set_services(const flue_port_service_fn *table, uint32_t n)
{
	if (table == NULL && n > 0u)
		return FLUE_EINVAL;
	services = table;
	nservices = n;
	return FLUE_OK;
}

flue_port_service_fn flue_gate_service(uint32_t k)
{
	return k < nservices ? services[k] : NULL;
}
