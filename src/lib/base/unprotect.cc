#include "base/unprotect.h"

#ifdef BERTH_TEST_UNPROTECT
#include <cstdlib>
#include <cstring>

namespace berth {

bool unprotected(const char* name) {
  const char* list = std::getenv("BERTH_UNPROTECT");
  if (!list) return false;
  std::size_t n = std::strlen(name);
  for (const char* p = list; *p;) {
    const char* end = std::strchr(p, ',');
    std::size_t len = end ? static_cast<std::size_t>(end - p) : std::strlen(p);
    if (len == n && std::strncmp(p, name, n) == 0) return true;
    if (!end) break;
    p = end + 1;
  }
  return false;
}

}  // namespace berth
#endif
