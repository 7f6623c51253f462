// Tests for the cgroup v2 device filter: rule translation, the assembled program (decoded and
// run in a small interpreter of the instructions we emit), and real enforcement by the kernel
// on this host's cgroup2 mount (as root).
#include "cgroups/devices_bpf.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/magic.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace berth::cgroups {
namespace {

// ---------------------------------------------------------------- helpers

DeviceRule R(bool allow, char type, int64_t major, int64_t minor, const char* acc) {
  DeviceRule d;
  d.allow = allow;
  d.type = type;
  d.major = major;
  d.minor = minor;
  d.r = std::strchr(acc, 'r') != nullptr;
  d.w = std::strchr(acc, 'w') != nullptr;
  d.m = std::strchr(acc, 'm') != nullptr;
  return d;
}
const DeviceRule kDenyAll = R(false, 'a', -1, -1, "rwm");

oci::DeviceCgroup D(bool allow, std::optional<std::string> type, std::optional<int64_t> major,
                    std::optional<int64_t> minor, std::optional<std::string> access) {
  oci::DeviceCgroup d;
  d.allow = allow;
  d.type = std::move(type);
  d.major = major;
  d.minor = minor;
  d.access = std::move(access);
  return d;
}

// Interpreter for exactly the instruction forms assemble_device_program emits. Anything else
// is a test failure, so a change in the emitted forms has to come with a change here.
int run(const std::vector<bpf_insn>& p, uint32_t type, uint32_t access, uint32_t major,
        uint32_t minor) {
  bpf_cgroup_dev_ctx ctx{(access << 16) | type, major, minor};
  uint64_t r[11] = {};
  std::size_t pc = 0;
  for (int steps = 0; steps < 100000 && pc < p.size(); ++steps) {
    const bpf_insn& i = p[pc++];
    uint64_t imm64 = static_cast<uint64_t>(static_cast<int64_t>(i.imm));
    switch (i.code) {
      case BPF_LDX | BPF_W | BPF_MEM: {
        EXPECT_EQ(i.src_reg, BPF_REG_1);
        uint32_t v;
        std::memcpy(&v, reinterpret_cast<const char*>(&ctx) + i.off, 4);
        r[i.dst_reg] = v;
        break;
      }
      case BPF_ALU64 | BPF_AND | BPF_K: r[i.dst_reg] &= imm64; break;
      case BPF_ALU64 | BPF_RSH | BPF_K: r[i.dst_reg] >>= i.imm; break;
      case BPF_ALU64 | BPF_MOV | BPF_K: r[i.dst_reg] = imm64; break;
      case BPF_JMP | BPF_JNE | BPF_K: if (r[i.dst_reg] != imm64) pc += i.off; break;
      case BPF_JMP | BPF_JEQ | BPF_K: if (r[i.dst_reg] == imm64) pc += i.off; break;
      case BPF_JMP | BPF_JSET | BPF_K: if (r[i.dst_reg] & imm64) pc += i.off; break;
      case BPF_JMP32 | BPF_JNE | BPF_K:
        if (static_cast<uint32_t>(r[i.dst_reg]) != static_cast<uint32_t>(i.imm)) pc += i.off;
        break;
      case BPF_JMP | BPF_JA: pc += i.off; break;
      case BPF_JMP | BPF_EXIT: return static_cast<int>(r[0]);
      default: ADD_FAILURE() << "unexpected opcode " << int(i.code) << " at " << pc - 1; return -1;
    }
  }
  ADD_FAILURE() << "fell off the program";
  return -1;
}
constexpr uint32_t C = BPF_DEVCG_DEV_CHAR, B = BPF_DEVCG_DEV_BLOCK;
constexpr uint32_t RD = BPF_DEVCG_ACC_READ, WR = BPF_DEVCG_ACC_WRITE, MK = BPF_DEVCG_ACC_MKNOD;

// ---------------------------------------------------------------- device_rules

TEST(DeviceRules, TranslatesAndNormalises) {
  std::vector<oci::DeviceCgroup> spec = {
      D(false, std::nullopt, std::nullopt, std::nullopt, "rwm"),
      D(true, "c", 10, 229, "rw"),
      D(true, "b", 8, std::nullopt, "r"),
      D(true, "c", -1, 3, std::nullopt),   // -1 = any; access unset = rwm
      D(false, "a", 4, 5, "r"),           // 'a' is a reset whatever else it says
  };
  auto r = device_rules(spec, false);
  ASSERT_TRUE(r) << r.error().what();
  ASSERT_EQ(r->size(), 5u);
  EXPECT_EQ((*r)[0], kDenyAll);
  EXPECT_EQ((*r)[1], R(true, 'c', 10, 229, "rw"));
  EXPECT_EQ((*r)[2], R(true, 'b', 8, -1, "r"));
  EXPECT_EQ((*r)[3], R(true, 'c', -1, 3, "rwm"));
  EXPECT_EQ((*r)[4], kDenyAll);
}

TEST(DeviceRules, Errors) {
  auto err = [](oci::DeviceCgroup d) {
    std::vector<oci::DeviceCgroup> spec = {D(false, std::nullopt, std::nullopt, std::nullopt, "rwm"),
                                           D(true, "c", 1, 3, "rw"), std::move(d)};
    auto r = device_rules(spec, true);
    EXPECT_FALSE(r);
    return r ? std::string() : r.error().str();
  };
  EXPECT_EQ(err(D(true, "c", 1, 3, "rwx")),
            "linux.resources.devices[2].access: unknown permission 'x' in \"rwx\" (a composition "
            "of r, w and m)");
  EXPECT_NE(err(D(true, "c", 1, 3, "rr")).find("devices[2].access: repeated permission 'r'"),
            std::string::npos);
  EXPECT_NE(err(D(true, "c", 1, 3, "")).find("devices[2].access: must not be empty"),
            std::string::npos);
  EXPECT_NE(err(D(true, "p", 1, 3, "r")).find("devices[2].type: unknown device type \"p\""),
            std::string::npos);
  EXPECT_NE(err(D(true, "c", -2, 3, "r")).find("devices[2].major: -2 out of range"),
            std::string::npos);
  EXPECT_NE(err(D(true, "c", 1, int64_t{1} << 32, "r")).find("devices[2].minor: 4294967296"),
            std::string::npos);
  auto ok = device_rules(std::vector<oci::DeviceCgroup>{D(true, "c", 1, 3, "rw")}, false);
  EXPECT_TRUE(ok);
}

TEST(DeviceRules, DefaultsAppendedAfterUserRules) {
  const auto& defs = default_device_rules();
  ASSERT_EQ(defs.size(), 12u);
  EXPECT_EQ(defs[0], R(true, 'c', -1, -1, "m"));
  EXPECT_EQ(defs[1], R(true, 'b', -1, -1, "m"));
  for (auto [maj, min] : std::vector<std::pair<int, int>>{
           {1, 3}, {1, 8}, {1, 7}, {5, 0}, {1, 5}, {1, 9}, {5, 1}, {136, -1}, {5, 2}, {10, 200}}) {
    bool found = false;
    for (const auto& d : defs) found |= d == R(true, 'c', maj, min, "rwm");
    EXPECT_TRUE(found) << maj << ":" << min;
  }
  std::vector<oci::DeviceCgroup> spec = {D(false, std::nullopt, std::nullopt, std::nullopt, "rwm")};
  auto r = device_rules(spec, true);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 13u);
  EXPECT_EQ((*r)[0], kDenyAll);
  EXPECT_EQ((*r)[12], R(true, 'c', 10, 200, "rwm"));
  auto none = device_rules(std::nullopt, false);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto only_defaults = device_rules(std::nullopt, true);
  ASSERT_TRUE(only_defaults);
  EXPECT_EQ(*only_defaults, defs);
}

