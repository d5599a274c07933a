/*
 * echo: exports `serve` (callback-lifted). Reads bytes as they come (the
 * host feeds them from a driver channel), upper-cases each line and writes
 * it back on the stream it returned; when the input ends, writes what is
 * left and ends its output. One write at a time; reads go on meanwhile.
 *
 * Beside `rx`, it drains ring `samples`, which the driver's interrupt
 * fills in place in a window of this module's memory (attached at
 * `_initialize`): claim, read, finish. When a claim finds nothing it reads
 * the ring's companion stream (`ready`), which is in the same waitable set
 * as `rx` and the reply: a commit by the driver completes that read as an
 * ordinary STREAM_READ event, so one wait covers both sources. When the
 * driver closed the ring and it is drained, it tells the host what came
 * (`samples-seen`); `serve` ends once both `rx` and the ring have ended.
 */
#include "p3.h"

#define EXPORT_MODULE "[export]$root"
#define CHUNK 32u
#define LINE 128u

P3_IMPORT(EXPORT_MODULE, "[task-return]serve") void task_return_serve(uint32_t out);
P3_IMPORT(EXPORT_MODULE, "[async-lower][stream-read-0]serve")
uint32_t rx_read(uint32_t end, uint8_t *buf, uint32_t n);
P3_IMPORT(EXPORT_MODULE, "[stream-drop-readable-0]serve") void rx_drop(uint32_t end);
P3_IMPORT(EXPORT_MODULE, "[stream-new-1]serve") uint64_t tx_new(void);
P3_IMPORT(EXPORT_MODULE, "[async-lower][stream-write-1]serve")
uint32_t tx_write(uint32_t end, const uint8_t *buf, uint32_t n);
P3_IMPORT(EXPORT_MODULE, "[stream-drop-writable-1]serve") void tx_drop(uint32_t end);

/* Ring `samples` (driver.flue: 8 slots of 4 bytes, the driver writes). */
P3_IMPORT("flue:ring/samples", "attach") void samples_attach(uint32_t ptr, uint32_t bytes);
P3_IMPORT("flue:ring/samples", "claim") uint64_t samples_claim(uint32_t max);
P3_IMPORT("flue:ring/samples", "finish") void samples_finish(uint32_t n);
P3_IMPORT("flue:ring/samples", "ready") uint32_t samples_ready(void);
/* The companion is a unit stream: no elements to land anywhere. */
P3_IMPORT("$root", "[async-lower][stream-read-unit]samples")
uint32_t ready_read(uint32_t end, void *buf, uint32_t n);
P3_IMPORT("$root", "[stream-drop-readable-unit]samples") void ready_drop(uint32_t end);
P3_IMPORT("$root", "samples-seen") void samples_seen(uint32_t count, uint32_t sum, bool in_order);

#define SLOTS 8u
#define RING_CLOSED UINT64_MAX /* claim: the driver closed and all was read */

/* The ring's storage: a window is a power of two of at least 32 bytes,
 * aligned to its size, so that one MPU region covers exactly it. */
static uint32_t window[SLOTS] __attribute__((aligned(32)));

static struct {
	uint32_t set, rx, tx;
	bool reading, writing, rx_done;
	uint8_t in[CHUNK];
	uint8_t line[LINE];     /* the line being read */
	uint32_t line_len;
	uint8_t out[2 * LINE];  /* finished lines waiting to be written */
	uint32_t out_len, out_off;
	bool tx_gone;           /* the reader of tx dropped: write nothing more */
	uint32_t ready;         /* the ring's companion (readable unit stream) */
	bool waiting, ring_done; /* a read of `ready` pending; the ring ended */
	uint32_t samples, sum;
	bool in_order;
} s;

P3_EXPORT("_initialize") void initialize(void)
{
	samples_attach((uint32_t)(uintptr_t)window, (uint32_t)sizeof window);
}

static void take(const uint8_t *p, uint32_t n)
{
	if (s.tx_gone)
		return; /* nowhere to send it */
	for (uint32_t i = 0; i < n; i++) {
		uint8_t c = p[i] >= 'a' && p[i] <= 'z' ? (uint8_t)(p[i] - 'a' + 'A') : p[i];
		if (s.line_len < LINE)
			s.line[s.line_len++] = c;
		if (c == '\n' || s.line_len == LINE) {
			if (s.out_len + s.line_len <= sizeof s.out) {
				memcpy(&s.out[s.out_len], s.line, s.line_len);
				s.out_len += s.line_len;
			}
			s.line_len = 0;
		}
	}
}

