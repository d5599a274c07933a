/* Uses the installed library directly: a store, a host instance, a stream
 * between two of its ends. Prints "plain: ok" if the bytes arrived. */
#include <stdio.h>
#include <string.h>

#include <flue/errno.h>
#include <flue/exec.h>
#include <flue/host.h>

static struct flue_store store;
static uint8_t arena[256] __attribute__((aligned(8)));

int main(void)
{
	struct flue_instance *a, *b;
	flue_type_t u8;
	struct flue_type_desc d = { .kind = FLUE_TYPE_NUMBER, .num = FLUE_NUM_U8 };
	flue_store_init(&store, 0, 0);
	if (flue_type_register(&store, &d, &u8) != 0 ||
	    flue_host_create(&store, arena, 128, &a) != 0 ||
	    flue_host_create(&store, arena + 128, 128, &b) != 0)
		return 1;
	uint32_t r, w, rb;
	struct flue_host_outcome o;
	if (flue_host_stream_new(a, u8, &r, &w) != 0 || flue_end_transfer(a, r, u8, b, &rb) != 0)
		return 1;
	memcpy(arena, "flue", 4);
	if (flue_host_read(b, rb, arena + 128, 4, &o) != 0 || o.done)
		return 1;
	if (flue_host_write(a, w, arena, 4, &o) != 0 || !o.done || o.progress != 4)
		return 1;
	bool same = memcmp(arena + 128, "flue", 4) == 0;
	printf("plain: %s\n", same ? "ok" : "FAILED");
	return same ? 0 : 1;
}
