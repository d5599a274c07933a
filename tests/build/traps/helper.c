/* helper: `boom` yields once, then traps in its callback. */
#include "p3.h"

P3_EXPORT("[async-lift]test:traps/boom#boom") uint32_t boom(uint32_t kind)
{
	(void)kind;
	return P3_YIELD;
}

P3_EXPORT("[callback][async-lift]test:traps/boom#boom")
uint32_t boom_cb(uint32_t e, uint32_t p1, uint32_t p2)
{
	(void)e, (void)p1, (void)p2;
	__builtin_trap();
}
