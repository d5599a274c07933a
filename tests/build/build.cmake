# flue-build end to end, beyond the examples (included by examples/CMakeLists.txt):
#   build.collide              two modules import one (module, name) with
#                              different core types; two instances of one module
#   build.traps.<kind>         each wasm trap kind becomes a flue trap of its
#                              instance with its own reason, reported with the
#                              instance and the export; a trap inside a nested
#                              scheduling loop ends only the step that trapped
#   build.deterministic        flue-build twice: byte-identical output
#   build.budget               a budget that is too small fails the build
#   build.library              --lib: a library + header, linked by hand
#   build.ring.<target>        a shared ring between two WAT guests (host,
#                              both QEMU boards, and isolated on both)
#   build.stackful.<target>    the pipeline with a stackful sink (host, both
#                              QEMU boards)
#   build.twins.<target>       two stackful calls of one instance at once (host,
#                              and isolated on both QEMU boards)
#   build.values.<target>      a string and a list<u32> each way between two
#                              guests (type graphs, each side's cabi_realloc;
#                              host, and isolated on both QEMU boards)
#   build.hostvals.<target>    strings, lists, options, variants and records
#                              between the host and a guest, each way (host
#                              functions and exports; host, and isolated on
#                              both QEMU boards)
#   build.hostkinds.<target>   enums, flags (three widths), chars, tuples,
#                              fixed-length lists, maps and floats in values
#                              (NaNs made canonical) between the host and a
#                              guest, each way, flat and through memory
#                              (host, and isolated on both QEMU boards)
#   build.elements.<target>    a stream<string> and a future<result<list<u8>,
#                              string>> between two guests, then a reader
#                              whose realloc traps inside the writer's write
#                              (host, and isolated on both QEMU boards)
#   build.ends.<target>        stream ends inside a record and a list
#                              between two guests, written and read through
#                              (host, and isolated on both QEMU boards)
#   build.resources.<target>   resources between two guests: constructor,
#                              methods, owns in a record and a list, the
#                              destructor with its rep, resource.rep, an
#                              error-context in a result (host, and
#                              isolated on both QEMU boards)
#   build.hostres.<target>     the host implements a resource a guest uses
#                              (constructor, a method, drops: the host's
#                              destructor with each rep) and returns a
#                              stream end inside a result (host, and
#                              isolated on the Cortex-M3)
#   build.hoststrs.host        stream<string> between the host and a guest,
#                              each way, through the typed reads and writes
#                              (host only)
set(TB ${PROJECT_SOURCE_DIR}/tests/build)
set(TBB ${CMAKE_CURRENT_BINARY_DIR}/build-tests)

function(flue_test_guests dir out)
  set(deps "")
  foreach(g ${ARGN})
    flue_add_guest(tb_${dir}_${g}_wasm OUTPUT ${TBB}/${dir}/${g}.wasm
                   SOURCES ${TB}/${dir}/${g}.c ${EX}/common/libc.c INCLUDES ${EX}/common)
    list(APPEND deps tb_${dir}_${g}_wasm ${TBB}/${dir}/${g}.wasm)
  endforeach()
  set(${out} ${deps} PARENT_SCOPE)
endfunction()

# ---------------------------------------------------------------- collide
flue_test_guests(collide collide_deps alpha beta)
flue_add_program(tb_collide COMPOSITION ${TB}/collide/collide.flue SOURCES ${TB}/collide/main.c
                 MODULES ${TBB}/collide OUTPUT_DIR ${TBB}/collide/host DEPENDS ${collide_deps}
                 CFLAGS ${FLUE_EXAMPLE_CFLAGS})
add_test(NAME build.collide COMMAND ${TBB}/collide/host/collide)
set_tests_properties(build.collide PROPERTIES PASS_REGULAR_EXPRESSION "collide: ok")

# ------------------------------------------------------------------ traps
flue_test_guests(traps traps_deps trapper helper)
flue_add_program(tb_traps COMPOSITION ${TB}/traps/traps.flue SOURCES ${TB}/traps/main.c
                 MODULES ${TBB}/traps OUTPUT_DIR ${TBB}/traps/host DEPENDS ${traps_deps}
                 CFLAGS ${FLUE_EXAMPLE_CFLAGS})
