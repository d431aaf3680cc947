// Anthropic Messages (WIRE-FORMATS.md §3), as Anthropic's API and llama-server's
// /v1/messages speak it.
#include <map>

#include "llm/dialect.h"
#include "llm/json_field.h"

namespace showdown {

namespace {

using nlohmann::json;

std::string finish_reason_of(const std::string& stop_reason) {
  if (stop_reason == "end_turn" || stop_reason == "stop_sequence") return "stop";
  if (stop_reason == "tool_use") return "tool_calls";
  if (stop_reason == "max_tokens" || stop_reason == "model_context_window_exceeded")
    return "length";
  if (stop_reason == "refusal") return "content_filter";
  return stop_reason;
}

// Roles must alternate and tool results travel in a user message, so each message
// becomes a role plus content blocks and neighbours of the same role merge.
json messages_json(const Request& request, std::string* system) {
  struct Turn {
    std::string role;
    json blocks = json::array();
  };
  std::vector<Turn> turns;
  auto add = [&turns](const std::string& role, json block) {
    if (turns.empty() || turns.back().role != role) turns.push_back({role});
    turns.back().blocks.push_back(std::move(block));
  };
  for (const auto& m : request.messages) {
    switch (m.role) {
      case Role::system:
        if (!system->empty()) *system += "\n\n";
        *system += m.content;
        break;
      case Role::user:
        if (!m.content.empty()) add("user", {{"type", "text"}, {"text", m.content}});
        break;
      case Role::assistant:
        if (!m.content.empty()) add("assistant", {{"type", "text"}, {"text", m.content}});
        for (const auto& call : m.tool_calls) {
          json input = call.arguments.is_object() ? call.arguments : json::object();
          add("assistant",
              {{"type", "tool_use"}, {"id", call.id}, {"name", call.name}, {"input", input}});
        }
        break;
      case Role::tool:
        add("user", {{"type", "tool_result"},
                     {"tool_use_id", m.tool_call_id},
                     {"content", m.content},
                     {"is_error", m.is_error}});
        break;
    }
  }
  json out = json::array();
  for (auto& turn : turns) {
    bool plain_text = turn.blocks.size() == 1 && turn.blocks[0]["type"] == "text";
    json content = plain_text ? turn.blocks[0]["text"] : std::move(turn.blocks);
    out.push_back({{"role", turn.role}, {"content", std::move(content)}});
  }
  return out;
}

bool server_error(const json& j, DecodeError* error) {
  if (json_string(j, "type") != "error" && !json_object(j, "error")) return false;
  const json* e = json_object(j, "error");
  std::string message = e ? json_string(*e, "message") : "";
  if (message.empty()) message = e ? e->dump() : j.dump();
  error->reason = "server error in stream";
  error->detail = "the server reported an error: \"" + message + "\"";
  error->server_message = message;
  return true;
}

// Usage arrives in message_start and again (cumulative) in message_delta; a later
// report of a field replaces the earlier one.
class UsageTally {
 public:
  void add(const json& usage) {
    read(usage, "input_tokens", &input_);
    read(usage, "output_tokens", &output_);
    read(usage, "cache_creation_input_tokens", &cache_creation_);
    read(usage, "cache_read_input_tokens", &cache_read_);
    reported_ = true;
  }
  void fill(Response* r) const {
    r->usage.prompt_tokens = input_ + cache_creation_ + cache_read_;
    r->usage.completion_tokens = output_;
    r->usage_reported = reported_;
  }

 private:
  static void read(const json& usage, const char* key, int64_t* value) {
    const auto* f = json_field(usage, key);
    if (f && f->is_number()) *value = json_int(usage, key);
  }
  int64_t input_ = 0, output_ = 0, cache_creation_ = 0, cache_read_ = 0;
  bool reported_ = false;
};

class AnthropicDecoder : public Decoder {
 public:
  explicit AnthropicDecoder(const std::function<void(const std::string&)>& on_text)
      : on_text_(on_text) {}

  bool on_event(const SseEvent& event, DecodeError* error) override {
    auto data = json::parse(event.data, nullptr, /*allow_exceptions=*/false);
    if (data.is_discarded() || !data.is_object()) {
      error->reason = "malformed JSON";
      error->detail =
          "the stream carried data that is not a JSON object: " + event.data.substr(0, 120);
      return false;
    }
    std::string type = json_string(data, "type");
    if (type.empty()) type = event.event;
    if (type == "error" || json_object(data, "error")) return !server_error(data, error);
    if (type == "message_start") {
      if (const auto* message = json_object(data, "message")) {
        model_ = json_string(*message, "model");
        if (const auto* usage = json_object(*message, "usage")) usage_.add(*usage);
      }
    } else if (type == "content_block_start") {
      const json* block = json_object(data, "content_block");
      if (!block) return true;
      Block& b = blocks_[json_int(data, "index")];
      b.type = json_string(*block, "type");
      if (b.type == "text") {
        append_text(json_string(*block, "text"));
      } else if (b.type == "thinking") {
        reasoning_ += json_string(*block, "thinking");
      } else if (b.type == "tool_use") {
        b.id = json_string(*block, "id");
        b.name = json_string(*block, "name");
        if (const auto* input = json_object(*block, "input"); input && !input->empty()) {
          b.start_input = input->dump();
        }
      }
    } else if (type == "content_block_delta") {
      const json* delta = json_object(data, "delta");
      if (!delta) return true;
      std::string delta_type = json_string(*delta, "type");
      if (delta_type == "text_delta") {
        append_text(json_string(*delta, "text"));
      } else if (delta_type == "thinking_delta") {
        reasoning_ += json_string(*delta, "thinking");
      } else if (delta_type == "input_json_delta") {
        blocks_[json_int(data, "index")].partial_json += json_string(*delta, "partial_json");
      }
    } else if (type == "message_delta") {
      if (const auto* delta = json_object(data, "delta")) {
        std::string stop = json_string(*delta, "stop_reason");
        if (!stop.empty()) stop_reason_ = stop;
      }
      if (const auto* usage = json_object(data, "usage")) usage_.add(*usage);
    } else if (type == "message_stop") {
      done_ = true;
    }
    return true;
  }

