/* Between the glue's two files (not a public interface). */
#ifndef FLUE_W2C_INTERNAL_H
#define FLUE_W2C_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

/* w2c_gate.c -> w2c.c: the next trap report is a memory fault at `addr`. */
void flue_w2c_note_fault(bool has_addr, uint32_t addr);

struct flue_w2c_instance;
/* w2c_gate.c -> w2c.c: `env`, as wasm2c passed it to an import of gi's
 * (its import-module pointer, or through a table the field holding it),
 * is gi's own. */
bool flue_w2c_env_ok(const struct flue_w2c_instance *gi, const void *env);

#endif /* FLUE_W2C_INTERNAL_H */
