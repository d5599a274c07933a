/*
 * POSIX port: a process-wide mutex for the critical section, a condition
 * variable for idle/wake. Host threads only lock, update host-end state and
 * wake; guest code runs on the executor's thread alone.
 *
 * Trap unwinding: setjmp/longjmp along a per-thread chain of frames. Every
 * stack is a thread here (the executor's and each fiber's), so a
 * _Thread_local chain head is a per-stack chain.
 *
 * Fibers: POSIX has no portable stack switching, so each fiber is a
 * detached pthread and a baton decides which one stack runs flue code: a
 * stack (a fiber, or an executor thread's own) runs only after another set
 * its `go` flag and signalled it. Every handoff sets the flag and signals
 * under one mutex, so each stack's work happens-before the next stack's
 * (what ThreadSanitizer checks). A fiber's state is allocated here (a
 * hosted port; the library itself allocates nothing) and named by storage
 * its owner provides, so fibers belong to a store, not to the process;
 * the threads of finished fibers wait in a small pool to run later ones.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <flue/config.h>
#include <flue/errno.h>
#include <flue/port.h>
#include <flue/port_posix.h>

#include "../try_chain.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t idle_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t idle_cond = PTHREAD_COND_INITIALIZER;
static bool woken;

flue_port_key_t flue_port_lock(void)
{
	pthread_mutex_lock(&lock);
	return 0;
}

void flue_port_unlock(flue_port_key_t key)
{
	(void)key;
	pthread_mutex_unlock(&lock);
}

/* Inside flue_port_posix_interrupt() on this thread: wakes wait for its end. */
static _Thread_local unsigned irq_depth;
static _Thread_local bool irq_woke;

void flue_port_wake(void)
{
	if (irq_depth > 0u) {
		irq_woke = true;
		return;
	}
	pthread_mutex_lock(&idle_lock);
	woken = true;
	pthread_cond_signal(&idle_cond);
	pthread_mutex_unlock(&idle_lock);
}

void flue_port_posix_interrupt(void (*handler)(void))
{
	irq_depth++;
	handler();
	if (--irq_depth == 0u && irq_woke) {
		irq_woke = false;
		flue_port_wake();
	}
}

void flue_port_idle(void)
{
	pthread_mutex_lock(&idle_lock);
	while (!woken)
		pthread_cond_wait(&idle_cond, &idle_lock);
	woken = false; /* consume the wake: the next idle sleeps again */
	pthread_mutex_unlock(&idle_lock);
}

/* GCC/Clang atomics on the plain word (ThreadSanitizer knows them): the
 * release store publishes what the poster did before it; the acquire
 * load orders the executor's look under the lock after it. */
void flue_port_flag_raise(flue_port_flag_t *f)
{
	__atomic_store_n(&f->word, 1u, __ATOMIC_RELEASE);
}

bool flue_port_flag_take(flue_port_flag_t *f)
{
	if (__atomic_load_n(&f->word, __ATOMIC_ACQUIRE) == 0u)
		return false;
	return __atomic_exchange_n(&f->word, 0u, __ATOMIC_ACQ_REL) != 0u;
}

_Noreturn void flue_port_halt(void)
{
	fputs("flue: trap hook returned; halting\n", stderr);
	abort();
}

/* ------------------------------------------------------ trap unwinding */

/* Innermost flue_port_try() of this thread's (= this stack's) chain. */
static _Thread_local struct try_frame *try_top;

FLUE_TRY_CHAIN_FUNCTIONS(try_top)

/* ------------------------------------------------------ stack switching */

/* Fiber stacks: guest code and the executor run on them, so generous; the
 * sanitizers' instrumentation needs more. Only touched pages cost memory. */
#ifndef FLUE_PORT_POSIX_FIBER_STACK
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define FLUE_PORT_POSIX_FIBER_STACK (1024u * 1024u)
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define FLUE_PORT_POSIX_FIBER_STACK (1024u * 1024u)
#endif
#endif
#endif
#ifndef FLUE_PORT_POSIX_FIBER_STACK
#define FLUE_PORT_POSIX_FIBER_STACK (256u * 1024u)
#endif

/* A stack that can be handed the baton: an executor thread's own stack or
 * a fiber's. `go` is set by whoever hands it the turn. */
