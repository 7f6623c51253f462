// parse_go_duration against Go's time.ParseDuration results.
#include "cgroups/duration.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace berth::cgroups {
namespace {

using std::chrono::nanoseconds;

struct Ok { const char* in; int64_t ns; };

TEST(GoDuration, Valid) {
  constexpr int64_t s = 1000000000;
  const Ok table[] = {
      {"0", 0},
      {"-0", 0},
      {"+0", 0},
      {"0s", 0},
      {"5s", 5 * s},
      {"+5s", 5 * s},
      {"-1s", -s},
      {"1m30s", 90 * s},
      {"250ms", 250000000},
      {"1.5h", 5400 * s},
      {"300us", 300000},
      {"300\xc2\xb5s", 300000},  // U+00B5 micro sign
      {"300\xce\xbcs", 300000},  // U+03BC Greek mu
      {"7ns", 7},
      {".5s", s / 2},
      {"5.s", 5 * s},
      {"1h2m3s4ms5us6ns", 3723004005006},
      {"1.000000001s", 1000000001},
      {"1.0000000001s", s},  // below ns precision is dropped
      {"9223372036854775807ns", INT64_MAX},
      {"-9223372036854775808ns", INT64_MIN},
      {"2562047h47m16.854775807s", INT64_MAX},
  };
  for (const auto& t : table) {
    auto r = parse_go_duration(t.in);
    ASSERT_TRUE(r) << t.in << ": " << r.error().what();
    EXPECT_EQ(r->count(), t.ns) << t.in;
  }
}

struct Bad { const char* in; const char* msg; };

TEST(GoDuration, Invalid) {
  const Bad table[] = {
      {"", "time: invalid duration \"\""},
      {"-", "time: invalid duration \"-\""},
      {"5", "time: missing unit in duration \"5\""},
      {"1s5", "time: missing unit in duration \"1s5\""},
      {"5d", "time: unknown unit \"d\" in duration \"5d\""},
      {"5S", "time: unknown unit \"S\" in duration \"5S\""},
      {"s", "time: invalid duration \"s\""},
      {".s", "time: invalid duration \".s\""},
      {".", "time: invalid duration \".\""},
      {" 5s", "time: invalid duration \" 5s\""},
      {"5 s", "time: unknown unit \" s\" in duration \"5 s\""},
      {"--5s", "time: invalid duration \"--5s\""},
      {"9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\""},
      {"-9223372036854775809ns", "time: invalid duration \"-9223372036854775809ns\""},
      {"3000000h", "time: invalid duration \"3000000h\""},
      {"99999999999999999999s", "time: invalid duration \"99999999999999999999s\""},
      {"9223372036854775808ns9223372036854775808ns",
       "time: invalid duration \"9223372036854775808ns9223372036854775808ns\""},
      {"5\xffs", "time: unknown unit \"\\xffs\" in duration \"5\\xffs\""},
      {"1\"s", "time: unknown unit \"\\\"s\" in duration \"1\\\"s\""},
  };
  for (const auto& t : table) {
    auto r = parse_go_duration(t.in);
    ASSERT_FALSE(r) << t.in;
    EXPECT_STREQ(r.error().what(), t.msg) << t.in;
    EXPECT_EQ(r.error().code(), EINVAL);
  }
}

}  // namespace
}  // namespace berth::cgroups
