# The SDK in the build tree (host builds): the layout of an installed flue,
# so that flue-build, the examples and their tests use the build tree the
# way a user uses an installation:
#   sdk/include                -> the source tree's include/
#   sdk/lib/lib*.a             host libraries (this build's flags: a sanitizer
#                              build stages sanitized libraries)
#   sdk/lib/flue/<core>/lib*.a Cortex-M libraries (FLUE_SDK_CORTEX)
#   sdk/share/flue/mps2/       the MPS2 boards' linker scripts
# It also defines the installation (make install) of the same layout, the
# CMake package flue::flue and flue.pc.

set(FLUE_SDK_DIR ${CMAKE_BINARY_DIR}/sdk)
file(MAKE_DIRECTORY ${FLUE_SDK_DIR}/lib)
if(NOT EXISTS ${FLUE_SDK_DIR}/include)
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/include ${FLUE_SDK_DIR}/include SYMBOLIC)
endif()

set(FLUE_HOST_LIBS flue flue_gale flue_port_posix flue_glue flue_wasm_rt_wabt
                   flue_wasm_rt_static flue_board_posix)
set(copies "")
foreach(lib ${FLUE_HOST_LIBS})
  list(APPEND copies COMMAND ${CMAKE_COMMAND} -E copy_if_different
                     $<TARGET_FILE:${lib}> ${FLUE_SDK_DIR}/lib/)
endforeach()
add_custom_target(flue_sdk ALL ${copies} DEPENDS ${FLUE_HOST_LIBS}
                  COMMENT "staging the SDK (host libraries)")

# Cortex-M libraries: the same sources cross-built for each core, installed
# into the SDK (and installed with flue). Needs arm-none-eabi-gcc.
find_program(FLUE_ARM_GCC arm-none-eabi-gcc)
if(FLUE_ARM_GCC)
  set(flue_sdk_cortex_default ON)
else()
  set(flue_sdk_cortex_default OFF)
endif()
option(FLUE_SDK_CORTEX "Build the Cortex-M3/M33 libraries into the SDK" ${flue_sdk_cortex_default})
if(FLUE_SDK_CORTEX)
  include(ExternalProject)
  foreach(core cortex-m3 cortex-m33)
    ExternalProject_Add(flue_sdk_${core}
      SOURCE_DIR ${PROJECT_SOURCE_DIR}
      BINARY_DIR ${CMAKE_BINARY_DIR}/sdk-build/${core}
      CMAKE_ARGS -DFLUE_TARGET=${core}
                 -DCMAKE_TOOLCHAIN_FILE=${PROJECT_SOURCE_DIR}/cmake/arm-none-eabi.cmake
                 -DCMAKE_BUILD_TYPE=MinSizeRel -DFLUE_BUILD_TESTS=OFF
                 -DCMAKE_INSTALL_PREFIX=${FLUE_SDK_DIR}
      BUILD_COMMAND ${CMAKE_COMMAND} --build <BINARY_DIR> -j2
      INSTALL_COMMAND ${CMAKE_COMMAND} --install <BINARY_DIR>
      BUILD_ALWAYS ON
      LOG_CONFIGURE ON LOG_BUILD ON LOG_INSTALL ON LOG_OUTPUT_ON_FAILURE ON)
    add_dependencies(flue_sdk flue_sdk_${core})
  endforeach()
endif()

set(FLUE_BUILD_EXECUTABLE $<TARGET_FILE:flue-build>)
# The host libraries as targets: a program is built again when one of them
# changed (a file-level dependency; the staging target alone only orders).
# The Cortex-M libraries come from an external project, whose files CMake
# does not track: a change only in src/port/cortex-m or src/board/mps2
# still needs a fresh program (docs/MPU.md).
set(FLUE_SDK_DEPENDS flue-build flue_sdk ${FLUE_HOST_LIBS})
include(${PROJECT_SOURCE_DIR}/cmake/flue-functions.cmake)

# ------------------------------------------------------------- installation
# flue-build finds everything under one prefix in this fixed layout (bin,
# include, lib, lib/flue/<core>, share/flue), so GNUInstallDirs' multiarch
# library folders are not used.
include(CMakePackageConfigHelpers)
set(CMAKE_INSTALL_BINDIR bin)
set(CMAKE_INSTALL_LIBDIR lib)
set(CMAKE_INSTALL_INCLUDEDIR include)
set(CMAKE_INSTALL_DATADIR share)
install(TARGETS ${FLUE_HOST_LIBS} EXPORT flue-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS flue-build RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(FLUE_SDK_CORTEX)
  install(DIRECTORY ${FLUE_SDK_DIR}/lib/flue DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY ${FLUE_SDK_DIR}/share/flue DESTINATION ${CMAKE_INSTALL_DATADIR})
endif()
install(EXPORT flue-targets NAMESPACE flue:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/flue)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/flueConfig.cmake.in
  ${CMAKE_BINARY_DIR}/flueConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/flue)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/flueConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/flueConfig.cmake ${CMAKE_BINARY_DIR}/flueConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/flue-functions.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/flue)
configure_file(${PROJECT_SOURCE_DIR}/cmake/flue.pc.in ${CMAKE_BINARY_DIR}/flue.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/flue.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
