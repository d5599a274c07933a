/* MPU part of the demo; filled in with the MPU module. */
#ifndef FLUE_DEMO_MPU_H
#define FLUE_DEMO_MPU_H
static void demo_mpu(void) {}
#endif
