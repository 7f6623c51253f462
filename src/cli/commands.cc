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
      {"spec", "", "create a new specification file",
       {{"bundle", "b", true, "path to the root of the bundle directory"},
        {"rootless", "", false, "generate a configuration for a rootless container"}},
       cmd_spec, 0, 0},
      {"features", "", "show the enabled features", {}, cmd_features, 0, 0},
  };
  return table;
}

}  // namespace berth::cli