struct stack {
	pthread_cond_t cond;
	bool go;
};

struct fiber {
	struct stack st;          /* first: a fiber is a stack */
	flue_port_body_t entry;
	void *arg;
	struct stack *resumer;    /* stack to hand the turn back to */
	flue_port_fiber_t *owner; /* the storage naming this fiber */
	bool running;             /* resumed and not suspended since */
};

/* All fiber and stack fields only under fiber_lock. The fibers are
 * reached only through their owner's storage (a store's task records), so
 * two stores, each driven by its own executor thread, never share one. */
static pthread_mutex_t fiber_lock = PTHREAD_MUTEX_INITIALIZER;

/* This thread's stack: its fiber, or (not a fiber) its own executor stack. */
static _Thread_local struct stack *self;
static _Thread_local struct stack exec_stack;
static _Thread_local bool exec_stack_ready;

static struct stack *current_stack(void)
{
	if (self != NULL)
		return self;
	if (!exec_stack_ready) {
		pthread_cond_init(&exec_stack.cond, NULL);
		exec_stack_ready = true;
	}
	return &exec_stack;
}

/* A misuse of the fiber API by flue itself: no way to continue. */
_Noreturn static void fiber_misuse(const char *what)
{
	fprintf(stderr, "flue: posix port: %s\n", what);
	abort();
}

/* Under fiber_lock: give the turn to `to`, then wait until `me` gets it. */
static void hand_over(struct stack *to, struct stack *me)
{
	to->go = true;
	pthread_cond_signal(&to->cond);
	while (!me->go)
		pthread_cond_wait(&me->cond, &fiber_lock);
	me->go = false;
}

/* Finished fibers' threads wait here for the next fiber instead of exiting:
 * creating a thread costs tens of microseconds (far more under the
 * sanitizers, which also keep a record of every thread ever created), and
 * a store starts a fiber for every host-function call. At most
 * FIBER_IDLE_MAX wait; the others exit. Under fiber_lock. */
#define FIBER_IDLE_MAX 16u
static struct fiber *idle_fibers[FIBER_IDLE_MAX];
static uint32_t nidle;

/* Under fiber_lock: wait for the first turn of the fiber `f` now names. */
static void await_start(struct fiber *f)
{
	while (!f->st.go)
		pthread_cond_wait(&f->st.cond, &fiber_lock);
	f->st.go = false;
}

static void *fiber_main(void *p)
{
	struct fiber *f = p;
	self = &f->st;

	pthread_mutex_lock(&fiber_lock);
	await_start(f);
	for (;;) {
		flue_port_body_t entry = f->entry;
		void *arg = f->arg;
		pthread_mutex_unlock(&fiber_lock);

		entry(arg);

		/* Finished: free the owner's storage, give the turn back, and
		 * either wait in the idle pool for the next fiber or end. */
		pthread_mutex_lock(&fiber_lock);
		struct stack *back = f->resumer;
		f->owner->impl = NULL;
		f->owner = NULL;
		back->go = true;
		pthread_cond_signal(&back->cond);
		if (nidle == FIBER_IDLE_MAX)
			break;
		idle_fibers[nidle++] = f;
		await_start(f);
	}
	/* After the unlock nobody else can reach `f`, so it is freed here. */
	pthread_mutex_unlock(&fiber_lock);
	pthread_cond_destroy(&f->st.cond);
	free(f);
	return NULL;
}

/* Under fiber_lock: a pooled thread's fiber, now running `entry(arg)` for
 * `owner` when first resumed, or NULL if none waits. */
static struct fiber *fiber_reuse(flue_port_fiber_t *owner, flue_port_body_t entry, void *arg)
{
	if (nidle == 0u)
		return NULL;
	struct fiber *f = idle_fibers[--nidle];
	f->entry = entry;
	f->arg = arg;
	f->owner = owner;
	f->running = false;
	owner->impl = f;
	return f;
}

bool flue_port_fiber_supported(void)
{
	return true;
}

static struct fiber *fiber_new(flue_port_fiber_t *owner, flue_port_body_t entry, void *arg)
{
	struct fiber *f = calloc(1, sizeof *f);
	if (f == NULL)
		return NULL;
	pthread_cond_init(&f->st.cond, NULL);
	f->entry = entry;
	f->arg = arg;
	f->owner = owner;
	return f;
}

