// Follows the grammar and the overflow rules of Go's time.ParseDuration
// (src/time/format.go): values are accumulated as unsigned nanoseconds and must not
// pass 1<<63 (the magnitude of the most negative Duration) at any step.
#include "cgroups/duration.h"

#include <cstdint>
#include <string>

namespace berth::cgroups {
namespace {

constexpr uint64_t kLimit = uint64_t{1} << 63;

// Go's time.quote: double quotes, \" and \\ escaped, bytes outside printable ASCII
// as \xNN.
std::string quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c >= 0x80 || c < 0x20) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += static_cast<char>(c);
  }
  return out + "\"";
}

Unexpected<Error> invalid(std::string_view orig) {
  return BERTH_ERR(EINVAL, "time: invalid duration %s", quote(orig).c_str());
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

uint64_t unit_ns(std::string_view u) {
  if (u == "ns") return 1;
  if (u == "us" || u == "\xc2\xb5s" || u == "\xce\xbcs") return 1000;  // µs, μs
  if (u == "ms") return 1000000;
  if (u == "s") return 1000000000;
  if (u == "m") return 60ull * 1000000000;
  if (u == "h") return 3600ull * 1000000000;
  return 0;
}

}  // namespace

Result<std::chrono::nanoseconds> parse_go_duration(std::string_view s) {
  const std::string_view orig = s;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return invalid(orig);

  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || is_digit(s[0]))) return invalid(orig);
    // Integer part; overflow here is an invalid duration.
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) {
      if (v > kLimit / 10) return invalid(orig);
      v = v * 10 + static_cast<uint64_t>(s[i] - '0');
      if (v > kLimit) return invalid(orig);
    }
    bool pre = i > 0;
    s.remove_prefix(i);
    // Fraction: digits beyond what fits are dropped, not an error (as in Go).
    uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      bool overflow = false;
      size_t j = 0;
      for (; j < s.size() && is_digit(s[j]); ++j) {
        if (overflow) continue;
        if (f > (kLimit - 1) / 10) {
          overflow = true;
          continue;
        }
        uint64_t y = f * 10 + static_cast<uint64_t>(s[j] - '0');
        if (y > kLimit) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = j > 0;
      s.remove_prefix(j);
    }
    if (!pre && !post) return invalid(orig);  // "." or ".s"
    // The unit runs up to the next number.
    size_t u = 0;
    while (u < s.size() && s[u] != '.' && !is_digit(s[u])) ++u;
    if (u == 0)
      return BERTH_ERR(EINVAL, "time: missing unit in duration %s", quote(orig).c_str());
    std::string_view unit_name = s.substr(0, u);
    s.remove_prefix(u);
    uint64_t unit = unit_ns(unit_name);
    if (unit == 0)
      return BERTH_ERR(EINVAL, "time: unknown unit %s in duration %s", quote(unit_name).c_str(),
                       quote(orig).c_str());
    if (v > kLimit / unit) return invalid(orig);
    v *= unit;
    if (f > 0) {
      v += static_cast<uint64_t>(static_cast<double>(f) * (static_cast<double>(unit) / scale));
      if (v > kLimit) return invalid(orig);
    }
    // Go adds first and compares after, which wraps for 2^63 + 2^63; checking
    // before keeps the same limit without the wrap.
    if (v > kLimit - total) return invalid(orig);
    total += v;
  }
  if (neg) {
    // -(1<<63) is representable; two's complement does the rest.
    return std::chrono::nanoseconds(static_cast<int64_t>(~total + 1));
  }
  if (total > kLimit - 1) return invalid(orig);
  return std::chrono::nanoseconds(static_cast<int64_t>(total));
}

}  // namespace berth::cgroups
