#include "rootfs/resolve.h"

#include "base/unprotect.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <vector>

#include "base/syscalls.h"

namespace berth::rootfs {
namespace {

bool g_force_fallback = false;
bool g_no_openat2 = false;  // set after the first ENOSYS, so we stop asking

// Linux's own limit on symlinks followed during one lookup (MAXSYMLINKS).
constexpr int kMaxSymlinks = 40;

std::string show(std::string_view p) { return p.empty() ? std::string("/") : std::string(p); }

// Path components without "" and "." (they never change the position).
void split_into(std::string_view path, std::deque<std::string>& out, bool front) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    auto c = path.substr(pos, next - pos);
    if (!c.empty() && c != ".") parts.emplace_back(c);
    pos = next + 1;
  }
  if (front)
    out.insert(out.begin(), parts.begin(), parts.end());
  else
    out.insert(out.end(), parts.begin(), parts.end());
}

enum class Create { kNone, kDirs, kFile, kOpen };

struct WalkArgs {
  Create create = Create::kNone;
  mode_t dir_mode = 0755;
  mode_t file_mode = 0644;
  int open_flags = 0;         // Create::kOpen: the caller's flags for the last component
  bool no_symlinks = false;   // any symlink is ELOOP
  bool nofollow_last = false; // the last component is not followed (O_NOFOLLOW)
};

struct Walked {
  UniqueFd fd;      // O_PATH (or opened with open_flags when `opened`)
  UniqueFd parent;  // O_PATH of the directory holding `name` (invalid for the root)
  std::string name;
  bool opened = false;
};

struct Node {
  UniqueFd fd;
  std::string name;
};

