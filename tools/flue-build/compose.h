/**
 * @file compose.h
 * @brief The composition file: which instances exist, which import of
 *        which instance is served by which export of which other instance
 *        or by the host, which exports the host calls, and budgets.
 *
 * One statement per line; `#` starts a comment; words are separated by
 * blanks. Paths are relative to the composition file's folder.
 *
 *     instance <name> <module.wasm> <wit file or folder> [world <world>]
 *     connect <inst>.<import> <inst>.<export>    # import served by another instance
 *     host <inst>.<import> [<c-name>]            # import served by a host C function
 *     export <inst>.<export> [<c-name>]          # export the host calls (typed C binding)
 *     memory <inst> <pages>                      # static linear-memory capacity (64 KiB pages)
 *     budget <inst> ram <bytes> flash <bytes>    # fail the build when exceeded (either may be omitted)
 *     ring <name> <element-bytes> <capacity> <writer> <reader>   # a shared ring
 *
 * `<import>` / `<export>` is a world key as wit-component names it: a
 * function of the world (`run`), or an interface function
 * `<interface>#<function>` where `<interface>` is the interface's world key
 * (`example:pipeline/source`, or the plain name of an inline interface).
 * Instance names are C identifiers. `<c-name>` defaults to
 * `<program>_<inst>_<interface>_<function>` for `export` and to
 * `<program>_<interface>_<function>` for `host` (in snake case, interface
 * without package and version), so that instances importing the same
 * function share one host function. `memory` and `budget` may be given
 * once per instance.
 *
 * `ring` declares a shared ring (flue/ring.h) of `<capacity>` elements (a
 * power of two) of `<element-bytes>` bytes, at most 2^31 bytes in all;
 * `<writer>` and `<reader>` are two different ends, each an instance
 * (declared before) or `host` (a driver: C code of the program). Ring names
 * are C identifiers, each declared once; guests reach ring NAME through
 * the import module `flue:ring/NAME` (plan.c checks those imports).
 *
 * Host tool code.
 */
#ifndef FLUE_BUILD_COMPOSE_H
#define FLUE_BUILD_COMPOSE_H

#include <stdbool.h>
#include <stdint.h>

/** Where a statement is: file, line, column of the word concerned. */
struct fb_loc {
	const char *file;
	uint32_t line, col;
};

/** An error message, "file:line:col: ..." (NUL-terminated). */
struct fb_error {
	char msg[768];
};

/** `inst.key` as written. */
struct fb_ref {
	char *inst, *key;
	struct fb_loc loc;
};

struct fb_instance_decl {
	char *name;
	char *module_path;  /**< as resolved against the composition's folder */
	char *wit_path;     /**< likewise */
	char *world;        /**< NULL: the only world of the WIT package */
	uint32_t memory_pages; /**< 0: the module's initial pages */
	uint64_t budget_ram, budget_flash; /**< 0: none */
	struct fb_loc loc;
	struct fb_loc memory_loc; /**< the `memory` statement (line 0: none) */
	struct fb_loc budget_loc; /**< the `budget` statement (line 0: none) */
};

enum fb_link_kind { FB_LINK_CONNECT = 1, FB_LINK_HOST, FB_LINK_EXPORT };

struct fb_link {
	enum fb_link_kind kind;
	struct fb_ref from;  /**< CONNECT/HOST: the import; EXPORT: the export */
	struct fb_ref to;    /**< CONNECT: the serving export */
	char *c_name;        /**< HOST/EXPORT: NULL for the default name */
	struct fb_loc loc;
};

/** A shared ring (`ring` statement). */
struct fb_ring_decl {
	char *name;
	uint32_t elem_size;  /**< bytes per element, > 0 */
	uint32_t capacity;   /**< elements, a power of two */
	char *end[2];        /**< writer, reader (enum flue_ring_role): an instance
				  name, or NULL for the host (a driver) */
	struct fb_loc loc;
};

struct fb_composition {
	char *path;          /**< the file */
	char *dir;           /**< its folder */
	char *module_dir;    /**< where module paths are resolved */
	uint32_t ninstances, nlinks;
	struct fb_instance_decl *instances;
	struct fb_link *links;
	uint32_t nrings;
	struct fb_ring_decl *rings;
};

/**
 * @brief Read and check a composition file (syntax, duplicate instances,
 *        references to undeclared instances, duplicate wiring of one
 *        import, C identifiers, numbers). Module paths are resolved against
 *        `module_dir` (NULL: the composition's folder), WIT paths against
 *        the composition's folder.
 * @retval 0 @retval -1 with `err->msg`
 */
int fb_compose_read(struct fb_composition *c, const char *path, const char *module_dir,
		    struct fb_error *err);

/** @brief The instance named `name`, or NULL. */
const struct fb_instance_decl *fb_compose_find(const struct fb_composition *c, const char *name);

/** @brief The ring named `name`, or NULL. */
const struct fb_ring_decl *fb_compose_find_ring(const struct fb_composition *c, const char *name);

/* The rules of a ring line, for the planner and the generator alike. */

/** @brief Bytes of r's elements, elem_size × capacity (≤ 2^31: checked on its line). */
uint32_t fb_ring_bytes(const struct fb_ring_decl *r);

/** @brief The name of r's end `role` (0 writer, 1 reader): its instance, or "host". */
const char *fb_ring_end_name(const struct fb_ring_decl *r, int role);

/** @brief Whether an end of r is the host (a driver); else both are instances. */
bool fb_ring_has_driver(const struct fb_ring_decl *r);

/** @brief The role of instance `inst` in r (0 writer, 1 reader, enum
 *         flue_ring_role), or -1: it is not an end of r. */
int fb_ring_role(const struct fb_ring_decl *r, const char *inst);

/** @brief Release what fb_compose_read() allocated. */
void fb_compose_free(struct fb_composition *c);

/** @brief printf into `err` prefixed with "file:line:col: ". Returns -1. */
int fb_fail(struct fb_error *err, const struct fb_loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* FLUE_BUILD_COMPOSE_H */
