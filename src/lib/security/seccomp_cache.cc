#include "security/seccomp_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <oci/json.h>
#include <seccomp.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include "base/log.h"
#include "base/unique_fd.h"
#include "berth_config.h"

namespace berth::security {
namespace {

constexpr std::string_view kMagic = "berth-seccomp-cache 1\n";
constexpr off_t kMaxFile = 1 << 20;  // BPF_MAXINSNS * 8 bytes plus a key: far below this

// FNV-1a: only names the file; the stored key text is what is compared.
std::string file_name(const std::string& key) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%016llx.bpf", static_cast<unsigned long long>(h));
  return buf;
}

// The cache directory, only if it is ours alone: a directory (not a symlink) owned by the
// effective uid without group/other permissions.
UniqueFd open_dir(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  struct stat st;
  if (!fd || ::fstat(fd.get(), &st) < 0 || st.st_uid != ::geteuid() || (st.st_mode & 077))
    return UniqueFd();
  return fd;
}

bool read_all(int fd, std::string& out, std::size_t n) {
  out.resize(n);
  std::size_t off = 0;
  while (off < n) {
    ssize_t r = ::read(fd, out.data() + off, n - off);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    off += static_cast<std::size_t>(r);
  }
  return true;
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t w = ::write(fd, data.data(), data.size());
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(w));
  }
  return true;
}

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

// Removes the oldest entries until fewer than kSeccompCacheMaxEntries remain.
void trim(int dfd) {
  int fd = ::openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  std::unique_ptr<DIR, DirCloser> d(::fdopendir(fd));
  if (!d) {
    ::close(fd);
    return;
  }
  std::vector<std::pair<int64_t, std::string>> entries;
  while (struct dirent* de = ::readdir(d.get())) {
    std::string_view n = de->d_name;
    if (n == "." || n == "..") continue;
    struct stat st;
    if (::fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) continue;
    entries.emplace_back(static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                         std::string(n));
  }
  if (entries.size() < kSeccompCacheMaxEntries) return;
  std::sort(entries.begin(), entries.end());
  std::size_t drop = entries.size() - kSeccompCacheMaxEntries + 1;
  for (std::size_t i = 0; i < drop; ++i) ::unlinkat(dfd, entries[i].second.c_str(), 0);
}

}  // namespace

std::string seccomp_cache_key(const oci::Seccomp& sc) {
  oci::Spec only;
  only.linux.emplace();
  only.linux->seccomp = sc;
  std::string key = oci::write_config(only, false);
  const scmp_version* v = seccomp_version();
  struct utsname u {};
  ::uname(&u);
  char tail[512];
  // libseccomp's output depends on its version and on the API level it probed from the
  // kernel; the native arch decides which architecture comes first in the program.
  // "program N" changes whenever berth changes what it adds (the ENOSYS stub is 2).
  std::snprintf(tail, sizeof tail, "\nprogram 2 libseccomp %u.%u.%u api %u native %u kernel %s %s berth %s\n",
                v->major, v->minor, v->micro, seccomp_api_get(), seccomp_arch_native(), u.release,
                u.machine, BERTH_VERSION);
  key += tail;
  return key;
}

std::optional<std::vector<sock_filter>> seccomp_cache_lookup(const std::string& dir,
                                                             const std::string& key) {
  UniqueFd dfd = open_dir(dir);
  if (!dfd) return std::nullopt;
  UniqueFd fd(::openat(dfd.get(), file_name(key).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  struct stat st;
  if (!fd || ::fstat(fd.get(), &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid() ||
      (st.st_mode & 022) || st.st_size > kMaxFile)
    return std::nullopt;
  std::string data;
  if (!read_all(fd.get(), data, static_cast<std::size_t>(st.st_size))) return std::nullopt;
  std::string head = std::string(kMagic) + std::to_string(key.size()) + "\n";
  if (data.compare(0, head.size(), head) != 0 ||
      data.compare(head.size(), key.size(), key) != 0)
    return std::nullopt;
  std::size_t at = head.size() + key.size();
  std::size_t bytes = data.size() - at;
  if (bytes == 0 || bytes % sizeof(sock_filter) != 0 || bytes / sizeof(sock_filter) > BPF_MAXINSNS)
    return std::nullopt;
  std::vector<sock_filter> prog(bytes / sizeof(sock_filter));
  std::memcpy(prog.data(), data.data() + at, bytes);
  return prog;
}

void seccomp_cache_store(const std::string& dir, const std::string& key,
                         const std::vector<sock_filter>& prog) {
  if (::mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST) return;
  UniqueFd dfd = open_dir(dir);
  if (!dfd) {
    BERTH_DEBUG("seccomp cache %s: not a private directory, not used", dir.c_str());
    return;
  }
  trim(dfd.get());
  std::string name = file_name(key);
  std::string tmp = ".tmp." + std::to_string(::getpid()) + "." + name;
  UniqueFd fd(::openat(dfd.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                       0600));
  if (!fd) return;
  std::string data = std::string(kMagic) + std::to_string(key.size()) + "\n" + key;
  data.append(reinterpret_cast<const char*>(prog.data()), prog.size() * sizeof(sock_filter));
  if (!write_all(fd.get(), data) || ::renameat(dfd.get(), tmp.c_str(), dfd.get(), name.c_str()) < 0)
    ::unlinkat(dfd.get(), tmp.c_str(), 0);
}

}  // namespace berth::security
