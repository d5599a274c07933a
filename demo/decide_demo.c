/*
 * make demo: the decision layer at work. Each step extracts a few scalars,
 * asks a pure decision function what to do, and applies the answer to
 * state this program owns (Extract -> Decide -> Apply), printing both.
 * Later issues replace this with real components running on flue.
 */
#include <stdio.h>
#include <string.h>

#include <flue/errno.h>
#include <flue/gale_ext.h>
#include <gale/gale_event.h>
#include <gale/gale_msgq.h>
#include <gale/gale_pipe.h>
#include <gale/gale_sem.h>

#include "demo_mpu.h"

static const char *put_action(uint8_t a)
{
	static const char *const names[] = { "PUT_OK", "WAKE_READER", "PUT_PEND", "RETURN_FULL" };
	return a < 4u ? names[a] : "?";
}

static void demo_msgq(void)
{
	enum { SLOTS = 4, MSG = 8 };
	char buffer[SLOTS][MSG];
	uint32_t rd = 0, wr = 0, used = 0, bytes = 0;

	printf("msgq: %d slots of %d bytes", SLOTS, MSG);
	if (gale_msgq_init_validate(MSG, SLOTS, &bytes) == 0)
		printf(" -> buffer of %u bytes\n", (unsigned)bytes);
	for (int i = 0; i < 6; i++) {
		struct gale_msgq_put_decision d = gale_k_msgq_put_decide(wr, used, SLOTS, 0, 1);
		printf("  put msg%d: %-11s", i, put_action(d.action));
		if (d.action == GALE_MSGQ_ACTION_PUT_OK) {
			snprintf(buffer[wr], MSG, "msg%d", i); /* apply: copy, then store indices */
			printf(" slot %u", (unsigned)wr);
			wr = d.new_write_idx;
			used = d.new_used;
		} else {
			printf(" ret %d (-ENOMSG, queue unchanged)", (int)d.ret);
		}
		printf("  used=%u\n", (unsigned)used);
	}
	while (used > 0u) {
		struct gale_msgq_get_decision d = gale_k_msgq_get_decide(rd, used, SLOTS, 0, 1);
		printf("  get: %s from slot %u\n", buffer[rd], (unsigned)rd);
		rd = d.new_read_idx;
		used = d.new_used;
	}
	printf("  get on empty: ret %d\n", (int)gale_k_msgq_get_decide(rd, used, SLOTS, 0, 1).ret);
}

static void demo_sem(void)
{
	uint32_t count = 0, limit = 2;
	printf("sem: limit %u\n", (unsigned)limit);
	for (int i = 0; i < 3; i++) {
		struct gale_sem_give_decision g =
			flue_gale_sem_give_unpack(gale_k_sem_give_decide(count, limit, 0));
		count = g.new_count;
		printf("  give -> count %u%s\n", (unsigned)count, i == 2 ? " (saturated at limit)" : "");
	}
	struct gale_sem_give_decision w =
		flue_gale_sem_give_unpack(gale_k_sem_give_decide(count, limit, 1));
	printf("  give with a waiter -> %s, count stays %u\n",
	       w.action == GALE_SEM_ACTION_WAKE ? "WAKE" : "INCREMENT", (unsigned)w.new_count);
	for (int i = 0; i < 3; i++) {
		struct gale_sem_take_decision t =
			flue_gale_sem_take_unpack(gale_k_sem_take_decide(count, 1));
		if (t.action == GALE_SEM_TAKE_ACQUIRED) {
			count = t.new_count;
			printf("  take -> acquired, count %u\n", (unsigned)count);
		} else {
			printf("  take -> would block (-EBUSY %d)\n", FLUE_EBUSY);
		}
	}
}

static void demo_pipe(void)
{
	enum { SIZE = 8 };
	uint8_t ring[SIZE];
	uint32_t used = 0, n = 0, nu = 0;
	uint8_t flags = FLUE_PIPE_FLAG_OPEN;
	const char *msg = "hello, flue";

	printf("pipe: %d-byte buffer\n", SIZE);
	int32_t rc = gale_pipe_write_check(used, SIZE, flags, (uint32_t)strlen(msg), &n, &nu);
	printf("  write %u bytes -> rc %d, %u accepted (partial: min(request, free))\n",
	       (unsigned)strlen(msg), (int)rc, (unsigned)n);
	memcpy(ring, msg, n);
	used = nu;
	rc = gale_pipe_write_check(used, SIZE, flags, 3, &n, &nu);
	printf("  write 3 more -> rc %d (-EAGAIN: full)\n", (int)rc);
	rc = gale_pipe_read_check(used, flags, 5, &n, &nu);
	printf("  read 5 -> rc %d, got \"%.*s\"\n", (int)rc, (int)n, (const char *)ring);
	memmove(ring, ring + n, nu);
	used = nu;
	flags = 0; /* the writer closes */
	rc = gale_pipe_read_check(used, flags, 16, &n, &nu);
	printf("  closed; read 16 -> rc %d, got \"%.*s\" (drains first)\n", (int)rc, (int)n,
	       (const char *)ring);
	used = nu;
	rc = gale_pipe_read_check(used, flags, 16, &n, &nu);
	printf("  read again -> rc %d (-EPIPE: end of stream)\n", (int)rc);
}

static void demo_event(void)
{
	uint32_t events = 0;
	printf("event:\n");
	(void)gale_event_post(events, 0x5u, &events);
	printf("  post 0x5 -> 0x%x\n", (unsigned)events);
	struct gale_event_wait_decision any = gale_k_event_wait_decide(events, 0x6u, GALE_EVENT_WAIT_ANY, 1);
	struct gale_event_wait_decision all = gale_k_event_wait_decide(events, 0x6u, GALE_EVENT_WAIT_ALL, 0);
	printf("  wait any 0x6 -> %s, matched 0x%x\n",
	       any.action == GALE_EVENT_ACTION_MATCHED ? "MATCHED" : "no match", (unsigned)any.matched_events);
	printf("  wait all 0x6 -> %s\n", all.action == GALE_EVENT_ACTION_PEND ? "PEND (bit 1 missing)" : "?");
	events = gale_k_event_post_decide(events, 0x2u, 0x3u).new_events;
	printf("  set bits 0..1 to 0b10 -> 0x%x; wait all 0x6 -> %s\n", (unsigned)events,
	       gale_event_wait_check_all(events, 0x6u) ? "MATCHED" : "no match");
}

int main(void)
{
	printf("flue decision layer demo (Gale-compatible decisions, proved with Frama-C WP)\n\n");
	demo_msgq();
	demo_sem();
	demo_pipe();
	demo_event();
	demo_mpu();
	return 0;
}
