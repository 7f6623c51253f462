// Exec through berth-exec, a tiny stub run from a sealed memfd (berth_exec.c), so that
// nothing resolving /proc/self/exe during the final exec of a container process or an
// in-container hook can reach the host berth binary (CVE-2019-5736).
//
// Everything that allocates happens in StubArgv's constructor, before the point where
// only syscalls are allowed (a hook child, the end of init); open_stub() and exec_stub()
// are plain syscalls.
#pragma once

#include <cstddef>
#include <vector>

namespace berth::process {

namespace stub {
extern const unsigned char kBytes[];  // generated: berth_exec_bytes.cc
extern const std::size_t kSize;
}  // namespace stub

/// How berth-exec reports that the exec of the program itself failed.
enum class StubReport : char {
  kNone = '-',       // stderr only
  kSyncFrame = 's',  // a kError frame on the init sync socket (process/sync.h)
  kErrnoPipe = 'e',  // the errno as a native int, the hook runner's convention
};

/// argv for berth-exec: {"berth-exec", <report>, path, argv..., nullptr}.
class StubArgv {
 public:
  StubArgv(const char* path, char* const* argv);
  /// Async-signal-safe: fills the <report> slot ("-", "s<fd>", "e<fd>").
  void set_report(StubReport how, int fd);
  char* const* data() const { return v_.data(); }

 private:
  char report_[16] = "-";
  std::vector<char*> v_;
};

/// A memfd holding berth-exec, close-on-exec, sealed against writes, resizes and
/// re-sealing. The fd is at least min_fd. -1 with errno on failure. Async-signal-safe.
int open_stub(int min_fd = 3);

/// execveat(stub_fd, "", argv, envp, AT_EMPTY_PATH) with the report fd inherited (its
/// close-on-exec flag is cleared; the stub sets it again). Returns only on failure
/// (-1, errno), with the flag restored.
int exec_stub(int stub_fd, StubArgv& argv, char* const* envp, StubReport how, int report_fd);

}  // namespace berth::process
