/*
 * The top: tick and the run loops, and invocations and cancellations
 * posted by other threads (started at top level only). Calls every other
 * file of exec/; none calls it.
 */
#include "exec.h"

int flue_invoke_post(struct flue_func *f, struct flue_instance *host, flue_on_start_fn on_start,
		     flue_on_resolve_fn on_resolve, void *user, uint32_t *ticket)
{
	if (!exec_invoke_ok(f, host, on_start, on_resolve))
		return FLUE_EINVAL;
	struct flue_store *s = f->inst->store;
	int rc = FLUE_OK;
	flue_port_key_t k = flue_port_lock();
	if (s->sched.inv_count >= FLUE_CONFIG_MAX_TASKS) {
		rc = FLUE_EBUSY;
	} else {
		uint32_t i = ((uint32_t)s->sched.inv_head + s->sched.inv_count) %
			     FLUE_CONFIG_MAX_TASKS;
		if (++s->sched.next_ticket == 0u)
			s->sched.next_ticket = 1u; /* 0 means none */
		struct flue_posted_invoke p = { f, host, on_start, on_resolve, user,
						s->sched.next_ticket, false };
		s->sched.inv[i] = p;
		s->sched.inv_count++;
		if (ticket != 0)
			*ticket = p.ticket;
	}
	flue_port_unlock(k);
	if (rc == FLUE_OK) {
		flue_port_flag_raise(&s->sched.inv_flag);
		flue_port_wake();
	}
	return rc;
}

struct blocking_call {
	flue_port_sem_t sem;
	const struct flue_values *args;
	struct flue_values *results;
	bool has_value;
};

static void blocking_on_start(void *user, struct flue_values *args)
{
	struct blocking_call *b = user;
	if (b->args != 0)
		*args = *b->args;
}

/* Runs on the executor thread; the semaphore hands the results over. */
static void blocking_on_resolve(void *user, const struct flue_values *r)
{
	struct blocking_call *b = user;
	b->has_value = r != 0;
	if (r != 0 && b->results != 0)
		*b->results = *r;
	flue_port_sem_give(&b->sem);
}

int flue_invoke_blocking(struct flue_func *f, struct flue_instance *host,
			 const struct flue_values *args, struct flue_values *results)
{
	struct blocking_call b = { .args = args, .results = results };
	flue_port_sem_init(&b.sem);
	int rc = flue_invoke_post(f, host, blocking_on_start, blocking_on_resolve, &b, 0);
	if (rc == FLUE_OK) {
		flue_port_sem_take(&b.sem);
		rc = b.has_value ? FLUE_OK : FLUE_ECANCELED;
	}
	flue_port_sem_destroy(&b.sem);
	return rc;
}

int flue_invoke_cancel_post(struct flue_store *s, uint32_t ticket)
{
	if (ticket == 0u)
		return FLUE_EINVAL;
	int rc = FLUE_OK;
	flue_port_key_t k = flue_port_lock();
	if (s->sched.ncancel >= FLUE_CONFIG_MAX_TASKS)
		rc = FLUE_EBUSY;
	else
		s->sched.cancel_ticket[s->sched.ncancel++] = ticket;
	flue_port_unlock(k);
	if (rc == FLUE_OK) {
		flue_port_flag_raise(&s->sched.inv_flag);
		flue_port_wake();
	}
	return rc;
}

/* Posted cancellations: a queued invocation is marked (it will resolve
 * without running); a started one is cancelled like flue_invoke_cancel. */