set(trap_expect
  "1|wasm: unreachable executed"
  "2|wasm: memory or table access out of bounds"
  "3|wasm: integer division by zero"
  "4|wasm: integer overflow"
  "5|wasm: invalid conversion to integer"
  "6|wasm: invalid call_indirect"
  "7|wasm: call stack exhausted")
foreach(e ${trap_expect})
  string(REPLACE "|" ";" parts "${e}")
  list(GET parts 0 kind)
  list(GET parts 1 msg)
  add_test(NAME build.traps.${kind} COMMAND ${TBB}/traps/host/traps ${kind})
  set_tests_properties(build.traps.${kind} PROPERTIES PASS_REGULAR_EXPRESSION
    "flue: instance 'trapper' trapped while running '\\[async-lift\\]run': ${msg}[^\n]*\n.*kind ${kind}: run 0, resolved 57005, trapper poisoned, helper fine")
endforeach()
add_test(NAME build.traps.nested COMMAND ${TBB}/traps/host/traps 8)
set_tests_properties(build.traps.nested PROPERTIES PASS_REGULAR_EXPRESSION
  "flue: instance 'helper' trapped while running '\\[callback\\]\\[async-lift\\]test:traps/boom#boom': wasm: unreachable executed\n.*kind 8: run 0, resolved 42, trapper fine, helper poisoned")

# ----------------------------------------------- deterministic, budget, lib
# (The scripts build with this build's flags: sanitized SDK libraries need
# sanitized programs.)
string(JOIN " " tb_cflags ${FLUE_EXAMPLE_CFLAGS})
add_test(NAME build.deterministic
         COMMAND ${TB}/deterministic.sh $<TARGET_FILE:flue-build> ${FLUE_SDK_DIR}
                 ${EX}/pipeline/pipeline.flue ${EXB}/pipeline ${TBB}/deterministic "${tb_cflags}")
add_test(NAME build.budget
         COMMAND ${TB}/budget.sh $<TARGET_FILE:flue-build> ${FLUE_SDK_DIR}
                 ${EX}/pipeline ${EXB}/pipeline ${TBB}/budget "${tb_cflags}")
set_tests_properties(build.budget PROPERTIES PASS_REGULAR_EXPRESSION
  "instance 'sink' needs [0-9]+ bytes of RAM \\(linear memory 65536, table [0-9]+\\), over its budget of 1000")
add_test(NAME build.library
         COMMAND ${TB}/library.sh $<TARGET_FILE:flue-build> ${FLUE_SDK_DIR}
                 ${EX}/pipeline ${EXB}/pipeline ${TBB}/library "${tb_cflags}")
set_tests_properties(build.library PROPERTIES PASS_REGULAR_EXPRESSION "pipeline: ok")
add_test(NAME build.noexport
         COMMAND ${TB}/noexport.sh $<TARGET_FILE:flue-build> ${FLUE_SDK_DIR}
                 ${EX}/pipeline ${EXB}/pipeline ${TBB}/noexport "${tb_cflags}")
set_tests_properties(build.noexport PROPERTIES PASS_REGULAR_EXPRESSION "noexport: ok")
# The examples' modules must exist before these run: they are built with ALL.

# --------------------------------------------------------------- stackful
# build.stackful.<target>: the pipeline example with its sink lifted
# stackful (it blocks in waitable-set.wait on its own stack), on the host
# and (with the Cortex-M SDK) on both QEMU boards, where flue-build gives
# the port its default fiber stacks.
set(stackful_deps "")
foreach(g sensor filter sink)
  if(g STREQUAL "sink")
    set(src ${TB}/stackful/sink.c)
  else()
    set(src ${EX}/pipeline/${g}.c)
  endif()
  flue_add_guest(tb_stackful_${g}_wasm OUTPUT ${TBB}/stackful/${g}.wasm
                 SOURCES ${src} ${EX}/common/libc.c INCLUDES ${EX}/common ${EX}/pipeline)
  list(APPEND stackful_deps tb_stackful_${g}_wasm ${TBB}/stackful/${g}.wasm)
