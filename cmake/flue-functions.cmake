# CMake functions for building components and programs with flue.
# Included by flue's own build and installed with flue's CMake package
# (find_package(flue) provides them).
#
#   flue_add_guest(<target> OUTPUT <module.wasm> SOURCES <c files>...
#                  [INCLUDES <dirs>...] [FLAGS <clang flags>...]
#                  [STACK <bytes>] [MEMORY <bytes>])
#     A core module from C, the way flue's examples build their guests:
#     clang --target=wasm32 without libc, wasm-ld with the stack first
#     (-z stack-size, --stack-first) and a fixed initial memory
#     (--initial-memory). Defaults: STACK 4096, MEMORY 65536 (one page).
#
#   flue_add_program(<target> COMPOSITION <file.flue>
#                    [NAME <name>] [TARGET host|cortex-m3|cortex-m33]
#                    [SOURCES <c files>...] [INCLUDES <dirs>...]
#                    [MODULES <dir>] [OUTPUT_DIR <dir>] [DEPENDS <targets/files>...]
#                    [CFLAGS <flags>...] [LDFLAGS <flags>...] [LIBRARY]
#                    [ISOLATE] [CALL_DEPTH <n>])
#     Runs flue-build. The program is <OUTPUT_DIR>/<NAME> (host) or
#     <NAME>.elf (Cortex-M); with LIBRARY, lib<NAME>.a, <NAME>.h and
#     <NAME>.ld. The target's property FLUE_OUTPUT names it. ISOLATE:
#     --isolate (Cortex-M: every instance in an MPU domain of its own);
#     CALL_DEPTH: --call-depth.
#
# FLUE_BUILD_EXECUTABLE, FLUE_SDK_DIR and FLUE_SDK_DEPENDS tell where
# flue-build and the SDK are (set by flue's build tree or package).

function(flue_add_guest name)
  cmake_parse_arguments(G "" "OUTPUT;STACK;MEMORY" "SOURCES;INCLUDES;FLAGS" ${ARGN})
  if(NOT G_OUTPUT OR NOT G_SOURCES)
    message(FATAL_ERROR "flue_add_guest(${name}): OUTPUT and SOURCES are required")
  endif()
  find_program(FLUE_GUEST_CLANG NAMES clang clang-14 REQUIRED)
  if(NOT G_STACK)
    set(G_STACK 4096)
  endif()
  if(NOT G_MEMORY)
    set(G_MEMORY 65536)
  endif()
  set(incs "")
  foreach(d ${G_INCLUDES})
    list(APPEND incs -I${d})
  endforeach()
  set(srcs "")
  foreach(s ${G_SOURCES})
    get_filename_component(abs ${s} ABSOLUTE)
    list(APPEND srcs ${abs})
  endforeach()
  get_filename_component(outdir ${G_OUTPUT} DIRECTORY)
  add_custom_command(OUTPUT ${G_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${outdir}
    COMMAND ${FLUE_GUEST_CLANG} --target=wasm32 -O2 -fno-builtin -nostdlib
            -Wall -Wextra -Werror ${incs} ${G_FLAGS}
            -Wl,--no-entry -Wl,-z,stack-size=${G_STACK} -Wl,--stack-first
            -Wl,--initial-memory=${G_MEMORY} -o ${G_OUTPUT} ${srcs}
    DEPENDS ${srcs}
    IMPLICIT_DEPENDS C ${srcs}
    COMMENT "wasm32 guest ${G_OUTPUT}"
    VERBATIM)
  add_custom_target(${name} DEPENDS ${G_OUTPUT})
endfunction()

function(flue_add_program name)
  cmake_parse_arguments(P "LIBRARY;ISOLATE" "COMPOSITION;NAME;TARGET;MODULES;OUTPUT_DIR;CALL_DEPTH"
                        "SOURCES;INCLUDES;DEPENDS;CFLAGS;LDFLAGS" ${ARGN})
  if(NOT P_COMPOSITION)
    message(FATAL_ERROR "flue_add_program(${name}): COMPOSITION is required")
  endif()
  if(NOT FLUE_BUILD_EXECUTABLE OR NOT FLUE_SDK_DIR)
    message(FATAL_ERROR "flue_add_program: FLUE_BUILD_EXECUTABLE and FLUE_SDK_DIR are not set "
                        "(use find_package(flue))")
  endif()
  get_filename_component(comp ${P_COMPOSITION} ABSOLUTE)
  if(NOT P_NAME)
    get_filename_component(P_NAME ${comp} NAME_WE)
  endif()
  if(NOT P_TARGET)
    set(P_TARGET host)
  endif()
  if(NOT P_OUTPUT_DIR)
    set(P_OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR}/${name})
  endif()
  set(args --sdk ${FLUE_SDK_DIR} --target ${P_TARGET} --name ${P_NAME} --out ${P_OUTPUT_DIR} -q)
  if(P_MODULES)
    list(APPEND args --modules ${P_MODULES})
  endif()
  if(P_ISOLATE)
    list(APPEND args --isolate)
  endif()
  if(P_CALL_DEPTH)
    list(APPEND args --call-depth ${P_CALL_DEPTH})
  endif()
  if(P_LIBRARY)
    list(APPEND args --lib)
    set(out ${P_OUTPUT_DIR}/lib${P_NAME}.a)
  elseif(P_TARGET STREQUAL "host")
    set(out ${P_OUTPUT_DIR}/${P_NAME})
  else()
    set(out ${P_OUTPUT_DIR}/${P_NAME}.elf)
  endif()
  set(srcs "")
  foreach(s ${P_SOURCES})
    get_filename_component(abs ${s} ABSOLUTE)
    list(APPEND srcs ${abs})
    list(APPEND args --source ${abs})
  endforeach()
  foreach(d ${P_INCLUDES})
    list(APPEND args -I ${d})
  endforeach()
  if(P_CFLAGS)
    string(JOIN " " cf ${P_CFLAGS})
    list(APPEND args --cflags "${cf}")
  endif()
  if(P_LDFLAGS)
    string(JOIN " " lf ${P_LDFLAGS})
    list(APPEND args --ldflags "${lf}")
  endif()
  get_filename_component(compdir ${comp} DIRECTORY)
  file(GLOB_RECURSE wits CONFIGURE_DEPENDS ${compdir}/*.wit)
  add_custom_command(OUTPUT ${out}
    COMMAND ${FLUE_BUILD_EXECUTABLE} ${args} ${comp}
    DEPENDS ${comp} ${srcs} ${wits} ${P_DEPENDS} ${FLUE_SDK_DEPENDS}
    COMMENT "flue-build ${P_NAME} (${P_TARGET})"
    VERBATIM)
  add_custom_target(${name} ALL DEPENDS ${out})
  set_target_properties(${name} PROPERTIES FLUE_OUTPUT ${out})
endfunction()
