#include "cli/commands.h"

namespace berth::cli {

const std::vector<Command>& commands() {
  static const std::vector<FlagSpec> create_flags = {
      {"bundle", "b", true, "path to the root of the bundle directory (default: current directory)"},
      {"console-socket", "", true, "path to an AF_UNIX socket which will receive the pty master"},
      {"pid-file", "", true, "specify the file to write the process id to"},
      {"no-pivot", "", false, "do not use pivot root to jail process inside rootfs"},
      {"no-new-keyring", "", false, "do not create a new session keyring for the container"},
      {"preserve-fds", "", true, "pass N additional file descriptors to the container"},
  };
  static std::vector<FlagSpec> run_flags = [] {
    auto f = create_flags;
    f.push_back({"detach", "d", false, "detach from the container's process"});
    f.push_back({"keep", "", false, "do not delete the container after it exits"});
    return f;
  }();
  static const std::vector<Command> table = {
      {"create", "<container-id>", "create a container", create_flags, cmd_create, 1, 1},
      {"start", "<container-id>", "executes the user defined process in a created container", {},
       cmd_start, 1, 1},
      {"run", "<container-id>", "create and run a container", run_flags, cmd_run, 1, 1},
      {"exec", "<container-id> <command> [command options]",
       "execute new process inside the container",
       {{"console-socket", "", true, "path to an AF_UNIX socket which will receive the pty master"},
        {"cwd", "", true, "current working directory in the container"},
        {"env", "e", true, "set environment variables", true},
        {"tty", "t", false, "allocate a pseudo-TTY"},
        {"user", "u", true, "UID (format: <uid>[:<gid>])"},
        {"additional-gids", "g", true, "additional gids", true},
        {"process", "p", true, "path to the process.json"},
        {"detach", "d", false, "detach from the container's process"},
        {"pid-file", "", true, "specify the file to write the process id to"},
        {"process-label", "", true, "set the asm process label for the process commonly used with selinux"},
        {"apparmor", "", true, "set the apparmor profile for the process"},
        {"no-new-privs", "", false, "set the no new privileges value for the process"},
        {"cap", "c", true, "add a capability to the bounding set for the process", true},
        {"preserve-fds", "", true, "pass N additional file descriptors to the container"},
        {"ignore-paused", "", false, "allow exec in a paused container"}},
       cmd_exec, 1, -1},
      {"state", "<container-id>", "output the state of a container", {}, cmd_state, 1, 1},
      {"kill", "<container-id> [signal]", "kill sends the specified signal (default: SIGTERM) to the container's init process",
       {{"all", "a", false, "send the specified signal to all processes inside the container"}},
       cmd_kill, 1, 2},
      {"delete", "<container-id>", "delete any resources held by the container",
       {{"force", "f", false, "forcibly deletes the container if it is still running (uses SIGKILL)"}},
       cmd_delete, 1, 1},
      {"list", "", "lists containers started by berth with the given root",
       {{"format", "f", true, "select one of: table or json (default: \"table\")"},
        {"quiet", "q", false, "display only container IDs"}},
       cmd_list, 0, 0},
      {"pause", "<container-id>", "pause suspends all processes inside the container", {},
       cmd_pause, 1, 1},
      {"resume", "<container-id>", "resumes all processes that have been previously paused", {},
       cmd_resume, 1, 1},
      {"ps", "<container-id> [ps options]", "ps displays the processes running inside a container",
       {{"format", "f", true, "select one of: table or json (default: \"table\")"}}, cmd_ps, 1, -1},
      {"events", "<container-id>", "display container events such as OOM notifications, cpu, memory, and IO usage statistics",
       {{"interval", "", true, "set the stats collection interval (default: 5s)"},
        {"stats", "", false, "display the container's stats then exit"}},
       cmd_events, 1, 1},
      {"update", "<container-id>", "update container resource constraints",
       {{"resources", "r", true, "path to the file containing the resources to update or '-' to read from the standard input"},
        {"blkio-weight", "", true, "Specifies per cgroup weight, range is from 10 to 1000"},
        {"cpu-period", "", true, "CPU CFS period to be used for hardcapping (in usecs)"},
        {"cpu-quota", "", true, "CPU CFS hardcap limit (in usecs)"},
        {"cpu-share", "", true, "CPU shares (relative weight vs. other containers)"},
        {"cpu-rt-period", "", true, "CPU realtime period to be used for hardcapping (in usecs)"},
        {"cpu-rt-runtime", "", true, "CPU realtime hardcap limit (in usecs)"},
        {"cpuset-cpus", "", true, "CPU(s) to use"},
        {"cpuset-mems", "", true, "Memory node(s) to use"},
        {"memory", "", true, "Memory limit (in bytes, or with a unit: 64m)"},
        {"memory-reservation", "", true, "Memory reservation or soft_limit"},
        {"memory-swap", "", true, "Total memory usage (memory + swap); '-1' for unlimited swap"},
        {"pids-limit", "", true, "Maximum number of pids allowed in the container"},
        {"l3-cache-schema", "", true, "The string of Intel RDT/CAT L3 cache schema"},
        {"mem-bw-schema", "", true, "The string of Intel RDT/MBA memory bandwidth schema"}},
       cmd_update, 1, 1},
      {"spec", "", "create a new specification file",
       {{"bundle", "b", true, "path to the root of the bundle directory"},
        {"rootless", "", false, "generate a configuration for a rootless container"}},
       cmd_spec, 0, 0},
      {"features", "", "show the enabled features", {}, cmd_features, 0, 0},
  };
  return table;
}

}  // namespace berth::cli