endforeach()
set(stackful_pass "fast sink: [0-9]+ elements moved.*slow sink: [0-9]+ elements moved.*pipeline: ok")
flue_add_program(tb_stackful_host COMPOSITION ${TB}/stackful/pipeline.flue
                 SOURCES ${EX}/pipeline/main.c MODULES ${TBB}/stackful
                 OUTPUT_DIR ${TBB}/stackful/host DEPENDS ${stackful_deps}
                 CFLAGS ${FLUE_EXAMPLE_CFLAGS})
add_test(NAME build.stackful.host COMMAND ${TBB}/stackful/host/pipeline)
set_tests_properties(build.stackful.host PROPERTIES TIMEOUT 60
                     PASS_REGULAR_EXPRESSION "${stackful_pass}")
if(FLUE_SDK_CORTEX AND FLUE_QEMU_ARM)
  foreach(core cortex-m3 cortex-m33)
    flue_add_program(tb_stackful_${core} COMPOSITION ${TB}/stackful/pipeline.flue
                     TARGET ${core} SOURCES ${EX}/pipeline/main.c MODULES ${TBB}/stackful
                     OUTPUT_DIR ${TBB}/stackful/${core} DEPENDS ${stackful_deps}
                     CFLAGS -DPIPELINE_COUNT=240u)
    flue_qemu_test(build.stackful.${core} ${core} ${TBB}/stackful/${core}/pipeline.elf
                   "${stackful_pass}")
  endforeach()
endif()
# build.twins.<target>: two calls of one stackful export at once, each
# suspended inside the instance's guest code while the other runs (host,
# and --isolate on both boards: each call on a guest stack of its own; a
# third call that overflows the second guest stack traps at its guard).
flue_test_guests(twins twins_deps twin)
flue_add_program(tb_twins_host COMPOSITION ${TB}/twins/twins.flue SOURCES ${TB}/twins/main.c
                 MODULES ${TBB}/twins OUTPUT_DIR ${TBB}/twins/host DEPENDS ${twins_deps}
                 CFLAGS ${FLUE_EXAMPLE_CFLAGS})
add_test(NAME build.twins.host COMMAND ${TBB}/twins/host/twins)
set_tests_properties(build.twins.host PROPERTIES TIMEOUT 60 PASS_REGULAR_EXPRESSION "twins: ok")
if(FLUE_SDK_CORTEX AND FLUE_QEMU_ARM)
  foreach(core cortex-m3 cortex-m33)
    flue_add_program(tb_twins_${core}_isolated COMPOSITION ${TB}/twins/twins.flue
                     TARGET ${core} ISOLATE CALL_DEPTH 100000 SOURCES ${TB}/twins/main.c
                     MODULES ${TBB}/twins OUTPUT_DIR ${TBB}/twins/${core}-isolated
                     DEPENDS ${twins_deps} CFLAGS -DTWINS_ISOLATED=1)
    flue_qemu_test(build.twins.${core}.isolated ${core}
                   ${TBB}/twins/${core}-isolated/twins.elf "twins: ok")
  endforeach()
endif()

# build.values.<target>: graph-typed values between two C guests: a string
# through a sync lower of a sync lift, a list<u32> through an async lower of
# a callback lift and its task.return; each lands where the receiver's
# cabi_realloc put it (isolated: that realloc is guest code behind the gate).
flue_test_guests(values values_deps callee caller)
flue_add_program(tb_values_host COMPOSITION ${TB}/values/values.flue SOURCES ${TB}/values/main.c
                 MODULES ${TBB}/values OUTPUT_DIR ${TBB}/values/host DEPENDS ${values_deps}
                 CFLAGS ${FLUE_EXAMPLE_CFLAGS})
