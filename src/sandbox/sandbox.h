#pragma once
// One sandbox per run: a long-lived bubblewrap container holding the run's home
// (at /home/agent), a private /tmp and, where asked, more folders; no network
// but its own loopback unless allowed; an environment without the harness's
// variables. Commands run in it one at a time, each in a fresh `bash -c` in its
// own process group, killed at its time limit; what a command leaves running in
// the background lives on until the sandbox shuts down.
#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace showdown {

struct SandboxSpec {
  std::filesystem::path home;  // host folder, read-write at home_inside
  std::filesystem::path tmp;   // host folder, read-write at /tmp
  std::string home_inside = "/home/agent";
  /// Further host folders, read-write, at the given inside paths (e.g. the origin).
  std::vector<std::pair<std::filesystem::path, std::string>> binds;
  bool network = false;
  std::map<std::string, std::string> env;  // added to the minimal environment
  /// The `showdown` binary: started inside as `showdown __sandbox-init`.
  std::filesystem::path init_binary;
  int max_processes = 4096;
};

struct CommandSpec {
  std::string command;   // given to `bash -c`
  std::string cwd;       // inside path; must exist
  double timeout_seconds = 300;
  size_t output_cap = 64 * 1024;  // bytes kept: half from the head, half from the tail
};

struct CommandResult {
  int exit_code = 0;          // 128+N when killed by signal N
  bool timed_out = false;
  std::string output;         // stdout and stderr interleaved, capped
  int64_t output_bytes = 0;   // everything the command printed
  double seconds = 0;         // start to exit, measured inside the sandbox
};

class Sandbox {
 public:
  virtual ~Sandbox() = default;
  /// Runs one command. Returns false with *err only when the sandbox itself failed
  /// (an infrastructure error); a command that fails is a normal result.
  virtual bool run(const CommandSpec& spec, CommandResult* result, std::string* err) = 0;
  /// Maps a path as the agent names it (absolute inside, or relative to home) to
  /// the host path. False with *err for anything outside home, /tmp and binds.
  virtual bool to_host(const std::string& inside, std::filesystem::path* host,
                       std::string* err) const = 0;
  /// The sandbox's init process, for joining its namespaces (MCP servers).
  virtual pid_t pid() const = 0;
  /// Kills everything in the sandbox. Safe to call twice.
  virtual void shutdown() = 0;
};

std::unique_ptr<Sandbox> make_sandbox(const SandboxSpec& spec, std::string* err);

/// The entry point of `showdown __sandbox-init`, run by bubblewrap inside the sandbox.
int sandbox_init_main(int argc, char** argv);

}  // namespace showdown
