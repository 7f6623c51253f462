// Test-only switches that turn named protections off (tests/security/README).
//
// A regression test for an escape is only worth something if it fails when the protection
// is missing. A build configured with -Dtest_unprotect=true reads BERTH_UNPROTECT (a comma
// separated list of names) and unprotected("name") answers true for the listed ones; in
// every other build unprotected() is a constant false and the protection code cannot be
// skipped. Names are listed in tests/security/README.md.
#pragma once

namespace berth {

#ifdef BERTH_TEST_UNPROTECT
/// True when BERTH_UNPROTECT names this protection (test builds only). Safe in the child
/// (no allocation: reads the environment berth was started with).
bool unprotected(const char* name);
inline constexpr bool kUnprotectBuild = true;
#else
constexpr bool unprotected(const char*) { return false; }
inline constexpr bool kUnprotectBuild = false;
#endif

}  // namespace berth
