# Toolchain file for flue's Cortex-M builds (GNU Arm Embedded, arm-none-eabi).
#
#   cmake -S . -B build/m3 -DFLUE_TARGET=cortex-m3 \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake -DCMAKE_BUILD_TYPE=MinSizeRel
#
# FLUE_TARGET selects the core:
#   cortex-m3   -mcpu=cortex-m3  -mthumb   (ARMv7-M)
#   cortex-m33  -mcpu=cortex-m33 -mthumb   (ARMv8-M Mainline)
# FLUE_FLOAT_ABI (default "soft") selects -mfloat-abi. flue's core has no
# floating point at all, so "soft" costs nothing and lets the same archive be
# used on parts with and without an FPU; the M33 code is then identical to a
# no-FPU M33. A firmware built with -mfloat-abi=hard must build flue with
# -DFLUE_FLOAT_ABI=hard too, because the linker refuses to mix the two ABIs.
#
# Every configuration optimises for size (-Os) and puts each function and
# object in its own section (-ffunction-sections -fdata-sections) so that
# images linked with --gc-sections keep only what they call.
#
# The CPU flags go into CMAKE_C_FLAGS, which CMake caches on the first
# configure: use one build directory per FLUE_TARGET (cmake/target.cmake
# stops with an error if a build directory is reused for another core).

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
# There is no hosted runtime to link a test program against before the
# project has its own startup code: check the compiler by building a library.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
# The toolchain file is read again inside try_compile projects.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES FLUE_TARGET FLUE_FLOAT_ABI)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

if(NOT DEFINED FLUE_TARGET OR FLUE_TARGET STREQUAL "" OR FLUE_TARGET STREQUAL "host")
  message(FATAL_ERROR
    "cmake/arm-none-eabi.cmake needs -DFLUE_TARGET=cortex-m3 or -DFLUE_TARGET=cortex-m33")
endif()
if(NOT FLUE_TARGET MATCHES "^cortex-m(3|33)$")
  message(FATAL_ERROR "FLUE_TARGET=${FLUE_TARGET}: expected cortex-m3 or cortex-m33")
endif()
if(NOT DEFINED FLUE_FLOAT_ABI OR FLUE_FLOAT_ABI STREQUAL "")
  set(FLUE_FLOAT_ABI soft CACHE STRING "-mfloat-abi for the Cortex-M build: soft | softfp | hard")
endif()
if(FLUE_TARGET STREQUAL "cortex-m3" AND NOT FLUE_FLOAT_ABI STREQUAL "soft")
  message(FATAL_ERROR "cortex-m3 has no FPU: FLUE_FLOAT_ABI must be soft")
endif()

set(FLUE_CPU_FLAGS "-mcpu=${FLUE_TARGET} -mthumb -mfloat-abi=${FLUE_FLOAT_ABI}")

# -Os in every build type, also without one (`make test-target` uses
# MinSizeRel). The per-configuration flags are cached here rather than given
# as *_INIT, because CMake appends its own defaults (-O3, -O2) to *_INIT.
set(CMAKE_C_FLAGS_INIT "${FLUE_CPU_FLAGS} -Os -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_DEBUG "-g" CACHE STRING "Debug flags (-Os is in CMAKE_C_FLAGS)")
set(CMAKE_C_FLAGS_RELEASE "-DNDEBUG" CACHE STRING "Release flags (-Os is in CMAKE_C_FLAGS)")
set(CMAKE_C_FLAGS_MINSIZEREL "-DNDEBUG" CACHE STRING "MinSizeRel flags (-Os is in CMAKE_C_FLAGS)")
set(CMAKE_C_FLAGS_RELWITHDEBINFO "-g -DNDEBUG" CACHE STRING
    "RelWithDebInfo flags (-Os is in CMAKE_C_FLAGS)")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections")
