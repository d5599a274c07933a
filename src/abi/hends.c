/*
 * A host's reads and writes on its stream/future ends (flue/host.h):
 * number types move bytes (the object layer's op); graph types move
 * values (elems.c), the host's strings in UTF-8 and what it reads lowered
 * into its arena with its allocator (flue_host_set_realloc()).
 *
 * Every check comes before any change. A host's write of graph-typed
 * elements is checked whole first (the host gets FLUE_EINVAL, not a
 * trap); a host's read of elements that need memory needs its allocator
 * (FLUE_ENOMEM). Handles in elements are indices of the host's table:
 * what it reads comes all or nothing (the data, then the handles once its
 * table has room), so a failure leaves its table as it was.
 */
#include <flue/host.h>
#include <flue/port.h>
#include "abi.h"
#include "val.h"

static void check_body(void *arg)
{
	flue_vals_check_elems(arg);
}

static void unmark_body(void *arg)
{
	flue_vals_unmark_elems(arg, 0);
}

/* The host's graph-typed op's own preconditions, before any change. */
static int host_values_ok(struct flue_instance *host, const struct flue_copy_args *args,
			  uint32_t off, uint32_t n, bool reading)
{
	struct flue_store *s = host->store;
	flue_type_t t = (flue_type_t)(args->t - s->types + 1);
	if (s->exec_hooks == 0)
		return FLUE_ENOTSUP; /* an executor catches the guests' traps */
	const struct flue_type_graph *tg = &s->type_graphs[t - 1u];
	if (reading)
		return (tg->graph->nodes[tg->node].contains & FLUE_TC_ALLOC) != 0 &&
				       s->host_opts[host->id].realloc == 0
			       ? FLUE_ENOMEM
			       : FLUE_OK;
	struct flue_cx_opts r;
	struct flue_cx src = flue_cx_of(host, &s->host_opts[host->id], &r);
	struct flue_elems e = { tg->graph, tg->node, &src, 0, off, 0, n };
	int rc = flue_port_try(check_body, &e) == 0 ? FLUE_OK : FLUE_EINVAL;
	/* The check took the handles it met (owns and ends marked): the op
	 * takes them again itself. The walk stops where the check did. */
	(void)flue_port_try(unmark_body, &e);
	return rc;
}

static int host_copy(struct flue_instance *host, uint32_t e, const void *buf, uint32_t n,
		     bool reading, struct flue_host_outcome *out)
{
	struct flue_copy_args args;
	uint32_t off;
	if (out == 0)
		return FLUE_EINVAL;
	int rc = flue_host_copy_check(host, e, buf, &n, reading, &args, &off);
	if (rc != FLUE_OK)
		return rc;
	struct flue_event now;
	if (args.t->desc.kind == FLUE_TYPE_GRAPH) {
		rc = host_values_ok(host, &args, off, n, reading);
		if (rc == FLUE_OK)
			rc = abi_copy_values(host, e, &args, off, n,
					     &host->store->host_opts[host->id], &now);
	} else {
		rc = flue_end_copy_op(host, e, off, n, &args, &now);
	}
	/* EPERM: the same-instance rule; EINVAL: a parked guest buffer this
	 * op would move bytes with left its memory; ENOMEM: no room for what
	 * it reads. Nothing changed. */
	if (rc != FLUE_OK)
		return rc;
	flue_host_copy_outcome(host, e, &now, out);
	return FLUE_OK;
}

int flue_host_read(struct flue_instance *host, uint32_t e, void *buf, uint32_t n,
		   struct flue_host_outcome *out)
{
	return host_copy(host, e, buf, n, true, out);
}

int flue_host_write(struct flue_instance *host, uint32_t e, const void *buf, uint32_t n,
		    struct flue_host_outcome *out)
{
	return host_copy(host, e, buf, n, false, out);
}
