#include "semver.h"

#include <charconv>
#include <vector>

namespace oci::detail {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

// A numeric identifier: digits only, no leading zero unless exactly "0".
bool parse_numeric(std::string_view s, uint64_t& out) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::vector<std::string_view> split_dots(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    parts.push_back(s.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return !s.empty();
}

// Dot-separated identifiers; numeric ones may not have leading zeros
// (prerelease only; build metadata allows them).
bool valid_identifiers(std::string_view s, bool numeric_no_leading_zero) {
  for (std::string_view id : split_dots(s)) {
    if (id.empty()) return false;
    for (char c : id) {
      if (!is_ident_char(c)) return false;
    }
    if (numeric_no_leading_zero && all_digits(id) && id.size() > 1 && id[0] == '0') return false;
  }
  return true;
}

}  // namespace

std::optional<SemVer> parse_semver(std::string_view s) {
  SemVer v;
  size_t plus = s.find('+');
  if (plus != std::string_view::npos) {
    if (!valid_identifiers(s.substr(plus + 1), false)) return std::nullopt;
    s = s.substr(0, plus);
  }
  size_t dash = s.find('-');
  if (dash != std::string_view::npos) {
    std::string_view pre = s.substr(dash + 1);
    if (!valid_identifiers(pre, true)) return std::nullopt;
    v.prerelease = std::string(pre);
    s = s.substr(0, dash);
  }
  auto core = split_dots(s);
  if (core.size() != 3) return std::nullopt;
  if (!parse_numeric(core[0], v.major) || !parse_numeric(core[1], v.minor) ||
      !parse_numeric(core[2], v.patch)) {
    return std::nullopt;
  }
  return v;
}

int compare_semver(const SemVer& a, const SemVer& b) {
  auto cmp = [](uint64_t x, uint64_t y) { return x < y ? -1 : (x > y ? 1 : 0); };
  if (int c = cmp(a.major, b.major)) return c;
  if (int c = cmp(a.minor, b.minor)) return c;
  if (int c = cmp(a.patch, b.patch)) return c;
  // A version without prerelease has higher precedence.
  if (a.prerelease.empty() || b.prerelease.empty()) {
    return cmp(a.prerelease.empty() ? 1 : 0, b.prerelease.empty() ? 1 : 0);
  }
  auto pa = split_dots(a.prerelease), pb = split_dots(b.prerelease);
  for (size_t i = 0; i < pa.size() && i < pb.size(); ++i) {
    bool na = all_digits(pa[i]), nb = all_digits(pb[i]);
    if (na && nb) {
      // Compare by length first so huge numeric identifiers need no parse.
      if (pa[i].size() != pb[i].size()) return pa[i].size() < pb[i].size() ? -1 : 1;
      if (int c = pa[i].compare(pb[i])) return c < 0 ? -1 : 1;
    } else if (na != nb) {
      return na ? -1 : 1;  // numeric identifiers sort before alphanumeric
    } else if (int c = pa[i].compare(pb[i])) {
      return c < 0 ? -1 : 1;
    }
  }
  return cmp(pa.size(), pb.size());
}

}  // namespace oci::detail
