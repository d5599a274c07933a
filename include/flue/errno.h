/**
 * @file flue/errno.h
 * @brief flue's single internal error vocabulary.
 *
 * Every flue function that can fail returns 0 (or a count) on success and a
 * negative code from this list on failure. The numbers are **Zephyr's** errno
 * numbers, negated, because that is what Gale's decision functions return and
 * flue must be link-compatible with them. They are defined here and never
 * taken from a host `<errno.h>`: on Linux, ENOMSG is 42 and ECANCELED is 125,
 * which would silently disagree with Gale (35 and 140).
 *
 * Spec result codes (COMPLETED/DROPPED/CANCELLED, BLOCKED, event codes) never
 * appear inside flue; only the canonical ABI layer translates to them.
 *
 * Calling context: constants only; usable anywhere.
 */
#ifndef FLUE_ERRNO_H
#define FLUE_ERRNO_H

#define FLUE_OK          0    /**< success */
#define FLUE_EPERM      (-1)  /**< operation not permitted */
#define FLUE_ENOENT     (-2)  /**< no such entry (e.g. partition not found) */
#define FLUE_EBADF      (-9)  /**< bad handle */
#define FLUE_EAGAIN     (-11) /**< would block / try again */
#define FLUE_ENOMEM     (-12) /**< pool exhausted */
#define FLUE_EBUSY      (-16) /**< resource busy (e.g. semaphore empty, no wait) */
#define FLUE_EINVAL     (-22) /**< invalid argument */
#define FLUE_ENOSPC     (-28) /**< no free slot */
#define FLUE_EPIPE      (-32) /**< other end closed */
#define FLUE_ENOMSG     (-35) /**< no message (queue full/empty, zero-length request) */
#define FLUE_EDEADLK    (-45) /**< deadlock detected */
#define FLUE_ENOTSUP    (-134) /**< not supported by this build or port */
#define FLUE_ETIMEDOUT  (-116) /**< timed out */
#define FLUE_EOVERFLOW  (-139) /**< value too large */
#define FLUE_ECANCELED  (-140) /**< operation cancelled / pipe resetting */

#endif /* FLUE_ERRNO_H */
