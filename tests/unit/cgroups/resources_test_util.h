// Helpers shared by the resources tests (resources_test.cc, resources_v1_test.cc).
#pragma once

#include "cgroups/resources.h"

#include <gtest/gtest.h>

#include <ostream>

// The tests spell configs with designated initializers naming only the fields under test;
// g++ 12 warns about the (default-initialized) rest under -Wextra.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace berth::cgroups {
// Readable failure output for vector comparisons.
inline void PrintTo(const Write& w, std::ostream* os) {
  *os << "{" << w.controller << ", " << w.file << ", \"" << w.value << "\"}";
}
}  // namespace berth::cgroups

namespace cgres_test {

using berth::cgroups::V1Options;
using berth::cgroups::V2Options;
using berth::cgroups::Write;
using Ws = std::vector<Write>;

inline Write U(std::string file, std::string value) { return Write{"", std::move(file), std::move(value)}; }
inline Write C(std::string ctrl, std::string file, std::string value) {
  return Write{std::move(ctrl), std::move(file), std::move(value)};
}

inline Ws v2(const oci::Resources& r, const V2Options& o = {}) {
  auto w = berth::cgroups::v2_writes(r, o);
  EXPECT_TRUE(w.has_value()) << w.error().what();
  return w ? *w : Ws{};
}
inline Ws v1(const oci::Resources& r, const V1Options& o = {}) {
  auto w = berth::cgroups::v1_writes(r, o);
  EXPECT_TRUE(w.has_value()) << w.error().what();
  return w ? *w : Ws{};
}
inline std::string v2_err(const oci::Resources& r, const V2Options& o = {}) {
  auto w = berth::cgroups::v2_writes(r, o);
  return w ? std::string("no error") : w.error().str();
}
inline std::string v1_err(const oci::Resources& r, const V1Options& o = {}) {
  auto w = berth::cgroups::v1_writes(r, o);
  return w ? std::string("no error") : w.error().str();
}

inline oci::Resources mem(oci::Memory m) { oci::Resources r; r.memory = m; return r; }
inline oci::Resources cpu(oci::CPU c) { oci::Resources r; r.cpu = c; return r; }
inline oci::Resources bio(oci::BlockIO b) { oci::Resources r; r.block_io = b; return r; }
inline oci::Resources unified(std::map<std::string, std::string> u) {
  oci::Resources r;
  r.unified = std::move(u);
  return r;
}

inline oci::BlockIO weights() {
  oci::BlockIO b;
  b.weight = 500;
  b.weight_device = {{.major = 8, .minor = 0, .weight = 1000}, {.major = 8, .minor = 16, .weight = 10}};
  return b;
}

}  // namespace cgres_test
