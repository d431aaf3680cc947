#pragma once
// The scripted model server: real HTTP speaking OpenAI Chat Completions
// (/v1/chat/completions, /v1/models, /health) and Anthropic Messages
// (/v1/messages), replaying scripts. It keeps no state but which faults have
// fired, so retries, resumed runs and parallel runs of one script all get the
// turn their conversation is at.
#include <memory>
#include <string>
#include <vector>

#include "scripted/script.h"

namespace showdown {

/// Serves `scripts` on a background thread pool between start() and stop().
class ScriptServer {
 public:
  explicit ScriptServer(std::vector<Script> scripts);
  ~ScriptServer();  // stops
  ScriptServer(const ScriptServer&) = delete;
  ScriptServer& operator=(const ScriptServer&) = delete;

  /// Binds host:port (port 0: a free one) and starts serving. Ignores SIGPIPE
  /// for the process: a client that hangs up must not kill the server.
  bool start(const std::string& host, int port, std::string* err);

  /// The bound port, once started.
  int port() const;

  /// Stops serving; delayed and hanging answers end at once.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace showdown