int flue_port_fiber_create(flue_port_fiber_t *owner, flue_port_body_t entry, void *arg)
{
	if (owner == NULL || entry == NULL)
		return FLUE_EINVAL;
	pthread_mutex_lock(&fiber_lock);
	bool used = owner->impl != NULL;
	bool reused = !used && fiber_reuse(owner, entry, arg) != NULL;
	pthread_mutex_unlock(&fiber_lock);
	if (used)
		return FLUE_EINVAL;
	if (reused)
		return 0;
	struct fiber *f = fiber_new(owner, entry, arg);
	if (f == NULL)
		return FLUE_ENOMEM;

	/* The thread starts now but only waits for its first turn. Detached:
	 * a finished fiber leaves nothing to join. */
	pthread_attr_t attr;
	pthread_t thread;
	int rc = pthread_attr_init(&attr);
	if (rc == 0) {
		(void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		(void)pthread_attr_setstacksize(&attr, FLUE_PORT_POSIX_FIBER_STACK);
		pthread_mutex_lock(&fiber_lock);
		owner->impl = f;
		pthread_mutex_unlock(&fiber_lock);
		rc = pthread_create(&thread, &attr, fiber_main, f);
		(void)pthread_attr_destroy(&attr);
	}
	if (rc != 0) {
		pthread_mutex_lock(&fiber_lock);
		owner->impl = NULL;
		pthread_mutex_unlock(&fiber_lock);
		pthread_cond_destroy(&f->st.cond);
		free(f);
		return FLUE_ENOMEM;
	}
	return 0;
}

void flue_port_fiber_resume(flue_port_fiber_t *owner)
{
	struct stack *me = current_stack();
	pthread_mutex_lock(&fiber_lock);
	struct fiber *f = owner != NULL ? owner->impl : NULL;
	if (f == NULL)
		fiber_misuse("resume of a fiber that does not exist");
	if (f->running || &f->st == me)
		fiber_misuse("resume of a fiber that is running");
	f->resumer = me; /* recorded at every resume: may differ each time */
	f->running = true;
	hand_over(&f->st, me);
	pthread_mutex_unlock(&fiber_lock);
}

void flue_port_fiber_suspend(flue_port_fiber_t *owner)
{
	pthread_mutex_lock(&fiber_lock);
	struct fiber *f = owner != NULL ? owner->impl : NULL;
	if (f == NULL || &f->st != self)
		fiber_misuse("suspend of a fiber from outside it");
	f->running = false;
	hand_over(f->resumer, &f->st);
	pthread_mutex_unlock(&fiber_lock);
}

/* ------------------------------------------------- blocking host threads */

struct sem_impl {
	pthread_mutex_t m;
	pthread_cond_t c;
	bool given;
};
_Static_assert(sizeof(struct sem_impl) <= sizeof(flue_port_sem_t),
	       "flue_port_sem_t too small for this platform's mutex + condvar");
_Static_assert(_Alignof(struct sem_impl) <= _Alignof(flue_port_sem_t),
	       "flue_port_sem_t under-aligned for this platform");

void flue_port_sem_init(flue_port_sem_t *sem)
{
	struct sem_impl *s = (struct sem_impl *)(void *)sem;
	pthread_mutex_init(&s->m, 0);
	pthread_cond_init(&s->c, 0);
	s->given = false;
}

void flue_port_sem_give(flue_port_sem_t *sem)
{
	struct sem_impl *s = (struct sem_impl *)(void *)sem;
	pthread_mutex_lock(&s->m);
	s->given = true;
	pthread_cond_signal(&s->c);
	pthread_mutex_unlock(&s->m);
}

void flue_port_sem_take(flue_port_sem_t *sem)
{
	struct sem_impl *s = (struct sem_impl *)(void *)sem;
	pthread_mutex_lock(&s->m);
	while (!s->given)
		pthread_cond_wait(&s->c, &s->m);
	s->given = false;
	pthread_mutex_unlock(&s->m);
}

void flue_port_sem_destroy(flue_port_sem_t *sem)
{
	struct sem_impl *s = (struct sem_impl *)(void *)sem;
	pthread_cond_destroy(&s->c);
	pthread_mutex_destroy(&s->m);
}
