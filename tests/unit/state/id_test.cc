#include "state/id.h"

#include <gtest/gtest.h>

#include <string>

namespace berth::state {
namespace {

TEST(ValidateId, AcceptsRuncCompatibleIds) {
  const std::string good[] = {
      "a", "Z", "0", "_", "+", "-", "...", "a..b", ".hidden", "x.", "my-container_1+2.3",
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      std::string(1024, 'x'),
  };
  for (const auto& id : good) EXPECT_TRUE(validate_id(id).has_value()) << id;
}

struct Bad {
  std::string id;
  std::string reason;  // substring expected in the message
};

TEST(ValidateId, RejectsInvalidIds) {
  const Bad bad[] = {
      {"", "must not be empty"},
      {".", "must not be \".\" or \"..\""},
      {"..", "must not be \".\" or \"..\""},
      {"a/b", "must not contain '/'"},
      {"/", "must not contain '/'"},
      {"../etc", "must not contain '/'"},
      {std::string(1025, 'x'), "longer than 1024 characters"},
      {"h\xc3\xa9llo", "invalid character 0xc3"},        // UTF-8 e-acute
      {"\xe6\x97\xa5\xe6\x9c\xac", "invalid character"},  // CJK
      {"a b", "invalid character 0x20"},
      {"a\nb", "invalid character 0x0a"},
      {std::string("a\0b", 3), "invalid character 0x00"},
      {"a:b", "invalid character 0x3a"},
      {"a*", "invalid character 0x2a"},
  };
  for (const auto& b : bad) {
    auto r = validate_id(b.id);
    ASSERT_FALSE(r.has_value()) << b.id;
    EXPECT_EQ(r.error().code(), EINVAL);
    std::string msg = r.error().str();
    EXPECT_EQ(msg.rfind("invalid container id \"", 0), 0u) << msg;
    EXPECT_NE(msg.find(b.reason), std::string::npos) << msg;
  }
}

TEST(ValidateId, MessageQuotesTheId) {
  auto r = validate_id("a/b");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().str(), "invalid container id \"a/b\": must not contain '/'");
}

TEST(ValidateId, LongIdIsShortenedInMessageButReasonSurvives) {
  auto r = validate_id(std::string(5000, 'y'));
  ASSERT_FALSE(r);
  std::string msg = r.error().str();
  EXPECT_LT(msg.size(), 200u);
  EXPECT_NE(msg.find("...\": longer than 1024 characters"), std::string::npos) << msg;
}

}  // namespace
}  // namespace berth::state
