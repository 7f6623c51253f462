// parse -> write -> parse yields an equal model, and writing is a fixed point.
#include <gtest/gtest.h>

#include "oci/json.h"
#include "test_util.h"

namespace {

std::vector<std::string> good_files() {
  std::vector<std::string> out;
  for (const char* sub : {"config/good", "state/good", "features/good", "real"}) {
    auto l = test::list(sub);
    out.insert(out.end(), l.begin(), l.end());
  }
  return out;
}

template <class T, class P, class W>
void round_trip(const std::string& json, P parse, W write) {
  auto a = parse(json);
  ASSERT_TRUE(a.has_value()) << a.error().str();
  std::string w1 = write(*a);
  auto b = parse(w1);
  ASSERT_TRUE(b.has_value()) << b.error().str() << "\n" << w1;
  EXPECT_TRUE(*a == *b) << w1;
  EXPECT_EQ(write(*b), w1);
}

class RoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(RoundTrip, ParseWriteParse) {
  const std::string& rel = GetParam();
  std::string json = test::read_file(test::data_dir() + "/" + rel);
  if (rel.starts_with("state/")) {
    round_trip<oci::State>(json, oci::parse_state, oci::write_state);
  } else if (rel.starts_with("features/")) {
    round_trip<oci::Features>(json, oci::parse_features, oci::write_features);
  } else {
    round_trip<oci::Spec>(json, oci::parse_config,
                          [](const oci::Spec& s) { return oci::write_config(s, true); });
    round_trip<oci::Spec>(json, oci::parse_config,
                          [](const oci::Spec& s) { return oci::write_config(s, false); });
  }
}

INSTANTIATE_TEST_SUITE_P(All, RoundTrip, ::testing::ValuesIn(good_files()),
                         [](const auto& info) { return test::test_name(info.param); });

}  // namespace
