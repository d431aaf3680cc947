#pragma once
// A pids cgroup around one sandbox, so that a fork bomb stops at the limit even
// when the harness runs as root (the kernel does not apply RLIMIT_NPROC to root).
// Works with cgroup v1's pids hierarchy or v2 with the pids controller enabled;
// where neither can be written, the sandbox keeps only RLIMIT_NPROC.
#include <sys/types.h>

#include <string>

namespace showdown {

class ProcessLimit {
 public:
  ProcessLimit() = default;
  ~ProcessLimit();
  ProcessLimit(const ProcessLimit&) = delete;
  ProcessLimit& operator=(const ProcessLimit&) = delete;

  /// Creates the cgroup with `max` processes and moves `pids` into it (their
  /// children follow). False, leaving nothing behind, when cgroups cannot be used.
  bool apply(int max, std::initializer_list<pid_t> pids, std::string* err);
  /// The cgroup's folder, empty when none.
  const std::string& path() const { return path_; }
  /// Removes the cgroup once its processes are gone.
  void release();

 private:
  std::string path_;
};

}  // namespace showdown