add_test(NAME build.values.host COMMAND ${TBB}/values/host/values)
set_tests_properties(build.values.host PROPERTIES TIMEOUT 60 PASS_REGULAR_EXPRESSION "values: ok")
if(FLUE_SDK_CORTEX AND FLUE_QEMU_ARM)
  foreach(core cortex-m3 cortex-m33)
    flue_add_program(tb_values_${core}_isolated COMPOSITION ${TB}/values/values.flue
                     TARGET ${core} ISOLATE SOURCES ${TB}/values/main.c MODULES ${TBB}/values
                     OUTPUT_DIR ${TBB}/values/${core}-isolated DEPENDS ${values_deps})
    flue_qemu_test(build.values.${core}.isolated ${core}
                   ${TBB}/values/${core}-isolated/values.elf "values: ok")
  endforeach()
endif()

# build.hostvals.<target>: graph-typed values at the host edge: host
# functions shown the guest's strings, lists, options, records and variants
# as views, resolving with C values copied into the guest (and a result too
# big for the value area refused); an export called with a string and
# returning a list of strings.
flue_test_guests(hostvals hostvals_deps guest)
flue_add_program(tb_hostvals_host COMPOSITION ${TB}/hostvals/hostvals.flue
                 SOURCES ${TB}/hostvals/main.c MODULES ${TBB}/hostvals
                 OUTPUT_DIR ${TBB}/hostvals/host DEPENDS ${hostvals_deps}
                 CFLAGS ${FLUE_EXAMPLE_CFLAGS})
add_test(NAME build.hostvals.host COMMAND ${TBB}/hostvals/host/hostvals)
set_tests_properties(build.hostvals.host PROPERTIES TIMEOUT 60
                     PASS_REGULAR_EXPRESSION "hostvals: ok")
if(FLUE_SDK_CORTEX AND FLUE_QEMU_ARM)
  foreach(core cortex-m3 cortex-m33)
    flue_add_program(tb_hostvals_${core}_isolated COMPOSITION ${TB}/hostvals/hostvals.flue
                     TARGET ${core} ISOLATE SOURCES ${TB}/hostvals/main.c
                     MODULES ${TBB}/hostvals OUTPUT_DIR ${TBB}/hostvals/${core}-isolated
                     DEPENDS ${hostvals_deps})
    flue_qemu_test(build.hostvals.${core}.isolated ${core}
                   ${TBB}/hostvals/${core}-isolated/hostvals.elf "hostvals: ok")
  endforeach()
endif()

# build.hostkinds.<target>: the kinds build.hostvals leaves out, at the
# host edge each way: enums, flags of 3, 10 and 20 bits, chars (U+1F600),
# tuples, fixed-length lists, maps, f32/f64 in records, tuples and lists
# with non-canonical NaNs (each arrives canonical, checked bit for bit);
# params flat and through memory; results the host gives and reads; out-of-
# range cases, flags, lengths and chars refused.
flue_test_guests(hostkinds hostkinds_deps guest)
flue_add_program(tb_hostkinds_host COMPOSITION ${TB}/hostkinds/hostkinds.flue
                 SOURCES ${TB}/hostkinds/main.c MODULES ${TBB}/hostkinds
                 OUTPUT_DIR ${TBB}/hostkinds/host DEPENDS ${hostkinds_deps}
                 CFLAGS ${FLUE_EXAMPLE_CFLAGS})
add_test(NAME build.hostkinds.host COMMAND ${TBB}/hostkinds/host/hostkinds)
set_tests_properties(build.hostkinds.host PROPERTIES TIMEOUT 60
                     PASS_REGULAR_EXPRESSION "hostkinds: ok")
if(FLUE_SDK_CORTEX AND FLUE_QEMU_ARM)
  foreach(core cortex-m3 cortex-m33)
    flue_add_program(tb_hostkinds_${core}_isolated COMPOSITION ${TB}/hostkinds/hostkinds.flue
                     TARGET ${core} ISOLATE SOURCES ${TB}/hostkinds/main.c
                     MODULES ${TBB}/hostkinds OUTPUT_DIR ${TBB}/hostkinds/${core}-isolated
                     DEPENDS ${hostkinds_deps})
    flue_qemu_test(build.hostkinds.${core}.isolated ${core}
                   ${TBB}/hostkinds/${core}-isolated/hostkinds.elf "hostkinds: ok")
  endforeach()