// The fallback resolver: one component at a time with O_PATH|O_NOFOLLOW, symlinks read
// and re-injected into the remaining path, ".." popping the stack of already-open
// parents (never below the root). Nothing is ever resolved by the kernel across more
// than one component, so a symlink cannot take the walk outside root_fd.
Result<Walked> walk(int root_fd, std::string_view path, const WalkArgs& a) {
  std::vector<Node> stack;
  UniqueFd root(::openat(root_fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root) return BERTH_SYS("open root");
  stack.push_back({std::move(root), ""});
  std::deque<std::string> todo;
  split_into(path, todo, false);
  int links = 0;
  while (!todo.empty()) {
    std::string comp = std::move(todo.front());
    todo.pop_front();
    if (comp == "..") {
      if (stack.size() > 1) stack.pop_back();
      continue;
    }
    const bool last = todo.empty();
    const int cur = stack.back().fd.get();
    if (last && a.create == Create::kOpen && (a.open_flags & O_EXCL)) {
      UniqueFd f(::openat(cur, comp.c_str(), a.open_flags | O_NOFOLLOW | O_CLOEXEC, a.file_mode));
      if (!f) return BERTH_SYS("open %s", show(path).c_str());
      Walked w;
      w.fd = std::move(f);
      w.opened = true;
      return w;
    }
    UniqueFd next(::openat(cur, comp.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!next) {
      // open(2)'s O_CREAT creates the last component only, never its parents.
      if (errno != ENOENT || a.create == Create::kNone || (a.create == Create::kOpen && !last))
        return BERTH_SYS("resolve %s", show(path).c_str());
      if (last && a.create == Create::kOpen) {
        UniqueFd f(::openat(cur, comp.c_str(), a.open_flags | O_NOFOLLOW | O_CLOEXEC, a.file_mode));
        if (!f) return BERTH_SYS("open %s", show(path).c_str());
        Walked w;
        w.fd = std::move(f);
        w.opened = true;
        return w;
      }
      if (last && a.create == Create::kFile) {
        UniqueFd f(::openat(cur, comp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
                            a.file_mode));
        if (!f && errno != EEXIST) return BERTH_SYS("create %s", show(path).c_str());
      } else {
        if (::mkdirat(cur, comp.c_str(), a.dir_mode) < 0 && errno != EEXIST)
          return BERTH_SYS("mkdir %s in %s", comp.c_str(), show(path).c_str());
      }
      // Re-open without following: if a symlink was raced in, it is handled below.
      next.reset(::openat(cur, comp.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC));
      if (!next) return BERTH_SYS("resolve %s", show(path).c_str());
    }
    struct stat st;
    if (::fstat(next.get(), &st) < 0) return BERTH_SYS("stat %s", show(path).c_str());
    if (S_ISLNK(st.st_mode)) {
      if (last && a.nofollow_last) {
        stack.push_back({std::move(next), std::move(comp)});
        break;
      }
      if (a.no_symlinks)
        return BERTH_ERR(ELOOP, "resolve %s: %s is a symlink", show(path).c_str(), comp.c_str());
      if (++links > kMaxSymlinks)
        return BERTH_ERR(ELOOP, "resolve %s: too many levels of symbolic links",
                         show(path).c_str());
      char buf[PATH_MAX];
      ssize_t n = ::readlinkat(next.get(), "", buf, sizeof buf);
      if (n < 0) return BERTH_SYS("readlink %s", show(path).c_str());
      if (static_cast<std::size_t>(n) >= sizeof buf)
        return BERTH_ERR(ENAMETOOLONG, "resolve %s: symlink target too long", show(path).c_str());
      std::string_view target(buf, static_cast<std::size_t>(n));
      // An absolute target restarts at the root, never at the host's "/".
      if (!target.empty() && target[0] == '/') stack.resize(1);
      split_into(target, todo, true);
      continue;
    }
    if (!last && !S_ISDIR(st.st_mode))
      return BERTH_ERR(ENOTDIR, "resolve %s: %s: Not a directory", show(path).c_str(),
                       comp.c_str());
    stack.push_back({std::move(next), std::move(comp)});
  }
  Walked w;
  w.name = std::move(stack.back().name);
  w.fd = std::move(stack.back().fd);
  stack.pop_back();
  if (!stack.empty()) w.parent = std::move(stack.back().fd);
  return w;
}

bool use_openat2() { return !g_force_fallback && !g_no_openat2; }

// openat2 with a retry on EAGAIN (a concurrent rename or mount during RESOLVE_IN_ROOT).
int openat2_retry(int dirfd, const char* path, struct open_how* how) {
  for (int i = 0; i < 32; ++i) {
    int fd = sys::openat2(dirfd, path, how);
    if (fd >= 0 || errno != EAGAIN) return fd;
  }
  return -1;
}

Result<UniqueFd> fallback_open(int root_fd, std::string_view path, int flags, mode_t mode) {
  WalkArgs a;
  a.nofollow_last = (flags & O_NOFOLLOW) != 0;
  if (flags & O_CREAT) {
    a.create = Create::kOpen;
    a.open_flags = flags;
    a.file_mode = mode;
  }
  BERTH_TRY_ASSIGN(Walked w, walk(root_fd, path, a));
  if (w.opened) return std::move(w.fd);
  struct stat st;
  if (::fstat(w.fd.get(), &st) < 0) return BERTH_SYS("stat %s", show(path).c_str());
  if ((flags & O_DIRECTORY) && !S_ISDIR(st.st_mode))
    return BERTH_ERR(ENOTDIR, "open %s: Not a directory", show(path).c_str());
  if (flags & O_PATH) return std::move(w.fd);
  if (S_ISLNK(st.st_mode))
    return BERTH_ERR(ELOOP, "open %s: is a symlink (O_NOFOLLOW)", show(path).c_str());
  // Re-open by name relative to the checked parent, never following, and make sure it is
  // still the inode we resolved (a swap in between makes this fail instead of escaping).
  const int reopen_flags = (flags & ~(O_CREAT | O_EXCL)) | O_NOFOLLOW | O_CLOEXEC;
  UniqueFd fd(w.parent ? ::openat(w.parent.get(), w.name.c_str(), reopen_flags)
                       : ::openat(w.fd.get(), ".", reopen_flags));
  if (!fd) return BERTH_SYS("open %s", show(path).c_str());
  struct stat st2;
  if (::fstat(fd.get(), &st2) < 0) return BERTH_SYS("stat %s", show(path).c_str());
  if (st2.st_dev != st.st_dev || st2.st_ino != st.st_ino)
    return BERTH_ERR(EAGAIN, "open %s: changed during resolution", show(path).c_str());
  return fd;
}

}  // namespace

Result<UniqueFd> open_in_root(int root_fd, std::string_view path, int flags, mode_t mode) {
  if (use_openat2()) {
    struct open_how how = {};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.mode = (flags & (O_CREAT | __O_TMPFILE)) ? mode : 0;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    std::string p = path.empty() ? std::string(".") : std::string(path);
    int fd = openat2_retry(root_fd, p.c_str(), &how);
    if (fd >= 0) return UniqueFd(fd);
    if (errno != ENOSYS) return BERTH_SYS("open %s", show(path).c_str());
    g_no_openat2 = true;
  }
  return fallback_open(root_fd, path, flags, mode);
}

// Test-only (BERTH_UNPROTECT=mount-dest): the naive resolution that follows symlinks with
// the host's view, as runtimes did before CVE-2021-30465; tests/security/mounts.bats must
// catch it.
Result<UniqueFd> naive_mkdir_p(int root_fd, std::string_view path, mode_t mode) {
  std::string full = "/proc/self/fd/" + std::to_string(root_fd);
  std::string rel(path);
  for (std::size_t at = 1; at <= rel.size(); ++at) {
    if (at == rel.size() || rel[at] == '/') ::mkdir((full + rel.substr(0, at)).c_str(), mode);
  }
  UniqueFd fd(::open((full + rel).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return BERTH_SYS("mkdir %s", show(path).c_str());
  return fd;
}

Result<UniqueFd> mkdir_p_in_root(int root_fd, std::string_view path, mode_t mode) {
  if (unprotected("mount-dest")) return naive_mkdir_p(root_fd, path, mode);
  WalkArgs a;
  a.create = Create::kDirs;
  a.dir_mode = mode;
  BERTH_TRY_ASSIGN(Walked w, walk(root_fd, path, a));
  struct stat st;
  if (::fstat(w.fd.get(), &st) < 0) return BERTH_SYS("stat %s", show(path).c_str());
  if (!S_ISDIR(st.st_mode))
    return BERTH_ERR(ENOTDIR, "mkdir %s: exists and is not a directory", show(path).c_str());
  return std::move(w.fd);
}

Result<UniqueFd> create_file_in_root(int root_fd, std::string_view path, mode_t mode) {
  if (unprotected("mount-dest")) {  // test-only: follows links with the host's view
    std::string full = "/proc/self/fd/" + std::to_string(root_fd) + std::string(path);
    UniqueFd fd(::open(full.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, mode));
    if (!fd) return BERTH_SYS("create %s", show(path).c_str());
    return fd;
  }
  WalkArgs a;
  a.create = Create::kFile;
  a.file_mode = mode;
  BERTH_TRY_ASSIGN(Walked w, walk(root_fd, path, a));
  return std::move(w.fd);
}

Result<UniqueFd> open_no_symlinks(int root_fd, std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  const std::string rel(path.empty() ? std::string_view(".") : path);
  if (use_openat2()) {
    struct open_how how = {};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    int fd = openat2_retry(root_fd, rel.c_str(), &how);
    if (fd >= 0) return UniqueFd(fd);
    if (errno != ENOSYS) return BERTH_SYS("open %s without symlinks", show(path).c_str());
    g_no_openat2 = true;
  }
  WalkArgs a;
  a.no_symlinks = true;
  BERTH_TRY_ASSIGN(Walked w, walk(root_fd, rel, a));
  return std::move(w.fd);
}

std::string clean_path(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    auto c = path.substr(pos, next - pos);
    pos = next + 1;
    if (c.empty() || c == ".") continue;
    if (c == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(c);
  }
  std::string out;
  for (auto c : parts) {
    out += '/';
    out += c;
  }
  return out.empty() ? std::string("/") : out;
}

namespace testing {
void force_fallback_resolver(bool on) { g_force_fallback = on; }
}  // namespace testing

}  // namespace berth::rootfs
