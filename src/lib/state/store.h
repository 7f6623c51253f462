// The state store: one directory per container under the state root (default
// /run/berth, the CLI's --root):
//
//   <root>/                 0700
//   <root>/<id>/            0711  (exec.fifo inside must be reachable by a non-root init)
//   <root>/<id>/state.json  0600  the Record, replaced atomically by save()
//   <root>/<id>/.lock       0600  the lifecycle lock file (see Lock)
//   <root>/<id>/exec.fifo         owned by the create/start code, not by this module
//
// Two kinds of lock, deliberately on different files so they never deadlock each other:
//  * I/O lock: a flock on the container directory itself, held only *inside* a Store call
//    (shared by load, exclusive by create/save/remove). It serialises writers of the
//    temp file and keeps remove() from racing a save(). Callers never see it.
//  * Lifecycle lock (Store::lock): a flock on <id>/.lock that commands hold across a
//    whole load -> check -> act -> save sequence, so two `berth kill`/`start`/`delete`
//    runs cannot interleave. load() and save() do not touch .lock, so calling them while
//    holding the Lock is always fine (no re-entrancy problem), and `berth state`/`list`
//    are never blocked by a long-running lifecycle command.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "base/unique_fd.h"
#include "state/record.h"

namespace berth::state {

/// Exclusive lifecycle lock on one container, released by the destructor (closing the
/// fd drops the flock). flock belongs to the open file description: a second lock() for
/// the same id blocks even within one process, and a fork()ed child shares the parent's
/// lock -- don't hand a Lock across fork(). The fd is O_CLOEXEC, so exec()ed processes
/// (hooks, the container) never keep it.
class Lock {
 public:
  Lock(Lock&&) noexcept = default;
  Lock& operator=(Lock&&) noexcept = default;
  const std::string& id() const { return id_; }

 private:
  friend class Store;
  Lock(UniqueFd fd, std::string id) : fd_(std::move(fd)), id_(std::move(id)) {}
  UniqueFd fd_;
  std::string id_;
};

class Store {
 public:
  static constexpr const char* kDefaultRoot = "/run/berth";

  /// mkdir -p root (mode 0700) and keeps an O_PATH directory fd of it; every later
  /// operation is relative to that fd, so a rename of the path cannot redirect them.
  static Result<Store> open(const std::string& root);

  /// Makes <root>/<id> (0711) and writes state.json. The id must be new:
  /// EEXIST -> "container with id exists: <id>". state.json is written to a temp file
  /// and linkat()ed into place, so it is created exclusively *and* atomically: nobody ever
  /// sees a half-written one, even if berth dies here. On failure the directory is removed
  /// again so the id can be retried.
  Result<void> create(const Record& r);

  /// Reads <root>/<id>/state.json under the shared I/O lock.
  /// Missing container: ENOENT, message exactly "container does not exist" (runc's text).
  /// Invalid id: EINVAL from validate_id. Corrupt file: EINVAL "load <id>: state.json: ...".
  Result<Record> load(std::string_view id);

  /// Replaces state.json atomically (temp file, fsync, renameat, fsync dir) under the
  /// exclusive I/O lock. Readers see the old or the new record, never a torn one; a
  /// writer killed mid-save leaves the old state.json and a stale temp file, which the
  /// next save truncates and reuses and load never reads. Does not take the lifecycle
  /// lock: read-modify-write sequences must hold lock(r.id) themselves, otherwise
  /// concurrent updates are lost (but never corrupted). ENOENT "container does not exist"
  /// if the container was removed.
  Result<void> save(const Record& r);

  /// Blocks until the lifecycle lock for id is held. If the container is removed while
  /// waiting, returns ENOENT "container does not exist".
  Result<Lock> lock(std::string_view id);

  /// Removes <root>/<id>: every non-directory entry (state.json, exec.fifo, .lock, temp
  /// files, anything else), then the directory. Never recurses: a subdirectory is only
  /// rmdir()ed, so a mount or a non-empty directory there makes remove fail with an error
  /// naming the entry instead of deleting through it. Safe to call while holding
  /// lock(id); waiters on that lock then get "container does not exist".
  Result<void> remove(std::string_view id);

  /// Ids of all containers (valid-id directories containing state.json), sorted. A
  /// directory without state.json (create() interrupted by a crash) is not listed.
  Result<std::vector<std::string>> list();

  /// O_RDONLY|O_DIRECTORY fd of <root>/<id> for other modules (exec.fifo lives there, and
  /// live_status takes it). ENOENT "container does not exist".
  Result<UniqueFd> open_dir(std::string_view id);

  const std::string& root() const { return root_; }

  /// Names inside <root>/<id>, for modules that place files there.
  static constexpr const char* kStateFile = "state.json";
  static constexpr const char* kTempFile = ".state.json.tmp";
  static constexpr const char* kLockFile = ".lock";
  static constexpr const char* kExecFifo = "exec.fifo";

 private:
  Store(std::string root, UniqueFd fd) : root_(std::move(root)), root_fd_(std::move(fd)) {}
  Result<void> write_state(int dir_fd, const Record& r, bool exclusive);

  std::string root_;
  UniqueFd root_fd_;  // O_PATH
};

}  // namespace berth::state
