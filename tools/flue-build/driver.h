/**
 * @file driver.h
 * @brief flue-build's build: plan → renamed modules → wasm2c → glue →
 *        compile → link (a program or a library), with the size report and
 *        the budgets.
 *
 * Tools are run without a shell (argument vectors), so paths may contain
 * any character. Generated files are only rewritten when their content
 * changes.
 *
 * Host tool code.
 */
#ifndef FLUE_BUILD_DRIVER_H
#define FLUE_BUILD_DRIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "compose.h"
#include "plan.h"

struct fb_build_opts {
	const char *composition;
	const char *out_dir;       /**< default "flue-out" */
	const char *name;          /**< program name; default from the composition file */
	const char *module_dir;    /**< where module paths are resolved (default: the
					composition's folder) */
	enum fb_target target;
	bool lib;                  /**< a library instead of a program */
	bool generate_only;        /**< write the generated C and stop */
	bool quiet;                /**< no size report unless a budget fails */
	const char *sdk;           /**< flue installation (include/, lib/, share/flue/) */
	const char *cc;            /**< C compiler (default: cc, or arm-none-eabi-gcc) */
	const char *wasm2c;        /**< default "wasm2c" */
	const char *wasm_rt_dir;   /**< folder of wasm-rt.h (default /usr/src/wasm2c) */
	struct fb_strs sources;    /**< the program's own C sources */
	struct fb_strs cflags;     /**< extra flags for every compile */
	struct fb_strs ldflags;    /**< extra flags for the link */
	struct fb_strs includes;   /**< extra include folders for the program's sources */
	uint32_t call_depth;       /**< WASM_RT_MAX_CALL_STACK_DEPTH (default 500; 64 on Cortex-M) */
	uint32_t host_arena;       /**< bytes (default 4096) */
	uint32_t stacks;           /**< Cortex-M fiber stacks (0: FB_DEFAULT_STACKS if a lift is stackful) */
	uint32_t stack_bytes;      /**< bytes per fiber stack (default FB_DEFAULT_STACK_BYTES) */
	bool isolate;              /**< Cortex-M: isolate the instances (docs/MPU.md) */
};

/**
 * @brief Build. Prints progress of tool runs only on failure (their output),
 *        and the size report (unless quiet).
 * @retval 0 @retval -1 with `err->msg`
 */
int fb_build(const struct fb_build_opts *o, struct fb_error *err);

#endif /* FLUE_BUILD_DRIVER_H */
