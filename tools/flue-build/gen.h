/**
 * @file gen.h
 * @brief Code generation: the renamed modules handed to wasm2c, the glue
 *        (`<prog>_glue.c`) that instantiates them under flue and implements
 *        every import, and the typed host interface (`<prog>.h`).
 *
 * Output is a pure function of the plan: no time stamps, no absolute
 * paths, no iteration over hash tables, so running flue-build twice gives
 * byte-identical files.
 *
 * Host tool code.
 */
#ifndef FLUE_BUILD_GEN_H
#define FLUE_BUILD_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "plan.h"
#include "util.h"

/** Bytes of each (wasm2c code runs on it: its frames are C frames). */
#define FB_DEFAULT_STACK_BYTES 8192u

/** Options that shape the generated code. */
struct fb_gen_opts {
	uint32_t host_arena;   /**< bytes of the host instance's arena (host-end buffers) */
	uint32_t call_depth;   /**< WASM_RT_MAX_CALL_STACK_DEPTH the code is built with */
	uint32_t stacks;       /**< Cortex-M fiber stacks (0: only if a lift is stackful) */
	uint32_t stack_bytes;  /**< bytes of each fiber stack */
	bool isolate;          /**< Cortex-M: guests unprivileged behind the gate, in MPU domains */
};

/** @brief The wasm2c module name of module `m` ("m<k>_<name>"). Allocated. */
char *fb_gen_module_id(const struct fb_plan *p, const struct fb_module *m);

/**
 * @brief The module with its imports and exports renamed for wasm2c: import
 *        i becomes (`<id>_imports`, `i<i>_<name>`), export j `e<j>_<name>`,
 *        `<name>` being the original in lower case with every other
 *        character replaced by `_`.
 * @retval 0 and a malloc'd copy @retval -1 with `err`
 */
int fb_gen_renamed_wasm(const struct fb_plan *p, const struct fb_module *m, uint8_t **out,
			size_t *len, struct fb_error *err);

/** @brief The C symbol wasm2c gives import `i` of `m`. Allocated. */
char *fb_gen_import_symbol(const struct fb_plan *p, const struct fb_module *m, uint32_t i);

/** @brief The C symbol wasm2c gives export `j` of `m`. Allocated. */
char *fb_gen_export_symbol(const struct fb_plan *p, const struct fb_module *m, uint32_t j);

/** @brief Write `<prog>_glue.c` into `c` and `<prog>.h` into `h`. */
void fb_gen_program(const struct fb_plan *p, const struct fb_gen_opts *o, struct fb_buf *c,
		    struct fb_buf *h);

#endif /* FLUE_BUILD_GEN_H */
