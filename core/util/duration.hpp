// Durations written the way Go writes them: "300ms", "1.5s", "2m30s", "10us".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace util {

// Go: time.ParseDuration. Units ns, us (or µs), ms, s, m, h; a sign and
// several parts are allowed ("-1m30s"). nullopt if malformed or overflowing.
std::optional<int64_t> parseDuration(std::string_view s);

// Go: time.Duration.String ("1.5s", "300ms", "2m30s", "0s").
std::string formatDuration(int64_t ns);

// Three significant digits, for columns of numbers read side by side:
// "850ns", "12.3µs", "4.56ms", "1.23s" (not Go's format).
std::string formatDurationShort(int64_t ns);

}  // namespace util