static void apply_posted_cancels(struct flue_store *s)
{
	for (;;) {
		uint32_t ticket = 0;
		flue_port_key_t k = flue_port_lock();
		if (s->sched.ncancel > 0u) {
			ticket = s->sched.cancel_ticket[--s->sched.ncancel];
			for (uint32_t j = 0; j < s->sched.inv_count; j++) {
				struct flue_posted_invoke *p =
					&s->sched.inv[(s->sched.inv_head + j) % FLUE_CONFIG_MAX_TASKS];
				if (p->ticket == ticket) {
					p->cancelled = true;
					ticket = 0;
				}
			}
		}
		uint16_t left = s->sched.ncancel;
		flue_port_unlock(k);
		for (uint32_t i = 0; ticket != 0u && i < FLUE_CONFIG_MAX_TASKS; i++) {
			struct flue_task *t = &s->tasks[i];
			if (t->used && t->origin == FLUE_ORIGIN_INVOKE && t->ticket == ticket)
				(void)flue_invoke_cancel(s, exec_call_id(s, (uint16_t)i));
		}
		if (left == 0u && ticket == 0u) {
			k = flue_port_lock();
			left = s->sched.ncancel;
			flue_port_unlock(k);
			if (left == 0u)
				return;
		}
	}
}

/* Start the invocations posted by other threads, oldest first (top level
 * only: an invocation does not start inside a nested loop, where its
 * instance may be on the stack), after applying posted cancellations. */
void exec_start_posted(struct flue_store *s)
{
	/* Nothing posted since the last look: no lock taken (issue 10). */
	if (!flue_port_flag_take(&s->sched.inv_flag))
		return;
	apply_posted_cancels(s);
	for (;;) {
		struct flue_posted_invoke p;
		bool have = false;
		flue_port_key_t k = flue_port_lock();
		if (s->sched.inv_count > 0u) {
			p = s->sched.inv[s->sched.inv_head];
			s->sched.inv_head = (uint16_t)((s->sched.inv_head + 1u) % FLUE_CONFIG_MAX_TASKS);
			s->sched.inv_count--;
			have = true;
		}
		flue_port_unlock(k);
		if (!have)
			return;
		flue_call_t call;
		struct flue_task *t;
		if (p.cancelled ||
		    flue_invoke(p.func, p.host, p.on_start, p.on_resolve, p.user, &call) != FLUE_OK)
			p.on_resolve(p.user, 0);
		else if ((t = exec_call_task(s, call)) != 0 && t->origin == FLUE_ORIGIN_INVOKE)
			t->ticket = p.ticket;
	}
}

/* flue_tick(); when it is IDLE, `*outside` is what outside the executor
 * can still make a task ready (else left as it was). */
static enum flue_tick_result tick(struct flue_store *s, enum exec_outside *outside)
{
	exec_apply_posted(s);
	exec_start_posted(s);
	bool any = exec_refresh(s);
	uint16_t u = exec_pick_of(s, 0);
	if (u != FLUE_TASK_NONE) {
		exec_resume(s, u, false);
		return FLUE_TICK_RAN;
	}
	if (!any)
		return FLUE_TICK_DONE;
	*outside = exec_external(s, true);
	return *outside != EXEC_OUTSIDE_NONE ? FLUE_TICK_IDLE : FLUE_TICK_DEADLOCK;
}

enum flue_tick_result flue_tick(struct flue_store *s)
{
	enum exec_outside outside = EXEC_OUTSIDE_NONE;
	return tick(s, &outside);
}

/* flue_run(), and on FLUE_EAGAIN what outside can help (tick). */
static int run(struct flue_store *s, enum exec_outside *outside)
{
	for (;;) {
		switch (tick(s, outside)) {
		case FLUE_TICK_RAN:
			break;
		case FLUE_TICK_DONE:
			return FLUE_OK;
		case FLUE_TICK_DEADLOCK:
			return FLUE_EDEADLK;
		default:
			return FLUE_EAGAIN;
		}
	}
}

int flue_run(struct flue_store *s)
{
	enum exec_outside outside = EXEC_OUTSIDE_NONE;
	return run(s, &outside);
}

int flue_run_until_idle(struct flue_store *s)
{
	for (;;) {
		enum exec_outside outside = EXEC_OUTSIDE_NONE;
		int rc = run(s, &outside);
		if (rc != FLUE_EAGAIN)
			return rc;
		/* Sleep only for what another thread or an interrupt can bring
		 * (as the tick that went IDLE found it: a post since then wakes
		 * the sleep); if just the host's own ends are left, it has to
		 * act first. */
		if (outside != EXEC_OUTSIDE_THREAD)
			return FLUE_EAGAIN;
		flue_port_idle();
	}
}
