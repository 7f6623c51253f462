// The parent <-> container-child protocol over one SOCK_SEQPACKET socketpair.
//
// Frames are fixed-size headers {type, code, len} + payload (+ optional SCM_RIGHTS fd); no
// JSON, no allocation on the child side. An error travels as kError with the Error's errno
// and text, and the child _exit()s right after sending it.
//
//   parent (berth create/run)                      child (container init)
//   ------------------------                      ----------------------
//   clone3(CLONE_NEW*) ---------------------------> join namespaces, time ns
//                       <--------------- kNsReady  (namespaces exist; /proc/<pid>/ns valid)
//   move netDevices, prestart +
//   createRuntime hooks
//   kGo ------------------------------------------>  hostname, lo up, mounts, devices,
//                                                    createContainer hooks, pivot_root,
//                                                    sysctl, console
//                       <--------------- kConsole  (pty master as SCM_RIGHTS, if terminal)
//                                                    attrs, [seccomp], identity, caps,
//                                                    no_new_privs, close fds, resolve
//                                                    args[0], [seccomp with NNP]
//   send the fd to listenerPath  <------- kSeccomp  (notify fd, if SCMP_ACT_NOTIFY)
//                       <--------------- kReady
//   write pid file, state "created", exit            open(exec.fifo, O_WRONLY) blocks
//   ... `berth start` opens exec.fifo for reading -> startContainer hooks, execve()
//
//   At any step the child may send kError instead and exit(1); the parent then reports the
//   error, kills what is left and removes everything it created.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/error.h"
#include "base/unique_fd.h"

namespace berth::sync {

// kSeccomp: the seccomp notify fd (SCM_RIGHTS), between kConsole and kReady.
enum class Msg : uint32_t { kNsReady = 1, kGo, kConsole, kReady, kError, kSeccomp };

struct Frame {
  Msg type;
  int32_t code;  // errno for kError
  uint32_t len;  // payload bytes
  char payload[Error::kMaxMessage + 1];
};

/// Creates the socketpair (both ends O_CLOEXEC).
Result<void> make_pair(UniqueFd& parent, UniqueFd& child);

/// Sends a frame; fd >= 0 is attached with SCM_RIGHTS.
Result<void> send(int sock, Msg type, std::string_view payload = {}, int fd = -1, int code = 0);
/// Sends an error frame (child side; best effort, never fails loudly).
void send_error(int sock, const Error& e);
/// Receives one frame; a received fd is stored in *fd (must be non-null if one may come).
/// EOF (the peer died) is reported as an error with code EPIPE.
Result<void> recv(int sock, Frame& frame, UniqueFd* fd = nullptr);
/// Receives and requires the given type; a kError frame is turned into its Error.
Result<void> expect(int sock, Msg type, UniqueFd* fd = nullptr);

}  // namespace berth::sync

namespace berth::sync {
/// Sends a large payload (the state JSON for in-container hooks) as one datagram.
Result<void> send_blob(int sock, std::string_view data);
/// Receives a datagram of at most max bytes.
Result<std::string> recv_blob(int sock, std::size_t max);
}  // namespace berth::sync
