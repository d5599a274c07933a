/*
 * Resources held by a host (flue/resource.h, the flue_host_resource_*
 * functions): resource.new, resource.rep and resource.drop for a host
 * instance, with errors where a guest's built-ins trap. Every check comes
 * before any change, so an error leaves the table as it was.
 */
#include <flue/resource.h>
#include "obj.h"
#include "resource.h"

static bool host_ok(const struct flue_instance *host)
{
	return flue_instance_ok(host) && host->host_data != 0;
}

/* A live host that implements rt. */
static bool host_implements(const struct flue_instance *host, flue_rtype_t rt)
{
	if (!host_ok(host))
		return false;
	const struct flue_rtype *r = flue_rtype_get(host->store, rt);
	return r != 0 && flue_rtype_impl_is(r, host);
}

/* The resource handle i of type rt in the host's table, as the host may
 * use it (not taken by a value on its way out), or NULL. */
static struct flue_res *host_res(struct flue_instance *host, flue_rtype_t rt, uint32_t i)
{
	struct flue_handle *h = flue_table_get(host, i);
	if (h == 0 || h->kind != FLUE_H_RESOURCE || h->u.res.rt != rt || h->u.res.lifted)
		return 0;
	return &h->u.res;
}

int flue_host_resource_new(struct flue_instance *host, flue_rtype_t rt, uint32_t rep,
			   uint32_t *out)
{
	if (out == 0 || !host_implements(host, rt))
		return FLUE_EINVAL;
	uint32_t i = flue_table_add(host, FLUE_H_RESOURCE);
	if (i == 0)
		return FLUE_ENOSPC;
	host->handles[i].u.res = (struct flue_res){ .rep = rep, .rt = rt, .own = true };
	*out = i;
	return FLUE_OK;
}

int flue_host_resource_rep(struct flue_instance *host, flue_rtype_t rt, uint32_t i,
			   uint32_t *rep)
{
	if (rep == 0 || !host_implements(host, rt))
		return FLUE_EINVAL;
	const struct flue_res *x = host_res(host, rt, i);
	if (x == 0)
		return FLUE_EBADF;
	*rep = x->rep;
	return FLUE_OK;
}

int flue_host_resource_drop(struct flue_instance *host, flue_rtype_t rt, uint32_t i,
			    uint32_t *rep)
{
	if (!host_ok(host) || rep == 0)
		return FLUE_EINVAL;
	struct flue_store *s = host->store;
	const struct flue_res *x = host_res(host, rt, i);
	if (x == 0)
		return FLUE_EBADF;
	if (x->lends != 0)
		return FLUE_EBUSY;
	const struct flue_rtype *r = flue_rtype_get(s, rt);
	bool mine = r != 0 && flue_rtype_impl_is(r, host);
	/* A guest's destructor would run guest code from host code outside
	 * any task: not offered (give the own to a guest to drop it). */
	if (x->own && !mine && r != 0 && r->dtor != 0)
		return FLUE_ENOTSUP;
	struct flue_res v = *x;
	flue_table_remove(host, i);
	if (!v.own && s->tasks[v.scope].num_borrows != 0)
		s->tasks[v.scope].num_borrows--;
	*rep = v.own && mine ? v.rep : 0u;
	return FLUE_OK;
}