  bool finish_stream(Response* response, DecodeError* error) override {
    if (!done_ || stop_reason_.empty()) {
      error->reason = "stream truncated";
      error->detail =
          done_ ? "the stream ended without a stop_reason" : "the stream ended before message_stop";
      return false;
    }
    Response r;
    r.content = std::move(content_);
    r.reasoning = std::move(reasoning_);
    for (const auto& [index, block] : blocks_) {
      if (block.type != "tool_use") continue;
      ToolCall call;
      call.id = block.id;
      call.name = block.name;
      parse_tool_arguments(block.partial_json.empty() ? block.start_input : block.partial_json,
                           &call);
      r.tool_calls.push_back(std::move(call));
    }
    r.finish_reason =
        normalise_finish_reason(finish_reason_of(stop_reason_), !r.tool_calls.empty());
    usage_.fill(&r);
    r.server_model = model_;
    *response = std::move(r);
    return true;
  }

  bool parse_body(const std::string& body, Response* response, DecodeError* error) override {
    auto j = json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      error->reason = "malformed JSON";
      error->detail = "the response body is not a JSON object: " + body.substr(0, 120);
      return false;
    }
    if (server_error(j, error)) return false;
    const auto* content = json_array(j, "content");
    if (!content) {
      error->reason = "malformed JSON";
      error->detail = "the response has no content array";
      return false;
    }
    Response r;
    for (const auto& block : *content) {
      std::string type = json_string(block, "type");
      if (type == "text") {
        r.content += json_string(block, "text");
      } else if (type == "thinking") {
        r.reasoning += json_string(block, "thinking");
      } else if (type == "tool_use") {
        ToolCall call;
        call.id = json_string(block, "id");
        call.name = json_string(block, "name");
        const auto* input = json_field(block, "input");
        parse_tool_arguments(input && !input->is_null() ? input->dump() : "", &call);
        r.tool_calls.push_back(std::move(call));
      }
    }
    r.finish_reason = normalise_finish_reason(finish_reason_of(json_string(j, "stop_reason")),
                                              !r.tool_calls.empty());
    UsageTally usage;
    if (const auto* u = json_object(j, "usage")) usage.add(*u);
    usage.fill(&r);
    r.server_model = json_string(j, "model");
    *response = std::move(r);
    return true;
  }

 private:
  struct Block {
    std::string type, id, name, start_input, partial_json;
  };

  void append_text(const std::string& text) {
    if (text.empty()) return;
    content_ += text;
    if (on_text_) on_text_(text);
  }

  std::function<void(const std::string&)> on_text_;
  std::map<int64_t, Block> blocks_;
  std::string content_, reasoning_, stop_reason_, model_;
  UsageTally usage_;
  bool done_ = false;
};

class AnthropicDialect : public Dialect {
 public:
  explicit AnthropicDialect(const ProviderOptions& options) : options_(options) {}

  std::string url() const override {
    std::string base = options_.base_url.empty() ? "https://api.anthropic.com" : options_.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/v1/messages";
  }

  std::vector<std::string> headers() const override {
    std::vector<std::string> h = {"Content-Type: application/json",
                                  "anthropic-version: 2023-06-01"};
    if (options_.stream) h.push_back("Accept: text/event-stream");
    if (!options_.api_key.empty()) h.push_back("x-api-key: " + options_.api_key);
    return h;
  }

  std::string body(const Request& request) const override {
    std::string system = request.system;
    json messages = messages_json(request, &system);
    json j;
    if (!options_.model.empty()) j["model"] = options_.model;
    j["max_tokens"] = request.max_output_tokens > 0 ? request.max_output_tokens : 4096;
    if (!system.empty()) j["system"] = system;
    if (!request.tools.empty()) {
      json tools = json::array();
      for (const auto& tool : request.tools) {
        tools.push_back({{"name", tool.name},
                         {"description", tool.description},
                         {"input_schema", tool.parameters}});
      }
      j["tools"] = std::move(tools);
    }
    j["messages"] = std::move(messages);
    j["stream"] = options_.stream;
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  std::unique_ptr<Decoder> decoder(
      const std::function<void(const std::string&)>& on_text) const override {
    return std::make_unique<AnthropicDecoder>(on_text);
  }

 private:
  ProviderOptions options_;
};

}  // namespace

std::unique_ptr<Dialect> make_anthropic_dialect(const ProviderOptions& options) {
  return std::make_unique<AnthropicDialect>(options);
}

}  // namespace showdown
