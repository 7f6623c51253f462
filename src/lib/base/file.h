// Small file helpers used across modules. All descriptors are O_CLOEXEC.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"
#include "base/unique_fd.h"

namespace berth {

/// Reads a whole file (relative to dirfd when path is relative; AT_FDCWD for cwd).
Result<std::string> read_file(const std::string& path, int dirfd = -100 /*AT_FDCWD*/);
/// Writes data to an existing file (no create/truncate semantics beyond O_TRUNC),
/// the way sysfs/procfs/cgroupfs files want to be written: one write() call.
Result<void> write_file(const std::string& path, std::string_view data, int dirfd = -100);
/// Creates or replaces path atomically: write to a temp file in the same directory,
/// fsync, rename over the target, fsync the directory. A crash leaves old or new, never torn.
Result<void> write_file_atomic(const std::string& path, std::string_view data, int mode = 0644);
/// mkdir -p with the given mode; existing directories are fine.
Result<void> mkdir_p(const std::string& path, int mode = 0755);

}  // namespace berth
