#pragma once
// A Model Context Protocol client over stdio (WIRE-FORMATS.md §6): one server
// process per client, JSON-RPC 2.0 with one JSON object per line. A reader
// thread matches answers to requests, answers the server's own `ping`, refuses
// its other requests and ignores its notifications. No call ever waits longer
// than its timeout, and a server that dies fails every call with a message
// saying so.
#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace showdown {

/// How to start one MCP server.
struct McpLaunch {
  std::string name;                  // names the server in messages and file names
  std::vector<std::string> command;  // argv; argv[0] is looked up in PATH when it has no '/'
  /// Added to a minimal environment (PATH, HOME, LANG, TERM, TMPDIR, USER): the
  /// server is driven by the model, so it does not inherit the harness's API keys.
  std::map<std::string, std::string> env;
  std::filesystem::path cwd;         // empty: the harness's own
  std::filesystem::path stderr_log;  // appended to; empty: discarded
  /// When set, the server joins this process's network namespace (the run's
  /// sandbox, so it reaches the run's dev servers on 127.0.0.1), through
  /// `nsenter --target PID --net --`.
  std::optional<pid_t> netns_of;
  double start_seconds = 60;                 // for `initialize` to be answered
  double call_seconds = 120;                 // default time limit of one request
  double shutdown_grace_seconds = 2;         // after closing stdin, and again after SIGTERM
  size_t max_line_bytes = 64 * 1024 * 1024;  // longer lines from the server are dropped
};

/// One tool as the server lists it.
struct McpToolInfo {
  std::string name;
  std::string description;
  nlohmann::json input_schema = nlohmann::json::object();
};

/// How a request ended: the server's result, its JSON-RPC error, no answer in
/// time, or no server left to answer.
struct McpReply {
  enum class Status { result, error, timed_out, server_gone };
  Status status = Status::server_gone;
  nlohmann::json result;   // Status::result
  int64_t error_code = 0;  // Status::error
  std::string message;     // the error's message, or why no answer came
};

class McpClient {
 public:
  /// Starts the server, runs the `initialize` handshake and sends
  /// `notifications/initialized`. Null with *err when the server cannot be
  /// started or does not answer in time (it is then shut down).
  static std::shared_ptr<McpClient> start(const McpLaunch& launch, std::string* err);

  ~McpClient();
  McpClient(const McpClient&) = delete;
  McpClient& operator=(const McpClient&) = delete;

  /// Every tool, following `nextCursor` through all pages.
  bool list_tools(std::vector<McpToolInfo>* tools, std::string* err);
  /// `tools/call`; timeout_seconds <= 0 means the launch's call_seconds.
  McpReply call_tool(const std::string& name, const nlohmann::json& arguments,
                     double timeout_seconds = 0);
  /// Any request; a timed-out one is cancelled with `notifications/cancelled`.
  McpReply request(const std::string& method, const nlohmann::json& params,
                   double timeout_seconds = 0);

  const std::string& name() const { return launch_.name; }
  pid_t pid() const { return pid_; }
  bool alive() const;
  /// From the `initialize` answer.
  const std::string& protocol_version() const { return protocol_version_; }
  const nlohmann::json& server_info() const { return server_info_; }

  /// Closes the server's stdin, waits, then SIGTERM, waits, then SIGKILL to its
  /// whole process group (a browser it started goes too). Safe to call twice.
  void shutdown();

 private:
  struct Pending;
  explicit McpClient(const McpLaunch& launch);
  bool spawn(std::string* err);
  bool send(const nlohmann::json& message, double seconds);
  void notify(const std::string& method, const nlohmann::json& params);
  void read_loop();
  void handle_line(const std::string& line);
  void mark_gone(const std::string& why);
  bool wait_exit(double seconds);
  std::string exit_description();

  McpLaunch launch_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  int wake_fd_[2] = {-1, -1};  // written to stop the reader
  std::thread reader_;
  std::mutex write_mutex_;

  mutable std::mutex mutex_;  // guards what follows
  std::condition_variable changed_;
  std::map<int64_t, std::shared_ptr<Pending>> pending_;
  int64_t next_id_ = 1;
  bool gone_ = false;
  std::string gone_reason_;
  bool reaped_ = false;
  bool shut_down_ = false;

  std::string protocol_version_;
  nlohmann::json server_info_ = nlohmann::json::object();
};

}  // namespace showdown
