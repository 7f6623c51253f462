// The command table of the berth CLI. Each command is one function in its own file.
#pragma once

#include <string>
#include <vector>

#include "cli/flags.h"
#include <berth/berth.h>

namespace berth::cli {

struct Context {
  runtime::Global global;
  std::vector<std::string> args;  // the command's own arguments (after its name)
};

using CommandFn = int (*)(Context&, const Flags&);

struct Command {
  const char* name;
  const char* usage;    // "<container-id>"
  const char* summary;
  std::vector<FlagSpec> flags;
  CommandFn fn;
  int min_args;  // positional arguments required
  int max_args;  // -1: unbounded
};

const std::vector<Command>& commands();

/// Prints the error the runc way (stderr + log) and returns exit code 1.
int report(const Error& e);

int cmd_spec(Context&, const Flags&);
int cmd_features(Context&, const Flags&);
int cmd_state(Context&, const Flags&);
int cmd_list(Context&, const Flags&);
int cmd_create(Context&, const Flags&);
int cmd_start(Context&, const Flags&);
int cmd_run(Context&, const Flags&);
int cmd_exec(Context&, const Flags&);
int cmd_kill(Context&, const Flags&);
int cmd_delete(Context&, const Flags&);
int cmd_pause(Context&, const Flags&);
int cmd_resume(Context&, const Flags&);
int cmd_ps(Context&, const Flags&);
int cmd_events(Context&, const Flags&);
int cmd_update(Context&, const Flags&);

}  // namespace berth::cli
