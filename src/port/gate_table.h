/* The gate's service table (src/port/gate_table.c), for the ports' gates. */
#ifndef FLUE_PORT_GATE_TABLE_H
#define FLUE_PORT_GATE_TABLE_H

#include <stdint.h>

#include <flue/port.h>

/* Service k, or NULL if the table has none at k. */
flue_port_service_fn flue_gate_service(uint32_t k);

#endif /* FLUE_PORT_GATE_TABLE_H */
