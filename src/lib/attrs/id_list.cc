#include "attrs/id_list.h"

#include <algorithm>
#include <charconv>

namespace berth::attrs {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

Result<unsigned> parse_id(std::string_view s, std::string_view item) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size())
    return BERTH_ERR(EINVAL, "\"%.*s\" is not a number or a range like 0-3",
                     static_cast<int>(item.size()), item.data());
  return v;
}

}  // namespace

Result<std::vector<unsigned>> parse_id_list(std::string_view text, unsigned max_id) {
  std::vector<unsigned> ids;
  text = trim(text);
  if (text.empty()) return ids;
  while (true) {
    std::size_t comma = text.find(',');
    std::string_view item = trim(text.substr(0, comma));
    if (item.empty()) return BERTH_ERR(EINVAL, "empty item in list");
    std::size_t dash = item.find('-');
    unsigned lo = 0, hi = 0;
    if (dash == std::string_view::npos) {
      BERTH_TRY_ASSIGN(lo, parse_id(item, item));
      hi = lo;
    } else {
      BERTH_TRY_ASSIGN(lo, parse_id(trim(item.substr(0, dash)), item));
      BERTH_TRY_ASSIGN(hi, parse_id(trim(item.substr(dash + 1)), item));
      if (lo > hi)
        return BERTH_ERR(EINVAL, "range \"%.*s\" is reversed", static_cast<int>(item.size()),
                         item.data());
    }
    if (hi >= max_id) return BERTH_ERR(EINVAL, "id %u is too large (limit %u)", hi, max_id - 1);
    for (unsigned i = lo; i <= hi; ++i) ids.push_back(i);
    if (comma == std::string_view::npos) break;
    text = text.substr(comma + 1);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace berth::attrs
