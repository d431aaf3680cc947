#pragma once
// The models of a showdown, loaded from models.toml (PRODUCT.md "Models file",
// docs/task.md): how to reach each one and, optionally, how to start its server.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace showdown {

/// US dollars per million tokens, for cost columns.
struct Price {
  double input = 0;
  double output = 0;
};

/// A server started before a model's runs and stopped after them.
struct ServerConfig {
  std::vector<std::string> command;
  std::string ready;  // URL polled until it answers 2xx
  double ready_timeout_s = 600;
  std::map<std::string, std::string> env;
};

struct ModelConfig {
  std::string name;               // shown only after unsealing
  std::string provider;           // "openai" | "anthropic"
  std::string base_url;           // anthropic: defaults to https://api.anthropic.com
  std::string model;              // id sent in requests; may be empty for openai
  std::string api_key_env;        // name of the variable holding the key; the key is never stored
  int64_t max_output_tokens = 0;  // defaults: openai 32768, anthropic 8192
  bool stream = true;
  bool rescue_text_tool_calls = false;  // parse tool calls the model wrote as text
  bool scripted = false;                // a serve-script stand-in, labelled as such in reports
  std::optional<Price> price;
  std::optional<ServerConfig> server;
  int line = 0;  // where its [[model]] starts in models.toml
};

/// Loads and validates models.toml. On error returns false with *err
/// "FILE:LINE: FIELD: message" (e.g. "models.toml:9: model[1].provider: ...").
bool load_models(const std::filesystem::path& path, std::vector<ModelConfig>* models,
                 std::string* err);

}  // namespace showdown
