// Every fixture under data/: good ones must parse, bad ones must be rejected
// with an error that names the JSON path of the fixture's defect.
#include <gtest/gtest.h>

#include <map>

#include "oci/json.h"
#include "test_util.h"

namespace {

// Expected error path (substring) for every bad fixture, and why it is bad
// per the spec text (not only per the JSON schema).
struct BadExpectation {
  const char* path;     // substring of Error::path ("" = document level)
  const char* message;  // substring of Error::message
  const char* why;
};

const std::map<std::string, BadExpectation>& bad_table() {
  static const std::map<std::string, BadExpectation> kTable = {
      {"config/bad/invalid-json.json", {"", "invalid JSON", "not JSON at all"}},
      {"config/bad/linux-hugepage.json",
       {"linux.resources.hugepageLimits[0].pageSize", "format",
        "config-linux.md#huge-page-limits: pageSize is <size><unit-prefix>B with unit "
        "prefixes K/M/G (64KB, 2MB, 1GB); \"64kB\" uses a lowercase k"}},
      {"config/bad/linux-netdevice.json",
       {"linux.netDevices[\"eth0\"].name", "expected a string",
        "config-linux.md#network-devices: name is a string"}},
      {"config/bad/linux-rdma.json",
       {"linux.resources.rdma[\"mlx5_1\"].hcaHandles", "unsigned 32-bit",
        "config-linux.md#rdma: hcaHandles is uint32"}},
      {"config/bad/uid-negative.json",
       {"process.user.uid", "expected an unsigned 32-bit integer, got -1",
        "config.md#posix-platform-user: uid is a uint32 (schema UID)"}},
      {"state/bad/invalid-json.json", {"", "invalid JSON", "not JSON at all"}},
      {"state/bad/running-without-pid.json",
       {"pid", "required", "runtime.md#state: pid is REQUIRED when status is running on Linux"}},
      {"features/bad/missing-ociVersionMax.json",
       {"ociVersionMax", "required property missing", "features.md: ociVersionMax is REQUIRED"}},
  };
  return kTable;
}

std::vector<std::string> all_fixtures() {
  std::vector<std::string> out;
  for (const char* kind : {"config", "state", "features"}) {
    for (const char* q : {"good", "bad"}) {
      auto l = test::list(std::string(kind) + "/" + q);
      out.insert(out.end(), l.begin(), l.end());
    }
  }
  auto real = test::list("real");
  out.insert(out.end(), real.begin(), real.end());
  return out;
}

// Returns the error (or nullopt on success) of the parser for the fixture kind.
std::optional<oci::Error> parse_fixture(const std::string& rel) {
  std::string json = test::read_file(test::data_dir() + "/" + rel);
  if (rel.starts_with("state/")) {
    auto r = oci::parse_state(json);
    return r ? std::nullopt : std::optional(r.error());
  }
  if (rel.starts_with("features/")) {
    auto r = oci::parse_features(json);
    return r ? std::nullopt : std::optional(r.error());
  }
  auto r = oci::parse_config(json);
  return r ? std::nullopt : std::optional(r.error());
}

class Fixture : public ::testing::TestWithParam<std::string> {};

TEST_P(Fixture, ParsesOrRejectsWithPath) {
  const std::string& rel = GetParam();
  auto err = parse_fixture(rel);
  bool bad = rel.find("/bad/") != std::string::npos;
  if (!bad) {
    EXPECT_FALSE(err.has_value()) << rel << ": " << err->str();
    return;
  }
  auto it = bad_table().find(rel);
  ASSERT_NE(it, bad_table().end())
      << "bad fixture " << rel << " missing from the expectation table";
  ASSERT_TRUE(err.has_value()) << rel << " was accepted";
  const BadExpectation& e = it->second;
  if (std::string(e.path).empty()) {
    EXPECT_EQ(err->path, "") << err->str();
  } else {
    EXPECT_NE(err->path.find(e.path), std::string::npos) << "got: " << err->str();
  }
  EXPECT_NE(err->message.find(e.message), std::string::npos) << "got: " << err->str();
}

INSTANTIATE_TEST_SUITE_P(All, Fixture, ::testing::ValuesIn(all_fixtures()),
                         [](const auto& info) { return test::test_name(info.param); });

TEST(FixtureTable, EveryEntryHasAFile) {
  auto files = all_fixtures();
  for (const auto& [rel, exp] : bad_table()) {
    EXPECT_NE(std::find(files.begin(), files.end(), rel), files.end()) << rel;
  }
}

}  // namespace
