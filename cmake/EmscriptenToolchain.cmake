# Finds Emscripten's own toolchain file, wherever this machine has it:
#   $EMSCRIPTEN_ROOT, an activated emsdk ($EMSDK), the directory of `emcc` on
#   PATH (Debian's package links /usr/bin/emcc into /usr/share/emscripten), and
#   finally Debian's fixed path. This keeps the presets free of machine paths,
#   so the same preset works with Debian's 3.1.6 and a current emsdk.
set(_rtlab_em_candidates "")
if(DEFINED ENV{EMSCRIPTEN_ROOT})
  list(APPEND _rtlab_em_candidates "$ENV{EMSCRIPTEN_ROOT}")
endif()
if(DEFINED ENV{EMSDK})
  list(APPEND _rtlab_em_candidates "$ENV{EMSDK}/upstream/emscripten")
endif()
find_program(_rtlab_emcc emcc)
if(_rtlab_emcc)
  get_filename_component(_rtlab_emcc_real "${_rtlab_emcc}" REALPATH)
  get_filename_component(_rtlab_emcc_dir "${_rtlab_emcc_real}" DIRECTORY)
  list(APPEND _rtlab_em_candidates "${_rtlab_emcc_dir}")
endif()
list(APPEND _rtlab_em_candidates /usr/share/emscripten /usr/lib/emscripten)

foreach(_dir IN LISTS _rtlab_em_candidates)
  if(EXISTS "${_dir}/cmake/Modules/Platform/Emscripten.cmake")
    include("${_dir}/cmake/Modules/Platform/Emscripten.cmake")
    return()
  endif()
endforeach()
message(FATAL_ERROR "Emscripten not found. Install it (Debian: apt-get install emscripten) "
                    "or activate an emsdk, then configure again.")
