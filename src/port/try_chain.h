/*
 * Trap unwinding for every port (flue_port_try / _in_try / _unwind of
 * flue/port.h): setjmp/longjmp along a chain of try frames. Each port keeps
 * the chain head where its stacks need it (POSIX: per thread, each stack
 * being a thread; Cortex-M: one head, swapped at fiber switches) and
 * defines the three functions with these.
 */
#ifndef FLUE_PORT_TRY_CHAIN_H
#define FLUE_PORT_TRY_CHAIN_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>

#include <flue/port.h>

struct try_frame {
	jmp_buf env;
	struct try_frame *prev;
};

/* flue_port_try() on the chain whose head is *top. Nothing that lives in a
 * register is modified between setjmp and longjmp: `frame` is in memory
 * (its address is taken), body and arg are never assigned; the longjmp
 * lands on the stack that tried (unwinds never cross stacks). */
static inline int try_chain_run(struct try_frame **top, flue_port_body_t body, void *arg)
{
	struct try_frame frame;
	frame.prev = *top;
	*top = &frame;
	if (setjmp(frame.env) == 0) {
		body(arg);
		*top = frame.prev;
		return 0;
	}
	*top = frame.prev; /* the unwind left it at &frame */
	return 1;
}

/* flue_port_unwind() to the innermost frame `top` (halt if none). */
static inline _Noreturn void try_chain_unwind(struct try_frame *top)
{
	if (top == NULL)
		flue_port_halt();
	longjmp(top->env, 1);
}

/* The three functions of flue/port.h over the chain whose head is the
 * lvalue `head` (a port's per-stack storage). */
#define FLUE_TRY_CHAIN_FUNCTIONS(head)                                     \
	int flue_port_try(flue_port_body_t body, void *arg)                \
	{                                                                  \
		return try_chain_run(&(head), body, arg);                  \
	}                                                                  \
	bool flue_port_in_try(void)                                        \
	{                                                                  \
		return (head) != NULL;                                     \
	}                                                                  \
	_Noreturn void flue_port_unwind(void)                              \
	{                                                                  \
		try_chain_unwind(head);                                    \
	}

#endif /* FLUE_PORT_TRY_CHAIN_H */
