#!/bin/sh
# bench/report.sh <host.txt> <m3.txt>: one Markdown table from the lines
#     bench <key> <total> <iterations>
# that bench_host and bench_m3.elf print (host: nanoseconds of the best run;
# M3: instructions), with the in-run baselines, ratios and the gates of
# issue 10 as PASS/FAIL. Gates do not change the exit status (this is a
# measurement); a missing or BROKEN benchmark does (exit 1).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 host.txt m3.txt" >&2; exit 2; }

awk -v HOST="$1" -v M3="$2" '
function load(file, tag,    line, f, n) {
	while ((getline line < file) > 0) {
		n = split(line, f, " ")
		if (f[1] == "bench" && n == 4 && f[4] > 0)
			fig[tag, f[2]] = f[3] / f[4]
		else if (f[1] == "bench" && line ~ /BROKEN/)
			broken = broken "\n  " tag ": " line
		else if (f[1] == "bench-info")
			info[tag] = line
	}
	close(file)
}
function has(tag, k) { return ((tag, k) in fig) }
function val(tag, k) { return has(tag, k) ? fig[tag, k] : -1 }
# A figure: host ns with one decimal, M3 instructions as an integer.
function show(tag, k,    v) {
	if (!has(tag, k)) { missing = missing " " tag ":" k; return "n/a" }
	v = fig[tag, k]
	return tag == "host" ? sprintf("%.1f", v) : sprintf("%d", v + 0.5)
}
function ratio(tag, k, b) {
	if (!has(tag, k) || !has(tag, b) || fig[tag, b] == 0) return "n/a"
	return sprintf("%.2f", fig[tag, k] / fig[tag, b])
}
# A gate on the time ratio k/b: PASS when it is <= limit.
function gate(tag, k, b, limit,    r) {
	if (!has(tag, k) || !has(tag, b) || fig[tag, b] == 0) return tag " n/a"
	r = fig[tag, k] / fig[tag, b]
	return sprintf("%s %s (%.2f ≤ %.2f)", tag, r <= limit ? "PASS" : "FAIL", r, limit)
}
# Bulk gates are throughput: memcpy time / flue time >= share.
function bulk_gate(tag, k, b, share,    s) {
	if (!has(tag, k) || !has(tag, b) || fig[tag, k] == 0) return tag " n/a"
	s = fig[tag, b] / fig[tag, k]
	return sprintf("%s %s (%.0f %% ≥ %.0f %%)", tag, s >= share ? "PASS" : "FAIL",
		       100 * s, 100 * share)
}
function row(label, k, hb, mb, g) {
	printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", label,
	       show("host", k), hb == "" ? "—" : show("host", hb) " (" hb ")",
	       hb == "" ? "—" : ratio("host", k, hb),
	       show("m3", k), mb == "" ? "—" : show("m3", mb) " (" mb ")",
	       mb == "" ? "—" : ratio("m3", k, mb), g == "" ? "—" : g
}
# The host hand-off against the queue'"'"'s code path alone (no thread switch):
# not a gate (the issue'"'"'s baseline switches threads), the stricter view.
function path(k) {
	return "host vs code path " ratio("host", k, "queue_path") "×"
}
# A shared-ring row: stream key s against ring key r, per element (an
# op of k elements), ratio ring / stream.
function per_el(tag, k, e,    v) {
	if (!has(tag, k)) { missing = missing " " tag ":" k; return "n/a" }
	v = fig[tag, k] / e
	return sprintf("%.1f", v)
}
function ringrow(label, s, r, e) {
	printf "| %s | %s | %s | %s | %s | %s | %s |\n", label,
	       per_el("host", s, e), per_el("host", r, e), ratio("host", r, s),
	       per_el("m3", s, e), per_el("m3", r, e), ratio("m3", r, s)
}
function aim(tag, k, limit, unit,    v) {
	if (!has(tag, k)) return tag " n/a"
	v = fig[tag, k]
	return sprintf("%s %s (%.0f %s, aim ≤ %d)", tag, v <= limit ? "met" : "not met", v, unit, limit)
}
BEGIN {
	load(HOST, "host"); load(M3, "m3")
	print "| benchmark | host ns | host baseline | ratio | M3 instructions | M3 baseline | ratio | gate |"
	print "|---|---:|---|---:|---:|---|---:|---|"
	row("RTOS queue baseline, code path: gale msgq put+get decisions, copy, a call as the switch", "queue_path", "", "", "baseline")
	row("RTOS queue baseline, two cooperative threads (host: port fibers, pthreads with a baton; M3: own context switch)", "queue_switch", "", "", "baseline")
	row("one-element hand-off guest↔guest (u8: write + read + event + callback)", "handoff_gg",
	    "queue_switch", "queue_switch",
	    gate("host", "handoff_gg", "queue_switch", 1) "; " gate("m3", "handoff_gg", "queue_switch", 1) \
	    "; " path("handoff_gg") "; aim: " aim("host", "handoff_gg", 35, "ns") ", " \
	    aim("m3", "handoff_gg", 400, "instr."))
	row("one-element hand-off guest→host end (flue_host_read + flue_run)", "handoff_gh",
	    "queue_switch", "queue_switch",
	    gate("host", "handoff_gh", "queue_switch", 1) "; " gate("m3", "handoff_gh", "queue_switch", 1) \
	    "; " path("handoff_gh"))
	row("one-element hand-off, channel from another thread (host: a pthread; M3: an ISR)", "handoff_ch",
	    "queue_switch", "queue_switch",
	    gate("host", "handoff_ch", "queue_switch", 1) "; " gate("m3", "handoff_ch", "queue_switch", 1))
	row("one-element hand-off guest↔guest with 8 idle tasks waiting in the reader instance", "handoff_idle8",
	    "handoff_gg", "handoff_gg",
	    gate("host", "handoff_idle8", "handoff_gg", 1.10) "; " gate("m3", "handoff_idle8", "handoff_gg", 1.10))
	row("one-element hand-off guest↔guest, every step on its own fiber (stack per task; M3: PSP switch)", "handoff_fiber",
	    "handoff_gg", "handoff_gg", "")
	row("bulk copy 64 B guest→guest (one write + one read)", "bulk_64", "memcpy_64", "memcpy_64", "")
	row("bulk copy 4 KiB guest→guest", "bulk_4k", "memcpy_4k", "memcpy_4k",
	    bulk_gate("host", "bulk_4k", "memcpy_4k", 0.60) "; " bulk_gate("m3", "bulk_4k", "memcpy_4k", 0.60))
	row("bulk copy 64 KiB guest→guest", "bulk_64k", "memcpy_64k", "memcpy_64k",
	    bulk_gate("host", "bulk_64k", "memcpy_64k", 0.90) "; " bulk_gate("m3", "bulk_64k", "memcpy_64k", 0.90))
	row("waitable-set.wait, 1 member (read + write + wait of one event)", "wait_1", "", "", "")
	row("waitable-set.wait, 16 members", "wait_16", "wait_1", "wait_1",
	    gate("host", "wait_16", "wait_1", 1.10) "; " gate("m3", "wait_16", "wait_1", 1.10))
	row("waitable-set.wait, 48 members", "wait_48", "wait_1", "wait_1",
	    gate("host", "wait_48", "wait_1", 1.10) "; " gate("m3", "wait_48", "wait_1", 1.10))
	row("waitable-set.poll (nothing pending), 1 member", "poll_1", "", "", "")
	row("waitable-set.poll, 16 members", "poll_16", "poll_1", "poll_1",
	    gate("host", "poll_16", "poll_1", 1.10) "; " gate("m3", "poll_16", "poll_1", 1.10))
	row("waitable-set.poll, 48 members", "poll_48", "poll_1", "poll_1",
	    gate("host", "poll_48", "poll_1", 1.10) "; " gate("m3", "poll_48", "poll_1", 1.10))
	row("task spawn+return (async lower, callee returns at once)", "spawn", "", "", "")
	row("async-lower round trip (callee yields; subtask event; drop)", "round_trip", "", "", "")
	print ""
	print "memcpy rows (in-run baselines of the bulk copies), per copy:"
	print ""
	print "| memcpy | host ns | M3 instructions |"
	print "|---|---:|---:|"
	printf "| 64 B | %s | %s |\n", show("host", "memcpy_64"), show("m3", "memcpy_64")
	printf "| 4 KiB | %s | %s |\n", show("host", "memcpy_4k"), show("m3", "memcpy_4k")
	printf "| 64 KiB | %s | %s |\n", show("host", "memcpy_64k"), show("m3", "memcpy_64k")
	print ""
	print "Shared rings against streams (issue 11), per 4-byte element, same run; ratio = ring / stream:"
	print ""
	print "| workload | host stream ns | host ring ns | ratio | M3 stream instr. | M3 ring instr. | ratio |"
	print "|---|---:|---:|---:|---:|---:|---:|"
	ringrow("guest→guest, one element per op (ring: 2 deep, each side waits every 2nd element)", "stream4_1", "ring_1", 1)
	ringrow("guest→guest, one element per op (ring: 64 deep, each side waits every 64th)", "stream4_1", "ring_1_deep", 1)
	ringrow("guest→guest, 64 elements per op (ring: 128 deep)", "stream4_64", "ring_64", 64)
	ringrow("driver→guest, one element per interrupt (host: a call on the executor thread): channel send + stream.read vs put_claim/commit + claim/finish", "chan4", "ring_drv", 1)
	print ""
	print "Per iteration. " info["host"]
	print info["m3"]
	if (broken != "" || missing != "") {
		if (broken != "") print "BROKEN benchmarks:" broken > "/dev/stderr"
		if (missing != "") print "missing figures:" missing > "/dev/stderr"
		exit 1
	}
}'