// ---------------------------------------------------------------- assembler

TEST(Assemble, LayoutAndDecoding) {
  auto p = assemble_device_program(
      {kDenyAll, R(true, 'c', 1, 3, "rw"), R(true, 'c', 1, 5, "r")});
  // 6 prologue + 2 rules x (3 matchers + 4 verdict) + final verdict (deny-all ends the walk).
  ASSERT_EQ(p.size(), 22u);
  EXPECT_EQ(p[0].code, BPF_LDX | BPF_W | BPF_MEM);
  EXPECT_EQ(p[0].dst_reg, BPF_REG_2);
  EXPECT_EQ(p[0].src_reg, BPF_REG_1);
  EXPECT_EQ(p[4].off, offsetof(bpf_cgroup_dev_ctx, major));
  // Last rule first: c 1:5 r.
  EXPECT_EQ(p[6].code, BPF_JMP | BPF_JNE | BPF_K);
  EXPECT_EQ(p[6].imm, BPF_DEVCG_DEV_CHAR);
  EXPECT_EQ(p[6].off, 6);  // to the first instruction of the next rule
  EXPECT_EQ(p[7].code, BPF_JMP32 | BPF_JNE | BPF_K);
  EXPECT_EQ(p[7].dst_reg, BPF_REG_4);
  EXPECT_EQ(p[7].imm, 1);
  EXPECT_EQ(p[8].dst_reg, BPF_REG_5);
  EXPECT_EQ(p[8].imm, 5);
  EXPECT_EQ(p[9].code, BPF_ALU64 | BPF_AND | BPF_K);
  EXPECT_EQ(p[9].imm, int(WR | MK));  // clears the read bit
  EXPECT_EQ(p[11].code, BPF_ALU64 | BPF_MOV | BPF_K);
  EXPECT_EQ(p[11].imm, 1);
  EXPECT_EQ(p[12].code, BPF_JMP | BPF_EXIT);
  EXPECT_EQ(p[15].imm, 3);  // then c 1:3
  EXPECT_EQ(p[20].code, BPF_ALU64 | BPF_MOV | BPF_K);
  EXPECT_EQ(p[20].imm, 0);  // default deny
  EXPECT_EQ(p[21].code, BPF_JMP | BPF_EXIT);

  EXPECT_EQ(assemble_device_program({}).size(), 8u);
  // Rules before a reset are dead and not emitted.
  EXPECT_EQ(assemble_device_program({R(true, 'c', 1, 3, "rw"), kDenyAll}).size(), 8u);
  // No matcher for wildcards.
  EXPECT_EQ(assemble_device_program({R(false, 'a', -1, -1, "w")}).size(), 6u + 4 + 2);
}