endif()

# build.elements.<target>: streams and futures of graph-typed elements
# between two C guests. A stream<string> (empty, ASCII and non-ASCII words)
# and a future<result<list<u8>, string>> land where the reader's
# cabi_realloc puts them: inside the writer's stream.write, which meets the
# reader's parked read, and inside the reader's own future.read, which
# meets the writer's parked write. Then the reader's realloc traps inside
# the writer's write: the write counts the one word moved whole, the reader
# alone is trapped (wasm unreachable), its ends dropped (isolated: that
# realloc enters the reader's domain from the writer's built-in).
flue_test_guests(elements elements_deps reader writer)
flue_add_program(tb_elements_host COMPOSITION ${TB}/elements/elements.flue
                 SOURCES ${TB}/elements/main.c MODULES ${TBB}/elements
                 OUTPUT_DIR ${TBB}/elements/host DEPENDS ${elements_deps}
                 CFLAGS ${FLUE_EXAMPLE_CFLAGS})
add_test(NAME build.elements.host COMMAND ${TBB}/elements/host/elements)
set_tests_properties(build.elements.host PROPERTIES TIMEOUT 60
                     PASS_REGULAR_EXPRESSION "elements: ok")
if(FLUE_SDK_CORTEX AND FLUE_QEMU_ARM)
  foreach(core cortex-m3 cortex-m33)
    flue_add_program(tb_elements_${core}_isolated COMPOSITION ${TB}/elements/elements.flue
                     TARGET ${core} ISOLATE SOURCES ${TB}/elements/main.c
                     MODULES ${TBB}/elements OUTPUT_DIR ${TBB}/elements/${core}-isolated
                     DEPENDS ${elements_deps})
    flue_qemu_test(build.elements.${core}.isolated ${core}
                   ${TBB}/elements/${core}-isolated/elements.elf "elements: ok")
  endforeach()
endif()

# build.ends.<target>: stream ends inside values between two C guests. The
# writer passes a readable end inside a record { name: string, s:
# stream<u8> } and two inside a list<stream<u8>>, then writes bytes to the
# writable ends it kept; the reader reads them through the ends it
# received (moved into its table with the value) until each ends.
flue_test_guests(ends ends_deps reader writer)
flue_add_program(tb_ends_host COMPOSITION ${TB}/ends/ends.flue
                 SOURCES ${TB}/ends/main.c MODULES ${TBB}/ends
                 OUTPUT_DIR ${TBB}/ends/host DEPENDS ${ends_deps}
                 CFLAGS ${FLUE_EXAMPLE_CFLAGS})
add_test(NAME build.ends.host COMMAND ${TBB}/ends/host/ends)
set_tests_properties(build.ends.host PROPERTIES TIMEOUT 60 PASS_REGULAR_EXPRESSION "ends: ok")
if(FLUE_SDK_CORTEX AND FLUE_QEMU_ARM)
  foreach(core cortex-m3 cortex-m33)
    flue_add_program(tb_ends_${core}_isolated COMPOSITION ${TB}/ends/ends.flue
                     TARGET ${core} ISOLATE SOURCES ${TB}/ends/main.c
                     MODULES ${TBB}/ends OUTPUT_DIR ${TBB}/ends/${core}-isolated
                     DEPENDS ${ends_deps})
    flue_qemu_test(build.ends.${core}.isolated ${core}
                   ${TBB}/ends/${core}-isolated/ends.elf "ends: ok")
  endforeach()
endif()

