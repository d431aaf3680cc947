#pragma once
// The TCP connection behind a request, for the faults that act on the
// connection itself (reset, hang). cpp-httplib does not hand handlers their
// socket, so it is found among the process's descriptors by its port pair.
#include <chrono>
#include <functional>

namespace showdown {

/// The descriptor of the accepted connection from `remote_port` to
/// `local_port`, or -1 when there is none.
int find_connection(int local_port, int remote_port);

/// Drops the connection with a TCP reset; the descriptor stays open for its
/// owner to close.
void reset_connection(int fd);

/// Waits, sending nothing, until the peer closes the connection, `stop` returns
/// true, or `limit` passes. Returns true when the peer closed it.
bool wait_for_hangup(int fd, const std::function<bool()>& stop, std::chrono::milliseconds limit);

}  // namespace showdown
