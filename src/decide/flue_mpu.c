typedef int flue_mpu_placeholder_t; /* replaced by the MPU module */
