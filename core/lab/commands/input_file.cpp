#include "lab/commands/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/utf8.hpp"

namespace lab {

std::optional<std::string> readInputFile(const std::string& path, size_t limit, std::string* err) {
  const std::string shown = util::quoteForDisplay(path);
  if (path.find('\0') != std::string::npos) {
    *err = "cannot read " + shown + ": the name contains a NUL byte";
    return std::nullopt;
  }
  // O_NONBLOCK: opening a FIFO with no writer must not wait for one (it is
  // refused just below, as not a regular file).
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    *err = "cannot read " + shown + ": " + std::strerror(errno);
    return std::nullopt;
  }
  struct stat st {};
  std::optional<std::string> out;
  if (::fstat(fd, &st) != 0) {
    *err = "cannot read " + shown + ": " + std::strerror(errno);
  } else if (S_ISDIR(st.st_mode)) {
    *err = "cannot read " + shown + ": it is a directory";
  } else if (!S_ISREG(st.st_mode)) {
    *err = "cannot read " + shown + ": not a regular file (a device, FIFO or socket)";
  } else {
    // The size stat reports may be wrong (/proc files say 0) or change
    // while reading: read until end of file or one byte past the limit.
    std::string text;
    char buf[64 * 1024];
    bool failed = false;
    while (text.size() <= limit) {
      const size_t want = std::min(sizeof buf, limit + 1 - text.size());
      const ssize_t n = ::read(fd, buf, want);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        *err = "cannot read " + shown + ": " + std::strerror(errno);
        failed = true;
        break;
      }
      if (n == 0) break;
      text.append(buf, static_cast<size_t>(n));
    }
    if (!failed && text.size() > limit)
      *err = "cannot read " + shown + ": larger than " + std::to_string(limit) + " bytes";
    else if (!failed)
      out = std::move(text);
  }
  ::close(fd);
  return out;
}

}  // namespace lab
