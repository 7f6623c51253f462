// libFuzzer target: parse_config on arbitrary bytes; on success the written
// form must reparse to an equal model and write identically. A crash, a
// sanitizer report, or a failed/unequal reparse is a bug.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "oci/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto spec = oci::parse_config(in);
  if (!spec) {
    (void)spec.error().str();
    return 0;
  }
  for (bool pretty : {true, false}) {
    std::string out = oci::write_config(*spec, pretty);
    auto again = oci::parse_config(out);
    if (!again) {
      std::fprintf(stderr, "reparse failed: %s\n%s\n", again.error().str().c_str(), out.c_str());
      std::abort();
    }
    if (!(*again == *spec) || oci::write_config(*again, pretty) != out) {
      std::fprintf(stderr, "round trip changed the model:\n%s\n", out.c_str());
      std::abort();
    }
  }
  // Exercise the other parsers on the same bytes; they must not crash.
  (void)oci::parse_state(in);
  (void)oci::parse_features(in);
  return 0;
}
