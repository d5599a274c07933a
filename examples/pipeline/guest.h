/* Shared by the pipeline's guests: the sample record, component ids. */
#ifndef PIPELINE_GUEST_H
#define PIPELINE_GUEST_H

#include "p3.h"

struct sample {
	uint32_t seq;
	uint32_t channel;
	float value;
	uint32_t stamp;
};

_Static_assert(sizeof(struct sample) == 16, "sample is 16 bytes in linear memory");

enum { COMPONENT_SENSOR = 1, COMPONENT_FILTER = 2, COMPONENT_SINK = 3 };

/* stats.report, served by the host. */
P3_IMPORT("example:pipeline/stats", "report")
void stats_report(uint32_t component, uint32_t elements, uint32_t blocked, uint32_t events,
		  uint32_t crc);

#endif