static void read_done(uint32_t packed)
{
	s.reading = false;
	take(s.in, p3_progress(packed));
	if (p3_result(packed) == P3_DROPPED) {
		s.rx_done = true;
		take((const uint8_t *)"\n", s.line_len > 0 ? 1u : 0u); /* flush a last partial line */
	}
}

static void write_done(uint32_t packed)
{
	s.writing = false;
	s.out_off += p3_progress(packed);
	if (s.out_off == s.out_len)
		s.out_off = s.out_len = 0;
	if (p3_result(packed) == P3_DROPPED) {
		s.out_off = s.out_len = 0; /* nobody listens any more */
		s.tx_gone = true;
	}
}

/* The ring ended: tell the host, and let go of the companion. */
static void ring_ended(void)
{
	s.ring_done = true;
	samples_seen(s.samples, s.sum, s.in_order);
	p3_waitable_join(s.ready, 0);
	ready_drop(s.ready);
}

/* One look at the ring; true if it made progress. The samples are read in
 * place, in the window (read-only to this guest when isolated on PMSAv7:
 * it only reads them). */
static bool ring_step(void)
{
	if (s.ring_done || s.waiting)
		return false;
	uint64_t c = samples_claim(SLOTS);
	if (c == RING_CLOSED) {
		ring_ended();
		return true;
	}
	uint32_t at = (uint32_t)c, count = (uint32_t)(c >> 32);
	if (count > 0u) {
		const uint32_t *slot = (const uint32_t *)(uintptr_t)at;
		for (uint32_t i = 0; i < count; i++) {
			s.in_order = s.in_order && slot[i] == s.samples + 1u;
			s.samples++;
			s.sum += slot[i];
		}
		samples_finish(count);
		return true;
	}
	/* Nothing committed: wait for the companion's next unit. A unit
	 * already there completes the read at once ("look again"). */
	uint32_t r = ready_read(s.ready, 0, 1);
	if (r == P3_BLOCKED)
		s.waiting = true;
	return r != P3_BLOCKED;
}

static uint32_t step(void)
{
	for (;;) {
		bool again = ring_step();
		if (!s.writing && !s.tx_gone && s.out_off < s.out_len) {
			uint32_t r = tx_write(s.tx, &s.out[s.out_off], s.out_len - s.out_off);
			if (r == P3_BLOCKED)
				s.writing = true;
			else
				write_done(r), again = true;
		}
		if (!s.reading && !s.rx_done && s.out_len + CHUNK + LINE <= sizeof s.out) {
			uint32_t r = rx_read(s.rx, s.in, CHUNK);
			if (r == P3_BLOCKED)
				s.reading = true;
			else
				read_done(r), again = true;
		}
		if (!again)
			break;
	}
	if (s.rx_done && s.ring_done && !s.writing && s.out_len == 0) {
		p3_waitable_join(s.rx, 0);
		p3_waitable_join(s.tx, 0);
		rx_drop(s.rx);
		tx_drop(s.tx);
		p3_waitable_set_drop(s.set);
		return P3_EXIT;
	}
	return P3_WAIT(s.set);
}

P3_EXPORT("[async-lift]serve") uint32_t serve_start(uint32_t rx)
{
	memset(&s, 0, sizeof s);
	s.rx = rx;
	s.ready = samples_ready();
	s.in_order = true;
	uint64_t tx = tx_new();
	s.tx = p3_writable(tx);
	task_return_serve(p3_readable(tx));
	s.set = p3_waitable_set_new();
	p3_waitable_join(s.rx, s.set);
	p3_waitable_join(s.tx, s.set);
	p3_waitable_join(s.ready, s.set);
	return step();
}

P3_EXPORT("[callback][async-lift]serve") uint32_t serve_callback(uint32_t event, uint32_t p1, uint32_t p2)
{
	if (event == P3_EVENT_STREAM_READ && p1 == s.rx)
		read_done(p2);
	else if (event == P3_EVENT_STREAM_WRITE && p1 == s.tx)
		write_done(p2);
	else if (event == P3_EVENT_STREAM_READ && p1 == s.ready)
		s.waiting = false; /* a commit, or the close: look again */
	return step();
}
