#include "state/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/file.h"
#include "test_util.h"

namespace berth::state {
namespace {

using testing::TempDir;

Record rec(const std::string& id) {
  Record r;
  r.id = id;
  r.bundle = "/b/" + id;
  r.rootfs = "/b/" + id + "/rootfs";
  r.created = "2026-12-01T18:00:00.5Z";
  r.status = "created";
  r.pid = 1;
  return r;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(tmp_.path().empty());
    root_ = tmp_.path() + "/run/berth";  // does not exist yet: open() must mkdir -p
    auto s = Store::open(root_);
    ASSERT_TRUE(s) << s.error().what();
    store_.emplace(std::move(*s));
  }
  Store& store() { return *store_; }
  bool exists(const std::string& rel) {
    struct stat st;
    return ::lstat((root_ + "/" + rel).c_str(), &st) == 0;
  }
  mode_t mode(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
  }

  TempDir tmp_;
  std::string root_;
  std::optional<Store> store_;
};

TEST_F(StoreTest, OpenCreatesRootPrivate) {
  EXPECT_EQ(store().root(), root_);
  EXPECT_EQ(mode(root_), 0700u);
  // Opening an existing root is fine.
  EXPECT_TRUE(Store::open(root_));
  EXPECT_FALSE(Store::open(""));
}

TEST_F(StoreTest, CreateLoadSave) {
  Record r = rec("c1");
  r.annotations["k"] = "v";
  ASSERT_TRUE(store().create(r));
  EXPECT_EQ(mode(root_ + "/c1"), 0711u);
  EXPECT_EQ(mode(root_ + "/c1/state.json"), 0600u);
  auto got = store().load("c1");
  ASSERT_TRUE(got) << got.error().what();
  EXPECT_EQ(*got, r);
  r.status = "running";
  r.pid = 99;
  ASSERT_TRUE(store().save(r));
  got = store().load("c1");
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, r);
  EXPECT_FALSE(exists("c1/.state.json.tmp"));
}

TEST_F(StoreTest, CreateTwiceSaysExists) {
  ASSERT_TRUE(store().create(rec("dup")));
  auto r = store().create(rec("dup"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), EEXIST);
  EXPECT_EQ(r.error().str(), "container with id exists: dup");
  // The first record is untouched.
  EXPECT_TRUE(store().load("dup"));
}

TEST_F(StoreTest, CreateRejectsBadIdAndInvalidUtf8) {
  auto r = store().create(rec("../x"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), EINVAL);
  Record bad = rec("u");
  bad.rootfs = "/\xff";
  r = store().create(bad);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().str().find("rootfs is not valid UTF-8"), std::string::npos);
  EXPECT_FALSE(exists("u"));  // nothing left behind
}

TEST_F(StoreTest, LoadMissingSaysDoesNotExist) {
  auto r = store().load("nope");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), ENOENT);
  EXPECT_EQ(r.error().str(), "container does not exist");
  // Directory without state.json (create interrupted): same answer.
  ASSERT_EQ(::mkdir((root_ + "/half").c_str(), 0711), 0);
  r = store().load("half");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().str(), "container does not exist");
  EXPECT_FALSE(store().save(rec("half")));
  EXPECT_FALSE(store().save(rec("nope")));
  EXPECT_EQ(store().save(rec("nope")).error().str(), "container does not exist");
  EXPECT_EQ(store().lock("nope").error().str(), "container does not exist");
  EXPECT_EQ(store().open_dir("nope").error().str(), "container does not exist");
  EXPECT_EQ(store().remove("nope").error().str(), "container does not exist");
  EXPECT_EQ(store().load("a/b").error().code(), EINVAL);
}

TEST_F(StoreTest, LoadRejectsCorruptAndForeignFiles) {
  ASSERT_TRUE(store().create(rec("c")));
  ASSERT_TRUE(write_file_atomic(root_ + "/c/state.json", "{\"id\":"));
  auto r = store().load("c");
  ASSERT_FALSE(r);
  EXPECT_EQ(std::string(r.error().what()).rfind("load c: state.json: parse error", 0), 0u)
      << r.error().what();
  ASSERT_TRUE(write_file_atomic(root_ + "/c/state.json", to_json(rec("other"))));
  r = store().load("c");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().str().find("belongs to container"), std::string::npos);
}

TEST_F(StoreTest, StaleTempFileIsIgnoredAndReused) {
  Record r = rec("t");
  ASSERT_TRUE(store().create(r));
  ASSERT_TRUE(write_file_atomic(root_ + "/t/.state.json.tmp", "{\"torn"));
  auto got = store().load("t");
  ASSERT_TRUE(got) << got.error().what();
  EXPECT_EQ(*got, r);
  r.status = "stopped";
  ASSERT_TRUE(store().save(r));
  EXPECT_FALSE(exists("t/.state.json.tmp"));
  EXPECT_EQ(store().load("t")->status, "stopped");
}

