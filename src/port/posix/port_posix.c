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
 * detached pthread and a baton decides which one stack runs flue code: the
 * variable `turn` holds the id of the stack whose turn it is (a fiber id, or
 * NO_FIBER for the executor's own stack). Every handoff sets `turn` and
 * signals under one mutex, so each stack's work happens-before the next
 * stack's (what ThreadSanitizer checks).
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

void flue_port_wake(void)
{
	pthread_mutex_lock(&idle_lock);
	woken = true;
	pthread_cond_signal(&idle_cond);
	pthread_mutex_unlock(&idle_lock);
}

void flue_port_idle(void)
{
	pthread_mutex_lock(&idle_lock);
	while (!woken)
		pthread_cond_wait(&idle_cond, &idle_lock);
	woken = false; /* consume the wake: the next idle sleeps again */
	pthread_mutex_unlock(&idle_lock);
}

_Noreturn void flue_port_halt(void)
{
	fputs("flue: trap hook returned; halting\n", stderr);
	abort();
}

/* ------------------------------------------------------ trap unwinding */

struct try_frame {
	jmp_buf env;
	struct try_frame *prev;
};

/* Innermost flue_port_try() of this thread's (= this stack's) chain. */
static _Thread_local struct try_frame *try_top;

int flue_port_try(flue_port_body_t body, void *arg)
{
	/* Nothing that lives in a register is modified between setjmp and
	 * longjmp: `frame` is in memory (its address is taken), body and arg
	 * are never assigned. */
	struct try_frame frame;
	frame.prev = try_top;
	try_top = &frame;
	if (setjmp(frame.env) == 0) {
		body(arg);
		try_top = frame.prev;
		return 0;
	}
	try_top = frame.prev; /* unwind left try_top at &frame */
	return 1;
}

_Noreturn void flue_port_unwind(void)
{
	struct try_frame *frame = try_top;
	if (frame == NULL)
		flue_port_halt();
	longjmp(frame->env, 1);
}

/* ------------------------------------------------------ stack switching */

/* "Not a fiber": the executor's own stack (any thread that is not one of
 * ours). Also the index of its condition variable. */
#define NO_FIBER ((uint32_t)FLUE_CONFIG_MAX_TASKS)

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

struct fiber {
	flue_port_body_t entry;
	void *arg;
	uint32_t resumer; /* stack to hand the turn back to */
	bool used;        /* created and its entry has not returned */
	bool running;     /* resumed and not suspended since */
};

/* All fields, and `turn`, only under fiber_lock. */
static pthread_mutex_t fiber_lock = PTHREAD_MUTEX_INITIALIZER;
/* One condition per stack: [id] for fiber id, [NO_FIBER] for the executor. */
static pthread_cond_t fiber_cond[FLUE_CONFIG_MAX_TASKS + 1];
static pthread_once_t fiber_once = PTHREAD_ONCE_INIT;
static struct fiber fibers[FLUE_CONFIG_MAX_TASKS];
static uint32_t turn = NO_FIBER;

/* Which stack this thread is. */
static _Thread_local uint32_t self = NO_FIBER;

static void fiber_init(void)
{
	for (uint32_t i = 0; i <= NO_FIBER; i++)
		pthread_cond_init(&fiber_cond[i], NULL);
}

/* A misuse of the fiber API by flue itself: no way to continue. */
_Noreturn static void fiber_misuse(const char *what)
{
	fprintf(stderr, "flue: posix port: %s\n", what);
	abort();
}

/* Under fiber_lock: give the turn to `to`, then wait until it is `me`'s. */
static void hand_over(uint32_t to, uint32_t me)
{
	turn = to;
	pthread_cond_broadcast(&fiber_cond[to]);
	while (turn != me)
		pthread_cond_wait(&fiber_cond[me], &fiber_lock);
}

static void *fiber_main(void *p)
{
	struct fiber *f = p;
	uint32_t id = (uint32_t)(f - fibers);
	self = id;

	pthread_mutex_lock(&fiber_lock);
	while (turn != id)
		pthread_cond_wait(&fiber_cond[id], &fiber_lock);
	flue_port_body_t entry = f->entry;
	void *arg = f->arg;
	pthread_mutex_unlock(&fiber_lock);

	entry(arg);

	/* Finished: free the id and give the turn back. After the unlock this
	 * thread touches no shared state; the id may be reused at once. */
	pthread_mutex_lock(&fiber_lock);
	uint32_t back = f->resumer;
	f->used = false;
	f->running = false;
	f->entry = NULL;
	f->arg = NULL;
	turn = back;
	pthread_cond_broadcast(&fiber_cond[back]);
	pthread_mutex_unlock(&fiber_lock);
	return NULL;
}

bool flue_port_fiber_supported(void)
{
	return true;
}

int flue_port_fiber_create(uint32_t id, flue_port_body_t entry, void *arg)
{
	if (id >= NO_FIBER || entry == NULL)
		return FLUE_EINVAL;
	pthread_once(&fiber_once, fiber_init);

	pthread_mutex_lock(&fiber_lock);
	struct fiber *f = &fibers[id];
	if (f->used) {
		pthread_mutex_unlock(&fiber_lock);
		return FLUE_EINVAL;
	}
	f->used = true;
	f->running = false;
	f->entry = entry;
	f->arg = arg;
	f->resumer = NO_FIBER;
	pthread_mutex_unlock(&fiber_lock);

	/* The thread starts now but only waits for its first turn. Detached:
	 * a finished fiber leaves nothing to join. */
	pthread_attr_t attr;
	pthread_t thread;
	int rc = pthread_attr_init(&attr);
	if (rc == 0) {
		(void)pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		(void)pthread_attr_setstacksize(&attr, FLUE_PORT_POSIX_FIBER_STACK);
		rc = pthread_create(&thread, &attr, fiber_main, f);
		(void)pthread_attr_destroy(&attr);
	}
	if (rc != 0) {
		pthread_mutex_lock(&fiber_lock);
		f->used = false;
		f->entry = NULL;
		f->arg = NULL;
		pthread_mutex_unlock(&fiber_lock);
		return FLUE_ENOMEM;
	}
	return 0;
}

void flue_port_fiber_resume(uint32_t id)
{
	if (id >= NO_FIBER)
		fiber_misuse("resume of a fiber id out of range");
	uint32_t me = self;

	pthread_mutex_lock(&fiber_lock);
	struct fiber *f = &fibers[id];
	if (!f->used)
		fiber_misuse("resume of a fiber that does not exist");
	if (f->running || id == me)
		fiber_misuse("resume of a fiber that is running");
	f->resumer = me; /* recorded at every resume: may differ each time */
	f->running = true;
	hand_over(id, me);
	pthread_mutex_unlock(&fiber_lock);
}

void flue_port_fiber_suspend(uint32_t id)
{
	if (id >= NO_FIBER || id != self)
		fiber_misuse("suspend of a fiber from outside it");

	pthread_mutex_lock(&fiber_lock);
	struct fiber *f = &fibers[id];
	f->running = false;
	hand_over(f->resumer, id);
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
