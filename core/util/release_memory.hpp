// releaseFreedMemory: hands memory the C library holds free back to the OS.
//
// A stepped run allocates hundreds of MB (its arena's chunks, the snapshots
// back restores, the trace) in blocks of many sizes, and frees them all when
// the next run replaces it. glibc keeps freed blocks below its mmap threshold
// in its heaps, and that threshold rises to the size of the largest block
// freed (up to 32 MB), so the next run's blocks land in a heap fragmented by
// the last one's: the process grew by tens of MB per run. Trimming after a
// run is dropped returns the free pages (malloc_trim also releases whole free
// pages inside a heap, not only at its top). Elsewhere (wasm, other C
// libraries) it does nothing: wasm memory never shrinks, and emscripten's
// allocator reuses the freed blocks for the next run as they are.
#pragma once

namespace util {

void releaseFreedMemory() noexcept;

}  // namespace util
