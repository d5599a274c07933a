# Libraries for the programs flue-build makes (included for every
# FLUE_TARGET, after the core libraries):
#   flue_wasm_rt_static  src/wasmrt/  freestanding wasm2c runtime (flue/wasm_rt_static.h)
#   flue_wasm_rt_wabt    wabt's own wasm-rt-impl.c (host only), traps routed to flue
#   flue_board_posix     src/board/posix/  (host)   } flue/board.h
#   flue_board_mps2      src/board/mps2/   (Cortex-M) }
# wabt's wasm-rt.h is found in FLUE_WASM2C_RT_DIR (Debian: /usr/src/wasm2c).
#
# Both wasm2c runtimes export WASM_RT_MEMCHECK_SIGNAL_HANDLER=0 to whatever
# links them (generated code included): wasm-rt.h defaults it to 1 on 64-bit
# hosts, which drops wasm2c's bounds checks in favour of guard pages and
# stops it from counting the call depth; flue's glue needs both.
#
# flue_board_mps2 carries its start-up code and linker script: an
# executable that links it gets -nostartfiles -T<machine>.ld. The folder
# with mps2-an385.ld, mps2-an505.ld and sections.ld is FLUE_BOARD_MPS2_DIR,
# the script for this build's core FLUE_BOARD_MPS2_LD.

# The public include folder, as an exported target must name it (set by
# CMakeLists.txt: the source tree's when building, the installation's
# when exported).
if(NOT DEFINED FLUE_PUBLIC_INCLUDE)
  set(FLUE_PUBLIC_INCLUDE $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
                          $<INSTALL_INTERFACE:include>)
endif()

set(FLUE_WASMRT_DIR ${PROJECT_SOURCE_DIR}/src/wasmrt)
set(FLUE_BOARD_DIR ${PROJECT_SOURCE_DIR}/src/board)

# ------------------------------------------------------------ wasm2c runtime
if(FLUE_WASM2C_RT_DIR)
  add_library(flue_wasm_rt_static STATIC ${FLUE_WASMRT_DIR}/static.c ${FLUE_WASMRT_DIR}/trap.c)
  target_include_directories(flue_wasm_rt_static PUBLIC ${FLUE_PUBLIC_INCLUDE})
  target_include_directories(flue_wasm_rt_static SYSTEM PUBLIC ${FLUE_WASM2C_RT_DIR})
  target_compile_definitions(flue_wasm_rt_static PUBLIC WASM_RT_MEMCHECK_SIGNAL_HANDLER=0)
  target_compile_options(flue_wasm_rt_static PRIVATE ${FLUE_WARNINGS} -ffreestanding)
  target_link_libraries(flue_wasm_rt_static PUBLIC ${FLUE_PORT}) # flue_port_halt

  if(FLUE_TARGET STREQUAL "host")
    # wabt's runtime as shipped: traps go to flue_wasm_rt_trap_handler()
    # (flue/wasm_rt_trap.h, force-included so that the call has its
    # prototype: wasm-rt-impl.c calls WASM_RT_TRAP_HANDLER(code) with a
    # wasm_rt_trap_t, which converts to the handler's int). Third-party
    # code: its own flags, no -Werror; _GNU_SOURCE for MAP_ANONYMOUS under
    # -std=c11 (its unused mmap helper). trap.c is flue's, with flue's flags.
    add_library(flue_wasm_rt_wabt STATIC ${FLUE_WASM2C_RT_DIR}/wasm-rt-impl.c ${FLUE_WASMRT_DIR}/trap.c)
    target_include_directories(flue_wasm_rt_wabt SYSTEM PUBLIC ${FLUE_WASM2C_RT_DIR})
    target_include_directories(flue_wasm_rt_wabt PRIVATE ${PROJECT_SOURCE_DIR}/include)
    target_compile_definitions(flue_wasm_rt_wabt
      PUBLIC WASM_RT_MEMCHECK_SIGNAL_HANDLER=0
      PRIVATE WASM_RT_TRAP_HANDLER=flue_wasm_rt_trap_handler _GNU_SOURCE)
    target_link_libraries(flue_wasm_rt_wabt PUBLIC ${FLUE_PORT}) # flue_port_halt
    set_source_files_properties(${FLUE_WASM2C_RT_DIR}/wasm-rt-impl.c PROPERTIES
      COMPILE_OPTIONS "-w;-include;flue/wasm_rt_trap.h")
    set_source_files_properties(${FLUE_WASMRT_DIR}/trap.c PROPERTIES
      COMPILE_OPTIONS "${FLUE_WARNINGS}")
  endif()
else()
  message(STATUS "wabt's wasm-rt.h not found: no wasm2c runtime libraries")
endif()

# ------------------------------------------------------------------- boards
if(FLUE_TARGET STREQUAL "host")
  add_library(flue_board_posix STATIC ${FLUE_BOARD_DIR}/posix/board_posix.c
                                      ${FLUE_BOARD_DIR}/fmt.c)
  target_include_directories(flue_board_posix PUBLIC ${FLUE_PUBLIC_INCLUDE})
  target_compile_options(flue_board_posix PRIVATE ${FLUE_WARNINGS})
  # Its timer runs the handler through flue_port_posix_interrupt().
  target_link_libraries(flue_board_posix PUBLIC flue_port_posix Threads::Threads)
else()
  set(FLUE_BOARD_MPS2_DIR ${FLUE_BOARD_DIR}/mps2)
  if(FLUE_TARGET STREQUAL "cortex-m3")
    set(FLUE_BOARD_MPS2_MACHINE mps2-an385)
  else()
    set(FLUE_BOARD_MPS2_MACHINE mps2-an505)
  endif()
  set(FLUE_BOARD_MPS2_LD ${FLUE_BOARD_MPS2_DIR}/${FLUE_BOARD_MPS2_MACHINE}.ld)
  add_library(flue_board_mps2 STATIC ${FLUE_BOARD_MPS2_DIR}/startup.c
                                     ${FLUE_BOARD_MPS2_DIR}/board_mps2.c
                                     ${FLUE_BOARD_DIR}/fmt.c)
  target_include_directories(flue_board_mps2 PUBLIC ${FLUE_PUBLIC_INCLUDE})
  target_compile_options(flue_board_mps2 PRIVATE ${FLUE_WARNINGS} -ffreestanding)
  # In this build tree; an installation has the scripts in share/flue/mps2
  # (cmake/install-cortex.cmake) and its user passes -L/-T for that folder.
  target_link_options(flue_board_mps2 INTERFACE
    -nostartfiles $<BUILD_INTERFACE:-L${FLUE_BOARD_MPS2_DIR}>
    -T${FLUE_BOARD_MPS2_MACHINE}.ld)
endif()

# ---------------------------------------------------------------- host tests
# (The Cortex-M tests are added by cmake/target.cmake, which defines the
# QEMU machinery; these files handle both.)
if(FLUE_TARGET STREQUAL "host" AND FLUE_BUILD_TESTS)
  include(${PROJECT_SOURCE_DIR}/tests/wasmrt/wasmrt.cmake)
  include(${PROJECT_SOURCE_DIR}/tests/board/board.cmake)
endif()
