#pragma once
// A model server the showdown starts before a model's runs and stops after them
// (the study's model-switch script): one at a time, readiness awaited at its
// `ready` URL (llama-server answers 503 while loading), its output kept in a log.
#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace showdown {

struct ServerSpec {
  std::vector<std::string> command;
  std::string ready_url;
  double ready_timeout_seconds = 600;
  std::map<std::string, std::string> env;
};

class ManagedServer {
 public:
  ManagedServer() = default;
  ~ManagedServer();
  ManagedServer(const ManagedServer&) = delete;
  ManagedServer& operator=(const ManagedServer&) = delete;

  /// Starts the server and waits until its ready URL answers 200. False with
  /// *err when it cannot start, exits, or is not ready in time; it is then stopped.
  bool start(const ServerSpec& spec, const std::filesystem::path& log, std::string* err);
  /// False when the process has exited (it died mid-run).
  bool alive();
  /// SIGTERM to its process group, SIGKILL after a grace period.
  void stop();

 private:
  pid_t pid_ = -1;
};

/// One GET; the HTTP status, or 0 when nothing answered.
int http_get_status(const std::string& url, double timeout_seconds);

}  // namespace showdown