# build.resources.<target>: resources between two C guests. The user
# constructs counters impl implements, calls their methods (borrowed
# self), moves owns to impl inside a record and a list (impl reads their
# reps and drops them: its destructor runs), drops one itself, and gets an
# error-context in a result. Host, and isolated on both QEMU boards.
flue_test_guests(resources resources_deps impl user)
flue_add_program(tb_resources_host COMPOSITION ${TB}/resources/resources.flue
                 SOURCES ${TB}/resources/main.c MODULES ${TBB}/resources
                 OUTPUT_DIR ${TBB}/resources/host DEPENDS ${resources_deps}
                 CFLAGS ${FLUE_EXAMPLE_CFLAGS})
add_test(NAME build.resources.host COMMAND ${TBB}/resources/host/resources)
set_tests_properties(build.resources.host PROPERTIES TIMEOUT 60
                     PASS_REGULAR_EXPRESSION "resources: ok")
if(FLUE_SDK_CORTEX AND FLUE_QEMU_ARM)
  foreach(core cortex-m3 cortex-m33)
    flue_add_program(tb_resources_${core}_isolated COMPOSITION ${TB}/resources/resources.flue
                     TARGET ${core} ISOLATE SOURCES ${TB}/resources/main.c
                     MODULES ${TBB}/resources OUTPUT_DIR ${TBB}/resources/${core}-isolated
                     DEPENDS ${resources_deps})
    flue_qemu_test(build.resources.${core}.isolated ${core}
                   ${TBB}/resources/${core}-isolated/resources.elf "resources: ok")
  endforeach()
endif()

# build.hostres.<target>: handles at the host edge. The host implements
# `counter`: the guest constructs two, adds to each (borrowed self: the
# host sees the rep), loads a list into one (in the arrival area; one too
# big for it reaches the program's _failed with FLUE_ENOMEM) and drops
# them (the host's destructor sees each rep);
# the host returns a readable end inside a result<stream<u8>, string> and
# writes the bytes the guest reads, and an err string. Host, and isolated
# on the Cortex-M3 only (the M33 adds CI time and no new path).
flue_test_guests(hostres hostres_deps guest)
flue_add_program(tb_hostres_host COMPOSITION ${TB}/hostres/hostres.flue
                 SOURCES ${TB}/hostres/main.c MODULES ${TBB}/hostres
                 OUTPUT_DIR ${TBB}/hostres/host DEPENDS ${hostres_deps}
                 CFLAGS ${FLUE_EXAMPLE_CFLAGS})
add_test(NAME build.hostres.host COMMAND ${TBB}/hostres/host/hostres)
set_tests_properties(build.hostres.host PROPERTIES TIMEOUT 60
                     PASS_REGULAR_EXPRESSION "hostres: ok")
if(FLUE_SDK_CORTEX AND FLUE_QEMU_ARM)
  flue_add_program(tb_hostres_cortex-m3_isolated COMPOSITION ${TB}/hostres/hostres.flue
                   TARGET cortex-m3 ISOLATE SOURCES ${TB}/hostres/main.c
                   MODULES ${TBB}/hostres OUTPUT_DIR ${TBB}/hostres/cortex-m3-isolated
                   DEPENDS ${hostres_deps})
  flue_qemu_test(build.hostres.cortex-m3.isolated cortex-m3
                 ${TBB}/hostres/cortex-m3-isolated/hostres.elf "hostres: ok")
endif()

# build.hoststrs.host: host ends of a graph element type. The guest parks
# a read of the host's stream<string> and a write on its own; the host
# meets both with the typed write and read (strings in the value area; in
# the read area through the host's allocator), incl. non-ASCII UTF-8, a
# string that is not UTF-8, one too big for the value area, and ops that
# find no peer waiting (cancelled at once). Host only (CI time).
flue_test_guests(hoststrs hoststrs_deps guest)
flue_add_program(tb_hoststrs_host COMPOSITION ${TB}/hoststrs/hoststrs.flue
                 SOURCES ${TB}/hoststrs/main.c MODULES ${TBB}/hoststrs
                 OUTPUT_DIR ${TBB}/hoststrs/host DEPENDS ${hoststrs_deps}
                 CFLAGS ${FLUE_EXAMPLE_CFLAGS})
