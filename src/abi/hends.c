/*
 * A host's reads and writes of graph-typed elements on its stream/future
 * ends (flue/host.h): flue_host_read/write (obj/host.c) check the op and
 * move number types themselves; graph types come here through the
 * store's host_values hook, which the executor installs (values at host
 * ends need it to contain the guests' traps), so the number types' path
 * stays the object layer's alone.
 * Values move as between guests (elems.c), the host's strings in UTF-8
 * and what it reads lowered into its arena with its allocator
 * (flue_host_set_realloc()).
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
	/* (No executor, no hook: obj/host.c answers FLUE_ENOTSUP then.) */
	struct flue_store *s = host->store;
	const struct flue_type_graph *tg = &s->type_graphs[args->t - s->types];
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

static int host_values(struct flue_instance *host, uint32_t e, const struct flue_host_values *v,
		       bool reading, struct flue_host_outcome *out)
{
	struct flue_event now;
	int rc = host_values_ok(host, &v->args, v->off, v->n, reading);
	if (rc == FLUE_OK)
		rc = abi_copy_values(host, e, &v->args, v->off, v->n,
				     &host->store->host_opts[host->id], &now);
	/* EPERM: the same-instance rule; ENOMEM: no room for what it reads.
	 * Nothing changed. */
	if (rc != FLUE_OK)
		return rc;
	flue_host_copy_outcome(host, e, &now, out);
	return FLUE_OK;
}

void abi_host_values_install(struct flue_store *s)
{
	s->host_values = host_values;
}
