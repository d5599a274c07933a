/*
 * echo: exports `serve` (callback-lifted). Reads bytes as they come (the
 * host feeds them from a driver channel), upper-cases each line and writes
 * it back on the stream it returned; when the input ends, writes what is
 * left and ends its output. One write at a time; reads go on meanwhile.
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

static struct {
	uint32_t set, rx, tx;
	bool reading, writing, rx_done;
	uint8_t in[CHUNK];
	uint8_t line[LINE];     /* the line being read */
	uint32_t line_len;
	uint8_t out[2 * LINE];  /* finished lines waiting to be written */
	uint32_t out_len, out_off;
	bool tx_gone;           /* the reader of tx dropped: write nothing more */
} s;

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

static uint32_t step(void)
{
	for (;;) {
		bool again = false;
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
	if (s.rx_done && !s.writing && s.out_len == 0) {
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
	uint64_t tx = tx_new();
	s.tx = p3_writable(tx);
	task_return_serve(p3_readable(tx));
	s.set = p3_waitable_set_new();
	p3_waitable_join(s.rx, s.set);
	p3_waitable_join(s.tx, s.set);
	return step();
}

P3_EXPORT("[callback][async-lift]serve") uint32_t serve_callback(uint32_t event, uint32_t p1, uint32_t p2)
{
	if (event == P3_EVENT_STREAM_READ && p1 == s.rx)
		read_done(p2);
	else if (event == P3_EVENT_STREAM_WRITE && p1 == s.tx)
		write_done(p2);
	return step();
}