add_test(NAME build.hoststrs.host COMMAND ${TBB}/hoststrs/host/hoststrs)
set_tests_properties(build.hoststrs.host PROPERTIES TIMEOUT 60
                     PASS_REGULAR_EXPRESSION "hoststrs: ok")

# Fiber-stack options out of range are refused before anything is built.
foreach(e "stacks|0|--stacks needs 1..32 '0'" "stacks|33|--stacks needs 1..32 '33'"
          "stack-bytes|256|--stack-bytes needs a multiple of 32, at least 512 '256'"
          "stack-bytes|1000|--stack-bytes needs a multiple of 32, at least 512 '1000'")
  string(REPLACE "|" ";" parts "${e}")
  list(GET parts 0 opt)
  list(GET parts 1 val)
  list(GET parts 2 msg)
  add_test(NAME build.options.${opt}_${val}
           COMMAND $<TARGET_FILE:flue-build> --target cortex-m3 --${opt} ${val}
                   ${EX}/pipeline/pipeline.flue)
  set_tests_properties(build.options.${opt}_${val} PROPERTIES
                       PASS_REGULAR_EXPRESSION "flue-build: ${msg}")
endforeach()

# ---------------------------------------------------------------- isolate
# build.isolate.<core>: flue-build --isolate (every instance in an MPU
# domain of its own, unprivileged behind the privilege gate; modules
# without bounds checks): an attacker that stores into the runtime, reads
# a peer, overruns its stack, traps, calls through a bad table index and
# loops past its step budget, each trapped with its own reason and address
# and restarted in place, another instance that grows its memory, while a
# peer finishes its work (tests/build/isolate/main.c checks it all).
if(FLUE_SDK_CORTEX AND FLUE_QEMU_ARM)
  # The attacker may grow its memory to two pages (attack 6).
  flue_add_guest(tb_isolate_attacker_wasm OUTPUT ${TBB}/isolate/attacker.wasm
                 SOURCES ${TB}/isolate/attacker.c ${EX}/common/libc.c INCLUDES ${EX}/common
                 FLAGS -Wl,--max-memory=131072)
  flue_test_guests(isolate isolate_deps peer)
  list(APPEND isolate_deps tb_isolate_attacker_wasm ${TBB}/isolate/attacker.wasm)
  foreach(core cortex-m3 cortex-m33)
    flue_add_program(tb_isolate_${core} COMPOSITION ${TB}/isolate/isolate.flue
                     TARGET ${core} ISOLATE CALL_DEPTH 100000
                     SOURCES ${TB}/isolate/main.c MODULES ${TBB}/isolate
                     OUTPUT_DIR ${TBB}/isolate/${core} DEPENDS ${isolate_deps})
    flue_qemu_test(build.isolate.${core} ${core} ${TBB}/isolate/${core}/isolate.elf
                   "restart: ok\n.*isolate: ok")
  endforeach()
endif()
# What --isolate refuses, before anything is written.
add_test(NAME build.options.isolate_host
         COMMAND $<TARGET_FILE:flue-build> --isolate --out ${TBB}/refused --modules ${EXB}/pipeline
                 ${EX}/pipeline/pipeline.flue)
set_tests_properties(build.options.isolate_host PROPERTIES PASS_REGULAR_EXPRESSION
                     "--isolate needs a Cortex-M program")
# The region budget with stack guards (PMSAv7 with fiber stacks: one region
# each): an instance sharing three ring memories is refused on the
# Cortex-M3 with fibers, accepted without them and on the Cortex-M33.
if(TARGET tool_plan_fixtures)
  set(pfx ${PROJECT_BINARY_DIR}/tools/plan-fixtures)
  foreach(e "m3_fibers|cortex-m3|--stacks,1" "m3|cortex-m3|" "m33_fibers|cortex-m33|--stacks,1")
    string(REPLACE "|" ";" parts "${e}")
    list(GET parts 0 name)
    list(GET parts 1 core)
    list(GET parts 2 stacks)
    string(REPLACE "," ";" stacks "${stacks}")
    add_test(NAME build.options.isolate_ring_budget_${name}
             COMMAND $<TARGET_FILE:flue-build> --isolate --target ${core} ${stacks} --generate-only
                     --out ${TBB}/budget_${name} --modules ${pfx}
                     ${PROJECT_SOURCE_DIR}/tests/tool/plan/ring_three.flue)
  endforeach()
  # (the pattern's "." stands for the message's ";", a CMake list separator)
  set_tests_properties(build.options.isolate_ring_budget_m3_fibers PROPERTIES
                       PASS_REGULAR_EXPRESSION "shares 3 ring memories. its MPU domain has room for 2 .6 of its 8 regions are its own: a stack guard with fiber stacks.")
