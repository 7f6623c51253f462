// Shared helpers for the state tests.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace berth::state::testing {

// A fresh directory (under /tmp by default), removed recursively at the end of the test
// (tests only create plain files, fifos and empty directories in it).
class TempDir {
 public:
  explicit TempDir(const std::string& base = "/tmp") {
    std::string tmpl = base + "/berth-state-test.XXXXXX";
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace berth::state::testing
