// berth::console: everything about process.terminal in one include.
//  - pty.h:    open_pty_in_container() (container child, after pivot_root)
//  - fdpass.h: send_fd()/recv_fd() (SCM_RIGHTS), send_to_console_socket()
//  - relay.h:  TerminalRelay (foreground `run` without --console-socket)
#pragma once

#include "console/fdpass.h"
#include "console/pty.h"
#include "console/relay.h"