TEST(Assemble, LastMatchWinsPerBit) {
  auto p = assemble_device_program(
      {kDenyAll, R(true, 'c', 1, 3, "rw"), R(true, 'c', 1, 5, "r")});
  EXPECT_EQ(run(p, C, RD | WR, 1, 3), 1);
  EXPECT_EQ(run(p, C, MK, 1, 3), 0);
  EXPECT_EQ(run(p, C, RD, 1, 5), 1);
  EXPECT_EQ(run(p, C, WR, 1, 5), 0);
  EXPECT_EQ(run(p, C, RD | WR, 1, 5), 0);  // read alone is allowed, read+write is not
  EXPECT_EQ(run(p, B, RD, 1, 3), 0);       // type matters
  EXPECT_EQ(run(p, C, RD, 1, 7), 0);

  // A later deny overrides an earlier allow, only for its bits.
  p = assemble_device_program({kDenyAll, R(true, 'c', 1, 3, "rwm"), R(false, 'c', 1, 3, "w")});
  EXPECT_EQ(run(p, C, RD, 1, 3), 1);
  EXPECT_EQ(run(p, C, MK, 1, 3), 1);
  EXPECT_EQ(run(p, C, WR, 1, 3), 0);
  EXPECT_EQ(run(p, C, RD | WR, 1, 3), 0);
  // And a later allow overrides an earlier deny.
  p = assemble_device_program(
      {kDenyAll, R(false, 'c', 1, -1, "rwm"), R(true, 'c', -1, 3, "w"), R(true, 'c', 1, 3, "r")});
  EXPECT_EQ(run(p, C, RD | WR, 1, 3), 1);  // bits decided by two different rules
  EXPECT_EQ(run(p, C, MK | RD, 1, 3), 0);  // m falls through to the deny of 1:*
  EXPECT_EQ(run(p, C, WR, 7, 3), 1);
  // Allow-all reset, then exceptions.
  p = assemble_device_program({R(true, 'a', -1, -1, "rwm"), R(false, 'b', -1, -1, "rw")});
  EXPECT_EQ(run(p, B, RD, 8, 0), 0);
  EXPECT_EQ(run(p, B, MK, 8, 0), 1);
  EXPECT_EQ(run(p, C, RD | WR, 4, 1), 1);
  // No reset at all: default deny.
  p = assemble_device_program({R(true, 'c', 1, 3, "r")});
  EXPECT_EQ(run(p, C, RD, 1, 3), 1);
  EXPECT_EQ(run(p, C, RD, 1, 4), 0);
  // Majors/minors at the top of the u32 range compare correctly (JMP32).
  p = assemble_device_program({R(true, 'c', 0xfffffffe, 0x80000000, "r")});
  EXPECT_EQ(run(p, C, RD, 0xfffffffe, 0x80000000), 1);
  EXPECT_EQ(run(p, C, RD, 0xfffffffe, 0), 0);
}

