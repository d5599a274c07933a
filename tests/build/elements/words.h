/* What the writer sends and the reader expects (tests/build/elements),
 * and the bits each side reports. */
#ifndef ELEMENTS_WORDS_H
#define ELEMENTS_WORDS_H

#include "p3.h"

#define SINK "test:elements/sink"

/* A string element in linear memory: (pointer, length in bytes). */
struct str {
	uint32_t ptr, len;
};

/* A result<list<u8>, string> in linear memory: the case (0 ok, 1 err) as
 * a u8, the list or string (pointer, length) at offset 4; 12 bytes. */
struct blob {
	uint8_t tag;
	uint8_t pad[3];
	uint32_t ptr, len;
};

/* The first round's words: empty, ASCII, non-ASCII UTF-8 ("grüße, 世界"),
 * and lengths that are not multiples of anything. */
#define NWORDS 5u
static const char *const words[NWORDS] = {
	"", "a", "hello", "gr\xc3\xbc\xc3\x9f\x65, \xe4\xb8\x96\xe7\x95\x8c", /* e: \x65 */
	"a longer word, forty-one bytes in length.",
};

/* ... and the future's value: ok([1, 2, 3, 250]). */
#define NBYTES 4u
static const uint8_t blob_bytes[NBYTES] = { 1, 2, 3, 250 };

/* A string of this many bytes makes the reader's cabi_realloc trap (the
 * second round's middle word; no other request asks for this size). */
#define MAGIC_LEN 77u

/* The reader's checks (consume's result). */
enum {
	R_COUNT = 0x001,     /* NWORDS strings arrived, then the end of the stream */
	R_WORD0 = 0x002,     /* word i's bytes: R_WORD0 << i */
	R_IN_HEAP = 0x040,   /* every string where our cabi_realloc put it */
	R_BLOB = 0x080,      /* the future's value: ok, its bytes, in our heap */
	R_REALLOC = 0x100,   /* one realloc per string and one for the list, sizes exact */
	R_ALL = 0x1FF,
};

/* The writer's checks (run's result). */
enum {
	W_STARTED = 0x001,   /* round 1: consume blocked in its stream.read */
	W_WORDS = 0x002,     /* round 1: the write met that read: COMPLETED, all NWORDS */
	W_BLOB = 0x004,      /* round 1: the future's write parked (BLOCKED), then
				COMPLETED when the reader's future.read met it */
	W_READER = 0x008,    /* round 1: consume returned R_ALL */
	W_STARTED2 = 0x010,  /* round 2: consume blocked in its stream.read */
	W_ONE = 0x020,       /* round 2: the write COMPLETED with 1: "ok", moved whole
				before the reader's realloc trapped on the next */
	W_GONE = 0x040,      /* round 2: consume ended without returning */
	W_DROPPED = 0x080,   /* round 2: the reader's ends are dropped: a write and the
				future's write see DROPPED */
	W_ALL = 0x0FF,
};

#endif
