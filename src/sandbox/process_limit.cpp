#include "sandbox/process_limit.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace showdown {

namespace fs = std::filesystem;

namespace {

bool write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

/// Where new pids cgroups go: v1's pids hierarchy, or the v2 root when it
/// offers the pids controller to its children.
fs::path pids_root() {
  std::error_code ec;
  if (fs::exists("/sys/fs/cgroup/pids/cgroup.procs", ec)) return "/sys/fs/cgroup/pids/showdown";
  std::ifstream controls("/sys/fs/cgroup/cgroup.subtree_control");
  std::string line;
  std::getline(controls, line);
  if (line.find("pids") != std::string::npos) return "/sys/fs/cgroup/showdown";
  return {};
}

/// Groups left by a harness that was killed before it could remove them: named
/// after a process that no longer exists, and empty.
void remove_stale_groups(const fs::path& root) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (!entry.is_directory(ec)) continue;
    pid_t owner = static_cast<pid_t>(std::atol(entry.path().filename().c_str()));
    if (owner > 0 && kill(owner, 0) != 0 && errno == ESRCH) rmdir(entry.path().c_str());
  }
}

}  // namespace

ProcessLimit::~ProcessLimit() { release(); }

bool ProcessLimit::apply(int max, std::initializer_list<pid_t> pids, std::string* err) {
  static std::atomic<int> counter{0};
  fs::path root = pids_root();
  if (root.empty()) {
    *err = "no writable pids cgroup";
    return false;
  }
  std::error_code ec;
  fs::create_directories(root, ec);
  remove_stale_groups(root);
  fs::path group = root / (std::to_string(getpid()) + "-" + std::to_string(counter++));
  if (!fs::create_directory(group, ec)) {
    *err = "cannot create " + group.string() + ": " + ec.message();
    return false;
  }
  path_ = group.string();
  if (!write_text(group / "pids.max", std::to_string(max))) {
    *err = "cannot set " + (group / "pids.max").string();
    release();
    return false;
  }
  for (pid_t pid : pids) {
    if (!write_text(group / "cgroup.procs", std::to_string(pid))) {
      *err = "cannot move process " + std::to_string(pid) + " into " + path_;
      release();
      return false;
    }
  }
  return true;
}

void ProcessLimit::release() {
  if (path_.empty()) return;
  // The processes may take a moment to be reaped after the sandbox dies.
  for (int i = 0; i < 100; ++i) {
    if (rmdir(path_.c_str()) == 0 || errno == ENOENT) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  path_.clear();
}

}  // namespace showdown