TEST(Assemble, DefaultsAgainstTheInterpreter) {
  std::vector<oci::DeviceCgroup> spec = {D(false, std::nullopt, std::nullopt, std::nullopt, "rwm")};
  auto rules = device_rules(spec, true);
  ASSERT_TRUE(rules);
  auto p = assemble_device_program(*rules);
  EXPECT_EQ(run(p, C, RD | WR, 1, 3), 1);
  EXPECT_EQ(run(p, C, RD | WR, 136, 42), 1);
  EXPECT_EQ(run(p, C, RD | WR, 10, 200), 1);
  EXPECT_EQ(run(p, C, RD | WR, 5, 1), 1);
  EXPECT_EQ(run(p, B, MK, 8, 0), 1);  // mknod of anything, as runc
  EXPECT_EQ(run(p, B, RD, 8, 0), 0);
  EXPECT_EQ(run(p, C, RD, 10, 229), 0);
}

// ---------------------------------------------------------------- kernel

constexpr const char* kCgroup2 = "/sys/fs/cgroup/unified";

bool have_cgroup2() {
  struct statfs s;
  return ::geteuid() == 0 && ::statfs(kCgroup2, &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

TEST(Kernel, LoadSucceeds) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  std::vector<oci::DeviceCgroup> spec = {D(false, std::nullopt, std::nullopt, std::nullopt, "rwm")};
  auto rules = device_rules(spec, true);
  ASSERT_TRUE(rules);
  auto fd = load_device_program(assemble_device_program(*rules));
  ASSERT_TRUE(fd) << fd.error().what();
  EXPECT_GE(fd->get(), 0);
  EXPECT_TRUE(::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC);
  auto empty = load_device_program(assemble_device_program({}));
  EXPECT_TRUE(empty) << empty.error().what();
}

TEST(Kernel, VerifierRejectionCarriesLog) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  // Reads r0 before writing it: the verifier refuses ("R0 !read_ok").
  std::vector<bpf_insn> bad(1);
  bad[0].code = BPF_JMP | BPF_EXIT;
  auto fd = load_device_program(bad);
  ASSERT_FALSE(fd);
  EXPECT_NE(fd.error().str().find("verifier:"), std::string::npos) << fd.error().what();
  EXPECT_NE(fd.error().str().find("R0"), std::string::npos) << fd.error().what();
}

