# The course's hand-write exercises (README "Builds and presets").
#
# course/handwrite.json lists, per day, the files a learner writes: each is a
# copy of a file of core/ (its "reference") with the bodies of a few functions
# left to write, in course/<day>/handwrite/. With RTLAB_EXERCISES=ON (the
# `exercises` preset), rtcore compiles the learner's copy instead of the
# reference for the days in RTLAB_EXERCISES_DAYS; every other build compiles
# core/ and is not affected.
#
# scripts/grade.mjs <day> builds with RTLAB_EXERCISES_DAYS=<day>, so that a
# day is graded with the reference files of the other days.

option(RTLAB_EXERCISES "Build rtcore with the learner's files from RTLAB_EXERCISES_DIR/<day>/handwrite" OFF)
set(RTLAB_EXERCISES_DIR "${PROJECT_SOURCE_DIR}/course" CACHE PATH
  "Where the learner's files are: <dir>/<day>/handwrite/<file> (RTLAB_EXERCISES=ON)")
set(RTLAB_EXERCISES_DAYS "all" CACHE STRING
  "The days whose files come from RTLAB_EXERCISES_DIR, e.g. day3 or day2;day3 (RTLAB_EXERCISES=ON); 'all' for every day")

set(RTLAB_HANDWRITE_MANIFEST "${PROJECT_SOURCE_DIR}/course/handwrite.json")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${RTLAB_HANDWRITE_MANIFEST}")
file(READ "${RTLAB_HANDWRITE_MANIFEST}" _rtlab_manifest)

# RTLAB_HANDWRITE_SKELETONS: every skeleton in the source tree (the native
# test build compiles them all, so a change to a header that breaks one is
# caught at once). RTLAB_HANDWRITE_DAYS: every day that has some.
set(RTLAB_HANDWRITE_SKELETONS "")
set(RTLAB_HANDWRITE_DAYS "")
# What this build takes from the learner, for the `version` command:
# "exitsyscallfast (day2), runqput, ... (day3)", empty unless RTLAB_EXERCISES.
set(RTLAB_HANDWRITTEN "")
string(JSON _ndays LENGTH "${_rtlab_manifest}" days)
math(EXPR _last_day "${_ndays} - 1")
foreach(_i RANGE ${_last_day})
  string(JSON _day MEMBER "${_rtlab_manifest}" days ${_i})
  list(APPEND RTLAB_HANDWRITE_DAYS ${_day})
  set(_learners_day OFF)
  if(RTLAB_EXERCISES AND (RTLAB_EXERCISES_DAYS STREQUAL "all" OR _day IN_LIST RTLAB_EXERCISES_DAYS))
    set(_learners_day ON)
  endif()
  string(JSON _nfiles LENGTH "${_rtlab_manifest}" days ${_day} files)
  math(EXPR _last_file "${_nfiles} - 1")
  foreach(_j RANGE ${_last_file})
    string(JSON _file GET "${_rtlab_manifest}" days ${_day} files ${_j} file)
    string(JSON _ref GET "${_rtlab_manifest}" days ${_day} files ${_j} reference)
    list(APPEND RTLAB_HANDWRITE_SKELETONS "${PROJECT_SOURCE_DIR}/course/${_day}/handwrite/${_file}")
    if(_learners_day)
      set(_learner "${RTLAB_EXERCISES_DIR}/${_day}/handwrite/${_file}")
      if(NOT EXISTS "${_learner}")
        message(FATAL_ERROR "RTLAB_EXERCISES: ${_learner} is missing (copy course/${_day}/handwrite/${_file} there)")
      endif()
      # Looked up by rtlab_use_handwritten, by the reference's path.
      set(RTLAB_HANDWRITE_FOR_${_ref} "${_learner}")
      message(STATUS "Exercises: ${_ref} <- ${_learner}")
      string(JSON _nfns LENGTH "${_rtlab_manifest}" days ${_day} files ${_j} functions)
      math(EXPR _last_fn "${_nfns} - 1")
      foreach(_k RANGE ${_last_fn})
        string(JSON _fn GET "${_rtlab_manifest}" days ${_day} files ${_j} functions ${_k})
        list(APPEND _day_functions "${_fn}")
      endforeach()
    endif()
  endforeach()
  if(_day_functions)
    list(JOIN _day_functions ", " _day_functions)
    if(RTLAB_HANDWRITTEN)
      string(APPEND RTLAB_HANDWRITTEN ", ")
    endif()
    string(APPEND RTLAB_HANDWRITTEN "${_day_functions} (${_day})")
    unset(_day_functions)
  endif()
endforeach()

if(RTLAB_EXERCISES AND NOT RTLAB_EXERCISES_DAYS STREQUAL "all")
  foreach(_day IN LISTS RTLAB_EXERCISES_DAYS)
    if(NOT _day IN_LIST RTLAB_HANDWRITE_DAYS)
      message(FATAL_ERROR "RTLAB_EXERCISES_DAYS: no hand-write exercises for '${_day}' (there are: ${RTLAB_HANDWRITE_DAYS})")
    endif()
  endforeach()
endif()

# rtlab_use_handwritten(<target>): with RTLAB_EXERCISES=ON, swaps each
# reference source of <target> (absolute paths, as target_sources records
# them) for the learner's file. Call it after every target_sources.
function(rtlab_use_handwritten target)
  if(NOT RTLAB_EXERCISES)
    return()
  endif()
  get_target_property(_sources ${target} SOURCES)
  set(_out "")
  foreach(_src IN LISTS _sources)
    file(RELATIVE_PATH _rel "${PROJECT_SOURCE_DIR}" "${_src}")
    if(DEFINED RTLAB_HANDWRITE_FOR_${_rel})
      list(APPEND _out "${RTLAB_HANDWRITE_FOR_${_rel}}")
    else()
      list(APPEND _out "${_src}")
    endif()
  endforeach()
  set_property(TARGET ${target} PROPERTY SOURCES ${_out})
  # Only the file that reports it is compiled with the list, so that
  # switching days (scripts/grade.mjs) recompiles just the files that change.
  set(_version "${PROJECT_SOURCE_DIR}/core/lab/commands/version.cpp")
  if(RTLAB_HANDWRITTEN AND _version IN_LIST _out)
    set_property(SOURCE "${_version}" APPEND PROPERTY COMPILE_DEFINITIONS "RTLAB_HANDWRITTEN=\"${RTLAB_HANDWRITTEN}\"")
  endif()
endfunction()
