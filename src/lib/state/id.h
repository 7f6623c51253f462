// Container id validation, shared by every command that takes an id from the user.
#pragma once

#include <cstddef>
#include <string_view>

#include "base/error.h"

namespace berth::state {

/// runc's limit; containerd and CRI-O never generate longer ids.
inline constexpr std::size_t kMaxIdLength = 1024;

/// Accepts what runc accepts: 1..1024 chars of [A-Za-z0-9_+.-], except "." and "..".
/// The id becomes a directory name under the state root, so this is also the guard
/// against path traversal ("..", "/") when composing <root>/<id>.
/// Error (EINVAL): `invalid container id "<id>": <reason>`.
Result<void> validate_id(std::string_view id);

}  // namespace berth::state
