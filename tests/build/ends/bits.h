/* What the writer sends and the reader expects (tests/build/ends), and the
 * bits each side reports. */
#ifndef ENDS_BITS_H
#define ENDS_BITS_H

#include "p3.h"

#define SINK "test:ends/sink"

/* take's record carries this name next to its stream. */
#define NAME "ends"
#define NAME_LEN 4u

/* The bytes of stream i (0: take's, 1 and 2: takes' two): NBYTES of them,
 * byte k is 3 * k + 17 * i + 1 (mod 256), none zero-filled by chance. */
#define NBYTES 11u
#define NSTREAMS 3u
static inline uint8_t byte_of(uint32_t stream, uint32_t k)
{
	return (uint8_t)(3u * k + 17u * stream + 1u);
}

/* The reader's checks (take's and takes' results). */
enum {
	R_NAME = 0x01,   /* take: the record's name, in our heap (cabi_realloc) */
	R_BYTES = 0x02,  /* take: the stream's NBYTES bytes, as written */
	R_END = 0x04,    /* take: then its end (DROPPED) */
	R_TAKE_ALL = 0x07,
	R_LIST = 0x08,   /* takes: a list of 2 ends, in our heap */
	R_BYTES0 = 0x10, /* takes: the first stream's bytes, then its end */
	R_BYTES1 = 0x20, /* takes: the second's */
	R_TAKES_ALL = 0x38,
};

/* The writer's checks (run's result, low byte). */
enum {
	W_TAKE_STARTED = 0x01, /* take blocked in its stream.read */
	W_TAKE_WRITE = 0x02,   /* the write met that read: COMPLETED, NBYTES */
	W_TAKE_RET = 0x04,     /* take returned R_TAKE_ALL */
	W_TAKES_STARTED = 0x08,
	W_TAKES_WRITE0 = 0x10, /* both writes COMPLETED with NBYTES (the second */
	W_TAKES_WRITE1 = 0x20, /* parks until the reader reads it) */
	W_TAKES_RET = 0x40,    /* takes returned R_TAKES_ALL */
	W_ALL = 0x7F,
};

#endif
