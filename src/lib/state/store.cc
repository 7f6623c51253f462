#include "state/store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>

#include "base/file.h"
#include "state/id.h"

namespace berth::state {
namespace {

auto not_exist() { return BERTH_ERR(ENOENT, "container does not exist"); }

Result<void> write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return BERTH_SYS("write %s", Store::kTempFile);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<void> flock_fd(int fd, int op) {
  while (::flock(fd, op) < 0) {
    if (errno != EINTR) return BERTH_SYS("flock");
  }
  return {};
}

// A directory that has been rmdir()ed still works as an fd but has no links; writing
// into it fails later with a less clear ENOENT, so check right after locking.
bool removed(int fd) {
  struct stat st;
  return ::fstat(fd, &st) == 0 && st.st_nlink == 0;
}

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

// Entry names of the directory at dir_fd (without "." and ".."), with their d_type.
Result<std::vector<std::pair<std::string, unsigned char>>> read_dir(int dir_fd) {
  // fdopendir takes ownership of its fd, and O_PATH fds cannot be read, so open afresh.
  int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return BERTH_SYS("open directory");
  std::unique_ptr<DIR, DirCloser> d(::fdopendir(fd));
  if (!d) {
    auto e = BERTH_SYS("fdopendir");
    ::close(fd);
    return e;
  }
  std::vector<std::pair<std::string, unsigned char>> out;
  for (;;) {
    errno = 0;
    struct dirent* de = ::readdir(d.get());
    if (de == nullptr) {
      if (errno != 0) return BERTH_SYS("readdir");
      break;
    }
    std::string_view name = de->d_name;
    if (name == "." || name == "..") continue;
    out.emplace_back(std::string(name), de->d_type);
  }
  return out;
}

}  // namespace

Result<Store> Store::open(const std::string& root) {
  if (root.empty()) return BERTH_ERR(EINVAL, "state root must not be empty");
  BERTH_TRY(mkdir_p(root, 0700));
  UniqueFd fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return BERTH_SYS("open state root %s", root.c_str());
  return Store(root, std::move(fd));
}

Result<UniqueFd> Store::open_dir(std::string_view id) {
  BERTH_TRY(validate_id(id));
  std::string name(id);
  // O_NOFOLLOW: a symlink planted at <root>/<id> must not redirect us elsewhere.
  UniqueFd fd(::openat(root_fd_.get(), name.c_str(),
                       O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd) {
    if (errno == ENOENT) return not_exist();
    return BERTH_SYS("open %s/%s", root_.c_str(), name.c_str());
  }
  return fd;
}

Result<void> Store::write_state(int dir_fd, const Record& r, bool exclusive) {
  std::string json = to_json(r);
  {
    // A fixed temp name is safe because writers hold the exclusive I/O lock; O_TRUNC
    // reuses whatever a killed writer left behind.
    UniqueFd fd(::openat(dir_fd, kTempFile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                         0600));
    if (!fd) return BERTH_SYS("create %s", kTempFile);
    BERTH_TRY(write_all(fd.get(), json));
    // Without fsync before rename, a power loss can leave a renamed but empty file.
    if (::fsync(fd.get()) < 0) return BERTH_SYS("fsync %s", kTempFile);
  }
  if (exclusive) {
    // linkat fails with EEXIST instead of replacing: O_EXCL semantics, but atomic.
    if (::linkat(dir_fd, kTempFile, dir_fd, kStateFile, 0) < 0) {
      auto e = BERTH_SYS("link %s", kStateFile);
      ::unlinkat(dir_fd, kTempFile, 0);
      return e;
    }
    ::unlinkat(dir_fd, kTempFile, 0);
  } else if (::renameat(dir_fd, kTempFile, dir_fd, kStateFile) < 0) {
    return BERTH_SYS("rename %s", kStateFile);
  }
  // Makes the rename itself durable.
  if (::fsync(dir_fd) < 0) return BERTH_SYS("fsync container directory");
  return {};
}

Result<void> Store::create(const Record& r) {
  BERTH_TRY(validate_id(r.id));
  if (auto bad = record_utf8_error(r); !bad.empty())
    return BERTH_ERR(EINVAL, "container %s: %s is not valid UTF-8", r.id.c_str(), bad.c_str());
  if (::mkdirat(root_fd_.get(), r.id.c_str(), 0711) < 0) {
    if (errno == EEXIST) return BERTH_ERR(EEXIST, "container with id exists: %s", r.id.c_str());
    return BERTH_SYS("mkdir %s/%s", root_.c_str(), r.id.c_str());
  }
  auto written = [&]() -> Result<void> {
    BERTH_TRY_ASSIGN(UniqueFd dir, open_dir(r.id));
    // mkdirat's mode is filtered by the umask; the container's init (maybe not root) must
    // be able to reach exec.fifo, hence exactly 0711.
    if (::fchmod(dir.get(), 0711) < 0) return BERTH_SYS("chmod %s/%s", root_.c_str(), r.id.c_str());
    BERTH_TRY(flock_fd(dir.get(), LOCK_EX));
    BERTH_TRY(write_state(dir.get(), r, /*exclusive=*/true));
    // The new directory entry in root must be durable too.
    UniqueFd root(::openat(root_fd_.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (root) ::fsync(root.get());
    return {};
  }();
  if (!written) {
    // Leave no half-created container behind, so that the same id can be retried.
    if (auto dir = open_dir(r.id)) {
      ::unlinkat(dir->get(), kTempFile, 0);
      ::unlinkat(dir->get(), kStateFile, 0);
    }
    ::unlinkat(root_fd_.get(), r.id.c_str(), AT_REMOVEDIR);
    written.error().wrap("create " + r.id);
    return written;
  }
  return {};
}

Result<Record> Store::load(std::string_view id) {
  BERTH_TRY_ASSIGN(UniqueFd dir, open_dir(id));
  // Readers would be safe without a lock (save renames atomically); the shared lock
  // makes load wait for an in-flight remove() instead of seeing a half-emptied directory.
  BERTH_TRY(flock_fd(dir.get(), LOCK_SH));
  auto text = read_file(kStateFile, dir.get());
  if (!text) {
    if (text.error().code() == ENOENT) return not_exist();
    text.error().wrap("load " + std::string(id));
    return fail(text.error());
  }
  auto rec = from_json(*text);
  if (!rec) {
    rec.error().wrap("load " + std::string(id));
    return rec;
  }
  if (rec->id != id)
    return BERTH_ERR(EINVAL, "load %.*s: state.json belongs to container \"%s\"",
                     static_cast<int>(id.size()), id.data(), rec->id.c_str());
  return rec;
}

Result<void> Store::save(const Record& r) {
  BERTH_TRY(validate_id(r.id));
  if (auto bad = record_utf8_error(r); !bad.empty())
    return BERTH_ERR(EINVAL, "container %s: %s is not valid UTF-8", r.id.c_str(), bad.c_str());
  BERTH_TRY_ASSIGN(UniqueFd dir, open_dir(r.id));
  BERTH_TRY(flock_fd(dir.get(), LOCK_EX));
  if (removed(dir.get())) return not_exist();
  // A save must not resurrect state.json in a directory that remove() is emptying or
  // that create() has not finished: only replace an existing record.
  struct stat st;
  if (::fstatat(dir.get(), kStateFile, &st, AT_SYMLINK_NOFOLLOW) < 0) return not_exist();
  if (auto w = write_state(dir.get(), r, /*exclusive=*/false); !w) {
    w.error().wrap("save " + r.id);
    return w;
  }
  return {};
}

Result<Lock> Store::lock(std::string_view id) {
  // Retried because the container can be removed (and even re-created under the same
  // id) while we wait; the lock must end up on the *current* directory's .lock.
  for (int attempt = 0; attempt < 3; ++attempt) {
    BERTH_TRY_ASSIGN(UniqueFd dir, open_dir(id));
    UniqueFd fd(::openat(dir.get(), kLockFile, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd) {
      // ENOENT: the directory was removed after we opened it.
      if (errno == ENOENT) continue;
      return BERTH_SYS("open %s/%.*s/%s", root_.c_str(), static_cast<int>(id.size()), id.data(),
                       kLockFile);
    }
    BERTH_TRY(flock_fd(fd.get(), LOCK_EX));
    // remove() unlinks .lock: a lock on an unlinked file protects nothing.
    if (removed(fd.get())) continue;
    return Lock(std::move(fd), std::string(id));
  }
  return not_exist();
}

Result<void> Store::remove(std::string_view id) {
  BERTH_TRY_ASSIGN(UniqueFd dir, open_dir(id));
  std::string name(id);
  // Exclusive I/O lock: no save() is half-way through writing the temp file while we
  // empty the directory.
  BERTH_TRY(flock_fd(dir.get(), LOCK_EX));
  if (removed(dir.get())) return not_exist();
  BERTH_TRY_ASSIGN(auto entries, read_dir(dir.get()));
  // state.json first: from then on load() and list() treat the container as gone, even if
  // a later step fails.
  std::stable_partition(entries.begin(), entries.end(),
                        [](const auto& e) { return e.first == kStateFile; });
  for (const auto& [entry, type] : entries) {
    bool is_dir = type == DT_DIR;
    if (type == DT_UNKNOWN) {
      struct stat st;
      is_dir = ::fstatat(dir.get(), entry.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
               S_ISDIR(st.st_mode);
    }
    // Subdirectories are only rmdir()ed: EBUSY (a mount) or ENOTEMPTY stops us rather
    // than deleting through into someone's filesystem.
    if (::unlinkat(dir.get(), entry.c_str(), is_dir ? AT_REMOVEDIR : 0) < 0 && errno != ENOENT)
      return BERTH_SYS("remove %s/%s: unexpected entry %s", root_.c_str(), name.c_str(),
                       entry.c_str());
  }
  if (::unlinkat(root_fd_.get(), name.c_str(), AT_REMOVEDIR) < 0)
    return BERTH_SYS("remove %s/%s", root_.c_str(), name.c_str());
  return {};
}

Result<std::vector<std::string>> Store::list() {
  BERTH_TRY_ASSIGN(auto entries, read_dir(root_fd_.get()));
  std::vector<std::string> ids;
  for (const auto& [name, type] : entries) {
    if (!validate_id(name)) continue;  // not ours (editor swap files, lost+found...)
    if (type != DT_DIR && type != DT_UNKNOWN) continue;
    std::string state = name + "/" + kStateFile;
    struct stat st;
    if (::fstatat(root_fd_.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0 ||
        !S_ISDIR(st.st_mode))
      continue;
    if (::fstatat(root_fd_.get(), state.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0 ||
        !S_ISREG(st.st_mode))
      continue;
    ids.push_back(name);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace berth::state