endif()

# ------------------------------------------------------------------- ring
# build.ring.<target>: a shared ring between two instances whose guests
# are written in WAT (the ring is their second memory, which clang's C
# cannot address: wat2wasm --enable-multi-memory). The writer puts 1..100
# through 16 slots, the reader checks the order and sums them, each
# waiting on its companion stream when the ring is full / empty; a C guest
# writes to the driver through a window of its memory (driver placement);
# on the host and on both QEMU boards, and isolated on both (--isolate).
find_program(FLUE_WAT2WASM wat2wasm)
if(FLUE_WAT2WASM)
  set(ring_deps "")
  foreach(g writer reader)
    add_custom_command(OUTPUT ${TBB}/ring/${g}.wasm
      COMMAND ${CMAKE_COMMAND} -E make_directory ${TBB}/ring
      COMMAND ${FLUE_WAT2WASM} --enable-multi-memory ${TB}/ring/${g}.wat -o ${TBB}/ring/${g}.wasm
      DEPENDS ${TB}/ring/${g}.wat VERBATIM)
    add_custom_target(tb_ring_${g}_wasm DEPENDS ${TBB}/ring/${g}.wasm)
    list(APPEND ring_deps tb_ring_${g}_wasm ${TBB}/ring/${g}.wasm)
  endforeach()
  flue_test_guests(ring ring_c_deps source)
  list(APPEND ring_deps ${ring_c_deps})
  flue_add_program(tb_ring_host COMPOSITION ${TB}/ring/ring.flue SOURCES ${TB}/ring/main.c
                   MODULES ${TBB}/ring OUTPUT_DIR ${TBB}/ring/host DEPENDS ${ring_deps}
                   CFLAGS ${FLUE_EXAMPLE_CFLAGS})
  add_test(NAME build.ring.host COMMAND ${TBB}/ring/host/ring)
  set_tests_properties(build.ring.host PROPERTIES PASS_REGULAR_EXPRESSION "ring: ok" TIMEOUT 60)
  if(FLUE_SDK_CORTEX AND FLUE_QEMU_ARM)
    foreach(core cortex-m3 cortex-m33)
      flue_add_program(tb_ring_${core} COMPOSITION ${TB}/ring/ring.flue TARGET ${core}
                       SOURCES ${TB}/ring/main.c MODULES ${TBB}/ring
                       OUTPUT_DIR ${TBB}/ring/${core} DEPENDS ${ring_deps})
      flue_qemu_test(build.ring.${core} ${core} ${TBB}/ring/${core}/ring.elf "ring: ok")
      # isolated: the ring memory is a region of both domains, read-only
      # to the reader, whose store into it then faults (main.c, RING_ISOLATED)
      flue_add_program(tb_ring_${core}_isolated COMPOSITION ${TB}/ring/ring.flue
                       TARGET ${core} ISOLATE SOURCES ${TB}/ring/main.c MODULES ${TBB}/ring
                       OUTPUT_DIR ${TBB}/ring/${core}-isolated DEPENDS ${ring_deps}
                       CFLAGS -DRING_ISOLATED=1)
      flue_qemu_test(build.ring.${core}.isolated ${core}
                     ${TBB}/ring/${core}-isolated/ring.elf "ring: ok")
    endforeach()
  endif()
else()
  message(WARNING "wat2wasm not found (Debian: wabt): build.ring is not built")
endif()
