// Reading a file a command was given (run --file): bounded and checked.
//
// A learner may name anything: a directory, /dev/zero, /dev/urandom,
// /proc/self/mem, a FIFO, a file of gigabytes. So the file must be a
// regular file, at most `limit` bytes are read (one more, to tell that it is
// longer), and every read error is an error line rather than an exception
// or an endless read.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace lab {

// The file's bytes, or nullopt and one error sentence in *err (without the
// command's prefix). A file longer than `limit` is an error too.
std::optional<std::string> readInputFile(const std::string& path, size_t limit, std::string* err);

}  // namespace lab