TEST_F(StoreTest, RemoveLeavesNothing) {
  ASSERT_TRUE(store().create(rec("gone")));
  {
    auto l = store().lock("gone");  // creates .lock
    ASSERT_TRUE(l);
    auto dir = store().open_dir("gone");
    ASSERT_TRUE(dir);
    ASSERT_EQ(::mkfifoat(dir->get(), Store::kExecFifo, 0622), 0);
    ASSERT_TRUE(write_file_atomic(root_ + "/gone/.state.json.tmp", "x"));
    ASSERT_EQ(::mkdirat(dir->get(), "emptydir", 0700), 0);
    // Removing while holding the lifecycle lock (what `delete` does) works.
    auto rm = store().remove("gone");
    ASSERT_TRUE(rm) << rm.error().what();
  }
  EXPECT_FALSE(exists("gone"));
  auto ids = store().list();
  ASSERT_TRUE(ids);
  EXPECT_TRUE(ids->empty());
  auto r = store().load("gone");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().str(), "container does not exist");
  // The id can be used again.
  EXPECT_TRUE(store().create(rec("gone")));
}

TEST_F(StoreTest, RemoveDoesNotRecurse) {
  ASSERT_TRUE(store().create(rec("deep")));
  ASSERT_EQ(::mkdir((root_ + "/deep/sub").c_str(), 0700), 0);
  ASSERT_TRUE(write_file_atomic(root_ + "/deep/sub/precious", "x"));
  auto rm = store().remove("deep");
  ASSERT_FALSE(rm);
  EXPECT_NE(rm.error().str().find("unexpected entry sub"), std::string::npos) << rm.error().what();
  EXPECT_TRUE(exists("deep/sub/precious"));
  // state.json went first, so the half-removed container is already invisible.
  EXPECT_FALSE(exists("deep/state.json"));
  EXPECT_EQ(store().list()->size(), 0u);
}

TEST_F(StoreTest, ListSortedOnlyContainers) {
  for (const char* id : {"zeta", "alpha", "Mid", "b.2", "b.10"})
    ASSERT_TRUE(store().create(rec(id)));
  ASSERT_EQ(::mkdir((root_ + "/no-state").c_str(), 0711), 0);
  ASSERT_TRUE(write_file_atomic(root_ + "/plainfile", "x"));
  ASSERT_EQ(::symlink((root_ + "/alpha").c_str(), (root_ + "/link").c_str()), 0);
  auto ids = store().list();
  ASSERT_TRUE(ids) << ids.error().what();
  EXPECT_EQ(*ids, (std::vector<std::string>{"Mid", "alpha", "b.10", "b.2", "zeta"}));
}

TEST_F(StoreTest, OpenDirRefusesSymlink) {
  ASSERT_TRUE(store().create(rec("real")));
  ASSERT_EQ(::symlink((root_ + "/real").c_str(), (root_ + "/fake").c_str()), 0);
  EXPECT_FALSE(store().open_dir("fake"));
  EXPECT_FALSE(store().load("fake"));
}

TEST_F(StoreTest, LoadAndSaveWhileHoldingLockDoNotDeadlock) {
  ASSERT_TRUE(store().create(rec("l")));
  ::alarm(10);  // a deadlock fails the test run instead of hanging it
  auto lk = store().lock("l");
  ASSERT_TRUE(lk) << lk.error().what();
  EXPECT_EQ(lk->id(), "l");
  auto r = store().load("l");
  ASSERT_TRUE(r);
  r->status = "running";
  EXPECT_TRUE(store().save(*r));
  EXPECT_TRUE(store().list());
  ::alarm(0);
}

// Children are forked *before* the parent locks: a forked child would share the parent's
// lock (flock belongs to the open file description) -- the documented fork() caveat.
TEST_F(StoreTest, LockIsExclusiveAcrossProcesses) {
  ASSERT_TRUE(store().create(rec("x")));
  int locked[2];
  ASSERT_EQ(::pipe(locked), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::alarm(10);
    auto s = Store::open(root_);
    char c;
    if (::read(locked[0], &c, 1) != 1) ::_exit(3);
    auto l = s->lock("x");  // blocks until the parent lets go
    if (!l) ::_exit(1);
    // The parent wrote its marker before unlocking, so we must see it.
    auto r = s->load("x");
    ::_exit(r && r->status == "parent-was-here" ? 0 : 2);
  }
  {
    auto lk = store().lock("x");
    ASSERT_TRUE(lk);
    ASSERT_EQ(::write(locked[1], "l", 1), 1);
    ::usleep(200 * 1000);  // let the child reach flock()
    Record r = rec("x");
    r.status = "parent-was-here";
    ASSERT_TRUE(store().save(r));
  }
  int status;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ::close(locked[0]);
  ::close(locked[1]);
}

TEST_F(StoreTest, LockWaiterSeesRemoval) {
  ASSERT_TRUE(store().create(rec("r")));
  int locked[2];
  ASSERT_EQ(::pipe(locked), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::alarm(10);
    auto s = Store::open(root_);
    char c;
    if (::read(locked[0], &c, 1) != 1) ::_exit(3);
    auto l = s->lock("r");
    ::_exit(!l && l.error().code() == ENOENT ? 0 : 1);
  }
  {
    auto lk = store().lock("r");
    ASSERT_TRUE(lk);
    ASSERT_EQ(::write(locked[1], "l", 1), 1);
    ::usleep(200 * 1000);
    ASSERT_TRUE(store().remove("r"));
  }
  int status;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ::close(locked[0]);
  ::close(locked[1]);
}

}  // namespace
}  // namespace berth::state
