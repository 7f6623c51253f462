#include "state/id.h"

#include <cerrno>

namespace berth::state {
namespace {

bool allowed(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '+' || c == '.' || c == '-';
}

// Error::kMaxMessage is 1000 bytes; a 1025-char id would crowd out the reason, so the
// quoted id is shortened. The reason is what the user needs to read.
constexpr int kShownIdChars = 64;

Error invalid(std::string_view id, const char* reason) {
  int shown = id.size() > static_cast<std::size_t>(kShownIdChars) ? kShownIdChars
                                                                  : static_cast<int>(id.size());
  const char* ellipsis = id.size() > static_cast<std::size_t>(kShownIdChars) ? "..." : "";
  return Error::make(EINVAL, "invalid container id \"%.*s%s\": %s", shown, id.data(), ellipsis,
                     reason);
}

}  // namespace

Result<void> validate_id(std::string_view id) {
  if (id.empty()) return fail(invalid(id, "must not be empty"));
  if (id.size() > kMaxIdLength) return fail(invalid(id, "longer than 1024 characters"));
  if (id == "." || id == "..") return fail(invalid(id, "must not be \".\" or \"..\""));
  for (unsigned char c : id) {
    if (c == '/') return fail(invalid(id, "must not contain '/'"));
    if (!allowed(c)) {
      char reason[96];
      std::snprintf(reason, sizeof reason,
                    "invalid character 0x%02x (allowed: A-Z a-z 0-9 _ + . -)", c);
      return fail(invalid(id, reason));
    }
  }
  return {};
}

}  // namespace berth::state
