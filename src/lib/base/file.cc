#include "base/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace berth {

Result<std::string> read_file(const std::string& path, int dirfd) {
  UniqueFd fd(::openat(dirfd, path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd) return BERTH_SYS("open %s", path.c_str());
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return BERTH_SYS("read %s", path.c_str());
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

static Result<void> write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return BERTH_SYS("write %s", path.c_str());
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

Result<void> write_file(const std::string& path, std::string_view data, int dirfd) {
  UniqueFd fd(::openat(dirfd, path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY));
  if (!fd) return BERTH_SYS("open %s", path.c_str());
  return write_all(fd.get(), data, path);
}

Result<void> write_file_atomic(const std::string& path, std::string_view data, int mode) {
  auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
    if (!fd) return BERTH_SYS("create %s", tmp.c_str());
    if (auto r = write_all(fd.get(), data, tmp); !r) {
      ::unlink(tmp.c_str());
      return r;
    }
    if (::fsync(fd.get()) < 0) {
      auto e = BERTH_SYS("fsync %s", tmp.c_str());
      ::unlink(tmp.c_str());
      return e;
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) < 0) {
    auto e = BERTH_SYS("rename %s", tmp.c_str());
    ::unlink(tmp.c_str());
    return e;
  }
  UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dfd) ::fsync(dfd.get());
  return {};
}

Result<void> mkdir_p(const std::string& path, int mode) {
  if (path.empty()) return {};
  std::string cur;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    cur = path.substr(0, next);
    pos = next + 1;
    if (cur.empty()) continue;
    if (::mkdir(cur.c_str(), static_cast<mode_t>(mode)) < 0 && errno != EEXIST)
      return BERTH_SYS("mkdir %s", cur.c_str());
  }
  struct stat st;
  if (::stat(path.c_str(), &st) < 0) return BERTH_SYS("stat %s", path.c_str());
  if (!S_ISDIR(st.st_mode)) return BERTH_ERR(ENOTDIR, "%s: not a directory", path.c_str());
  return {};
}

}  // namespace berth
