/*
 * The life of a task's implicit thread: the decision and its contract are
 * in <flue/thread_decide.h>, static inline so that the executor's
 * transitions (a constant event at every call site) fold to a few
 * compares; this file is where they are proved (scripts/prove.sh).
 */
#include <flue/thread_decide.h>
