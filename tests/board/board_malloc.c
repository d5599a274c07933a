/*
 * A board program that uses the heap, only so that the no-heap check
 * (scripts/check_no_heap.sh) can be seen to fail (CTest WILL_FAIL). The
 * board has no _sbrk; this stub refuses every request so that newlib's
 * malloc links (and returns NULL).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

#include <flue/board.h>

void *_sbrk(ptrdiff_t increment);
void *_sbrk(ptrdiff_t increment)
{
	(void)increment;
	errno = ENOMEM;
	return (void *)-1;
}

int main(void)
{
	void *p = malloc(16);
	flue_board_printf("malloc: %s\n", p != NULL ? "memory" : "NULL");
	free(p);
	return 0;
}
