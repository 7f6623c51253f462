// Checks oci/expected.h's stand-in where it is used: the clang (fuzz) build,
// whose standard library has no std::expected. The g++ build never compiles the stand-in.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "base/error.h"

namespace {

int failures = 0;
void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAIL: %s\n", what);
    ++failures;
  }
}

berth::Result<std::string> name(bool ok) {
  if (!ok) return BERTH_ERR(EINVAL, "bad %d", 7);
  return std::string("berth");
}

berth::Result<> chain(bool ok) {
  BERTH_TRY_ASSIGN(std::string n, name(ok));
  check(n == "berth", "TRY_ASSIGN moves the value out");
  BERTH_TRY(berth::Result<>{});
  return {};
}

}  // namespace

int main() {
#if defined(__cpp_lib_expected)
  std::puts("std::expected available: the stand-in is not used in this build");
#endif
  auto a = name(true);
  check(a.has_value() && *a == "berth" && a->size() == 5, "value");
  auto b = name(false);
  check(!b && b.error().code() == EINVAL && b.error().str() == "bad 7", "error");
  check(b.value_or("x") == "x" && a.value_or("x") == "berth", "value_or");
  auto c = b;  // copy of an error, then assignment over a value
  a = c;
  check(!a && a.error().str() == "bad 7", "copy assignment");
  a = name(true);
  check(a && *a == "berth", "move assignment");
  check(chain(true).has_value(), "TRY on success");
  auto e = chain(false);
  check(!e && e.error().str() == "bad 7", "TRY propagates the error");
  berth::Result<std::unique_ptr<int>> p = std::make_unique<int>(3);  // move-only value
  auto q = std::move(p);
  check(q && **q == 3, "move-only value");
  berth::Result<> f = berth::fail(berth::Error::make(EPERM, "no"));
  f = berth::Result<>{};
  check(f.has_value(), "void: error replaced by success");
  if (failures) return EXIT_FAILURE;
  std::puts("ok");
  return 0;
}
