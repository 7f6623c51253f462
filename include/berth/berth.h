// The public API of libberth: the container lifecycle operations the `berth` CLI is built
// on (create, start, run, kill, delete, state, list), with berth::Result errors.
#pragma once

#include "base/error.h"
#include "runtime/runtime.h"
