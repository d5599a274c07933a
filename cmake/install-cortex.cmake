# Installation of a Cortex-M build (FLUE_TARGET cortex-m3 / cortex-m33): the
# libraries into lib/flue/<core>/ and the MPS2 boards' linker scripts into
# share/flue/mps2/, the layout flue-build expects (cmake/sdk.cmake installs
# such builds into the host build's SDK).
set(flue_cortex_libs flue flue_gale flue_port_cortexm)
foreach(lib flue_glue flue_wasm_rt_static flue_board_mps2)
  if(TARGET ${lib})
    list(APPEND flue_cortex_libs ${lib})
  endif()
endforeach()
install(TARGETS ${flue_cortex_libs} ARCHIVE DESTINATION lib/flue/${FLUE_TARGET})
file(GLOB flue_mps2_scripts ${PROJECT_SOURCE_DIR}/src/board/mps2/*.ld)
install(FILES ${flue_mps2_scripts} DESTINATION share/flue/mps2)