enum class Op { Open, Mknod };
struct Try {
  Op op;
  const char* path;  // for Mknod: a name inside the scratch directory
  int flags = 0;
  unsigned major = 0, minor = 0;
};
Try open_(const char* p, int flags) { return {Op::Open, p, flags}; }
Try mknod_(const char* name, unsigned maj, unsigned min) { return {Op::Mknod, name, 0, maj, min}; }

class Enforcement : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_cgroup2()) GTEST_SKIP() << "needs root and cgroup2 at " << kCgroup2;
    static int n = 0;
    cg_ = std::string(kCgroup2) + "/berth-test-" + std::to_string(::getpid()) + "-" +
          std::to_string(n++);
    ASSERT_EQ(::mkdir(cg_.c_str(), 0755), 0) << cg_ << ": " << std::strerror(errno);
    dirfd_ = UniqueFd(::open(cg_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(dirfd_);
    char tmpl[] = "/tmp/berth-devtest-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    scratch_ = tmpl;
  }
  void TearDown() override {
    dirfd_.reset();
    if (!cg_.empty()) {
      // The children have exited; an exited task can linger in the cgroup for a moment.
      int rc = -1;
      for (int i = 0; i < 100 && (rc = ::rmdir(cg_.c_str())) != 0 && errno == EBUSY; ++i)
        ::usleep(10000);
      EXPECT_EQ(rc, 0) << "rmdir " << cg_ << ": " << std::strerror(errno);
    }
    if (!scratch_.empty()) {
      for (const char* n : {"n1", "n2", "n3", "n4"}) ::unlink((scratch_ + "/" + n).c_str());
      ::rmdir(scratch_.c_str());
    }
  }

  UniqueFd attach(const std::vector<DeviceRule>& rules) {
    auto fd = load_device_program(assemble_device_program(rules));
    EXPECT_TRUE(fd) << fd.error().what();
    if (!fd) return {};
    auto a = attach_device_program(dirfd_.get(), fd->get());
    EXPECT_TRUE(a) << a.error().what();
    return std::move(*fd);
  }

  // Forks a child that moves itself into the test cgroup, tries each operation and reports
  // 0 or the errno of each; then it moves back to the root cgroup and exits.
  std::vector<int> attempt(const std::vector<Try>& tries) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) return {};
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(p[0]);
      std::vector<int> res(tries.size(), -1);
      std::string me = std::to_string(::getpid());
      int procs = ::open((cg_ + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
      if (procs < 0 || ::write(procs, me.data(), me.size()) != ssize_t(me.size())) ::_exit(2);
      ::close(procs);
      for (std::size_t i = 0; i < tries.size(); ++i) {
        const Try& t = tries[i];
        if (t.op == Op::Open) {
          int fd = ::open(t.path, t.flags | O_CLOEXEC);
          res[i] = fd >= 0 ? 0 : errno;
          if (fd >= 0) ::close(fd);
        } else {
          std::string path = scratch_ + "/" + t.path;
          int rc = ::mknod(path.c_str(), S_IFCHR | 0600, ::makedev(t.major, t.minor));
          res[i] = rc == 0 ? 0 : errno;
          ::unlink(path.c_str());
        }
      }
      int root = ::open((std::string(kCgroup2) + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC);
      if (root >= 0) (void)!::write(root, me.data(), me.size());
      ssize_t want = static_cast<ssize_t>(res.size() * sizeof(int));
      ::_exit(::write(p[1], res.data(), want) == want ? 0 : 3);
    }
    ::close(p[1]);
    std::vector<int> res(tries.size(), -1);
    ssize_t got = ::read(p[0], res.data(), res.size() * sizeof(int));
    ::close(p[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
    EXPECT_EQ(got, static_cast<ssize_t>(res.size() * sizeof(int)));
    return res;
  }

  std::string cg_, scratch_;
  UniqueFd dirfd_;
};

TEST_F(Enforcement, AllowListIsEnforced) {
  // Sanity: outside the cgroup all of these work, so the EPERMs below come from our filter.
  std::vector<Try> tries = {open_("/dev/null", O_RDWR), open_("/dev/zero", O_RDONLY),
                            open_("/dev/zero", O_WRONLY), mknod_("n1", 1, 7),
                            open_("/dev/full", O_RDONLY)};
  EXPECT_EQ(attempt(tries), (std::vector<int>{0, 0, 0, 0, 0}));

  auto fd = attach({kDenyAll, R(true, 'c', 1, 3, "rw"), R(true, 'c', 1, 5, "r")});
  EXPECT_EQ(attempt(tries), (std::vector<int>{0, 0, EPERM, EPERM, EPERM}));
  auto ids = attached_device_programs(dirfd_.get());
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->size(), 1u);
}

TEST_F(Enforcement, WildcardMknod) {
  auto fd = attach({kDenyAll, R(true, 'c', -1, -1, "m")});
  EXPECT_EQ(attempt({mknod_("n1", 1, 7), mknod_("n2", 4, 64), open_("/dev/null", O_RDONLY)}),
            (std::vector<int>{0, 0, EPERM}));
}

TEST_F(Enforcement, LaterDenyOverridesEarlierAllow) {
  auto fd = attach({kDenyAll, R(true, 'c', 1, 3, "rwm"), R(false, 'c', 1, 3, "w")});
  EXPECT_EQ(attempt({open_("/dev/null", O_RDONLY), open_("/dev/null", O_WRONLY),
                     open_("/dev/null", O_RDWR), mknod_("n1", 1, 3)}),
            (std::vector<int>{0, EPERM, EPERM, 0}));
}

TEST_F(Enforcement, DefaultRules) {
  std::vector<oci::DeviceCgroup> spec = {D(false, std::nullopt, std::nullopt, std::nullopt, "rwm")};
  auto rules = device_rules(spec, true);
  ASSERT_TRUE(rules);
  auto fd = attach(*rules);
  EXPECT_EQ(attempt({open_("/dev/full", O_RDWR), open_("/dev/urandom", O_RDONLY),
                     mknod_("n1", 4, 64), open_("/dev/kmsg", O_RDONLY)}),
            (std::vector<int>{0, 0, 0, EPERM}));
}

TEST_F(Enforcement, SecondAttachReplacesTheFirst) {
  auto first = attach({kDenyAll, R(true, 'c', 1, 3, "rw")});
  std::vector<Try> tries = {open_("/dev/null", O_RDWR), open_("/dev/zero", O_RDONLY)};
  EXPECT_EQ(attempt(tries), (std::vector<int>{0, EPERM}));

  auto second = attach({kDenyAll, R(true, 'c', 1, 5, "r")});
  EXPECT_EQ(attempt(tries), (std::vector<int>{EPERM, 0}));

  auto ids = attached_device_programs(dirfd_.get());
  ASSERT_TRUE(ids) << ids.error().what();
  ASSERT_EQ(ids->size(), 1u);
  struct bpf_prog_info info{};
  union bpf_attr a{};
  a.info.bpf_fd = static_cast<uint32_t>(second.get());
  a.info.info_len = sizeof info;
  a.info.info = reinterpret_cast<uintptr_t>(&info);
  ASSERT_EQ(::syscall(SYS_bpf, BPF_OBJ_GET_INFO_BY_FD, &a, sizeof a), 0);
  EXPECT_EQ((*ids)[0], info.id);

  // Attaching the program that is already attached is a no-op, not an EEXIST.
  auto again = attach_device_program(dirfd_.get(), second.get());
  EXPECT_TRUE(again) << again.error().what();
  ids = attached_device_programs(dirfd_.get());
  ASSERT_TRUE(ids);
  EXPECT_EQ(ids->size(), 1u);
}

}  // namespace
}  // namespace berth::cgroups
