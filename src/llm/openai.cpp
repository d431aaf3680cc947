// OpenAI Chat Completions, as OpenAI, llama-server, vLLM, Ollama, LM Studio and
// OpenRouter speak it (WIRE-FORMATS.md §1, §2, §4).
#include <map>

#include "llm/dialect.h"
#include "llm/json_field.h"

namespace showdown {

namespace {

using nlohmann::json;

std::string arguments_string(const ToolCall& call) {
  if (call.arguments.is_null()) return call.raw_arguments;
  return call.arguments.dump();
}

json message_json(const Message& m) {
  json j = {{"role", role_name(m.role)}};
  switch (m.role) {
    case Role::assistant:
      if (m.tool_calls.empty()) {
        j["content"] = m.content;
      } else {
        j["content"] = m.content.empty() ? json(nullptr) : json(m.content);
        json calls = json::array();
        for (const auto& call : m.tool_calls) {
          calls.push_back(
              {{"id", call.id},
               {"type", "function"},
               {"function", {{"name", call.name}, {"arguments", arguments_string(call)}}}});
        }
        j["tool_calls"] = std::move(calls);
      }
      break;
    case Role::tool:
      j["tool_call_id"] = m.tool_call_id;
      j["content"] = m.content;
      break;
    default:
      j["content"] = m.content;
  }
  return j;
}

// Message content: a string, null, or (some servers) an array of text parts.
std::string text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  if (value.is_array()) {  // content given as parts
    std::string text;
    for (const auto& part : value) text += json_string(part, "text");
    return text;
  }
  return value.dump();
}

bool server_error(const json& chunk, DecodeError* error) {
  const auto* e = json_field(chunk, "error");
  if (!e || e->is_null()) return false;
  std::string message = e->is_string() ? e->get<std::string>() : json_string(*e, "message");
  if (message.empty()) message = e->dump();
  error->reason = "server error in stream";
  error->detail = "the server reported an error: \"" + message + "\"";
  error->server_message = message;
  return true;
}

void read_usage_and_timings(const json& j, Response* r) {
  if (const auto* usage = json_object(j, "usage")) {
    r->usage.prompt_tokens = json_int(*usage, "prompt_tokens");
    r->usage.completion_tokens = json_int(*usage, "completion_tokens");
    r->usage_reported = true;
  }
  if (const auto* timings = json_object(j, "timings")) r->timings = timings_from_json(*timings);
  std::string model = json_string(j, "model");
  if (!model.empty()) r->server_model = model;
}

std::string reasoning_of(const json& message) {
  std::string text = json_string(message, "reasoning_content");
  return text.empty() ? json_string(message, "reasoning") : text;
}

// Tool calls assembled from stream deltas. Deltas are keyed by `index`; a delta
// with a new id under an index already in use (Ollama sends whole calls, some
// builds all at index 0) starts a new call, as does a delta without an index.
class ToolCallAssembler {
 public:
  void add(const json& delta) {
    if (!delta.is_object()) return;
    const auto* index = json_field(delta, "index");
    std::string id = json_string(delta, "id");
    size_t slot;
    auto it =
        index && index->is_number_integer() ? slots_.find(index->get<int64_t>()) : slots_.end();
    if (it != slots_.end() &&
        (id.empty() || calls_[it->second].id.empty() || calls_[it->second].id == id)) {
      slot = it->second;
    } else {
      slot = calls_.size();
      calls_.emplace_back();
      if (index && index->is_number_integer()) slots_[index->get<int64_t>()] = slot;
    }
    Partial& call = calls_[slot];
    if (!id.empty()) call.id = id;
    const json* function = json_object(delta, "function");
    if (!function) return;
    std::string name = json_string(*function, "name");
    if (call.name.empty()) call.name = name;
    if (const auto* arguments = json_field(*function, "arguments")) {
      if (arguments->is_string())
        call.arguments += arguments->get<std::string>();
      else if (!arguments->is_null())
        call.arguments += arguments->dump();
    }
  }

  std::vector<ToolCall> calls() const {
    std::vector<ToolCall> out;
    for (const auto& partial : calls_) {
      ToolCall call;
      call.id = partial.id;
      call.name = partial.name;
      parse_tool_arguments(partial.arguments, &call);
      out.push_back(std::move(call));
    }
    return out;
  }

 private:
  struct Partial {
    std::string id, name, arguments;
  };
  std::vector<Partial> calls_;
  std::map<int64_t, size_t> slots_;
};

class OpenAiDecoder : public Decoder {
 public:
  explicit OpenAiDecoder(const std::function<void(const std::string&)>& on_text)
      : on_text_(on_text) {}

  bool on_event(const SseEvent& event, DecodeError* error) override {
    if (event.data == "[DONE]") {
      done_ = true;
      return true;
    }
    auto chunk = json::parse(event.data, nullptr, /*allow_exceptions=*/false);
    if (chunk.is_discarded() || !chunk.is_object()) {
      error->reason = "malformed JSON";
      error->detail =
          "the stream carried data that is not a JSON object: " + event.data.substr(0, 120);
      return false;
    }
    if (server_error(chunk, error)) return false;
    read_usage_and_timings(chunk, &response_);
    const auto* choices = json_array(chunk, "choices");
    if (!choices) return true;
    for (const auto& choice : *choices) {
      if (const auto* delta = json_object(choice, "delta")) {
        std::string text = json_string(*delta, "content");
        if (!text.empty()) {
          response_.content += text;
          if (on_text_) on_text_(text);
        }
        response_.reasoning += reasoning_of(*delta);
        if (const auto* calls = json_array(*delta, "tool_calls")) {
          for (const auto& call : *calls) tool_calls_.add(call);
        }
      }
      std::string finish = json_string(choice, "finish_reason");
      if (!finish.empty()) finish_reason_ = finish;
    }
    return true;
  }

  bool finish_stream(Response* response, DecodeError* error) override {
    if (!done_ || finish_reason_.empty()) {
      error->reason = "stream truncated";
      error->detail = done_ ? "the stream ended without a finish_reason"
                            : "the stream ended before data: [DONE]";
      return false;
    }
    response_.tool_calls = tool_calls_.calls();
    response_.finish_reason =
        normalise_finish_reason(finish_reason_, !response_.tool_calls.empty());
    *response = std::move(response_);
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
    const auto* choices = json_array(j, "choices");
    const json* message =
        choices && !choices->empty() ? json_object((*choices)[0], "message") : nullptr;
    if (!message) {
      error->reason = "malformed JSON";
      error->detail = "the response has no choices[0].message";
      return false;
    }
    Response r;
    read_usage_and_timings(j, &r);
    if (const auto* content = json_field(*message, "content")) r.content = text_of(*content);
    r.reasoning = reasoning_of(*message);
    if (const auto* calls = json_array(*message, "tool_calls")) {
      ToolCallAssembler assembler;
      for (const auto& call : *calls) {
        json whole = call;
        if (whole.is_object())
          whole.erase("index");  // each entry of a whole message is its own call
        assembler.add(whole);
      }
      r.tool_calls = assembler.calls();
    }
    r.finish_reason =
        normalise_finish_reason(json_string((*choices)[0], "finish_reason"), !r.tool_calls.empty());
    *response = std::move(r);
    return true;
  }

 private:
  std::function<void(const std::string&)> on_text_;
  Response response_;
  ToolCallAssembler tool_calls_;
  std::string finish_reason_;
  bool done_ = false;
};

class OpenAiDialect : public Dialect {
 public:
  explicit OpenAiDialect(const ProviderOptions& options) : options_(options) {}

  std::string url() const override {
    std::string base = options_.base_url.empty() ? "https://api.openai.com/v1" : options_.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/chat/completions";
  }

  std::vector<std::string> headers() const override {
    std::vector<std::string> h = {"Content-Type: application/json"};
    if (options_.stream) h.push_back("Accept: text/event-stream");
    if (!options_.api_key.empty()) h.push_back("Authorization: Bearer " + options_.api_key);
    return h;
  }

  std::string body(const Request& request) const override {
    json messages = json::array();
    if (!request.system.empty())
      messages.push_back({{"role", "system"}, {"content", request.system}});
    for (const auto& m : request.messages) messages.push_back(message_json(m));
    json j;
    if (!options_.model.empty()) j["model"] = options_.model;
    j["messages"] = std::move(messages);
    if (!request.tools.empty()) {
      json tools = json::array();
      for (const auto& tool : request.tools) {
        tools.push_back({{"type", "function"},
                         {"function",
                          {{"name", tool.name},
                           {"description", tool.description},
                           {"parameters", tool.parameters}}}});
      }
      j["tools"] = std::move(tools);
      j["tool_choice"] = "auto";
    }
    if (request.max_output_tokens > 0) j["max_tokens"] = request.max_output_tokens;
    j["stream"] = options_.stream;
    if (options_.stream) j["stream_options"] = {{"include_usage", true}};
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
  }

  std::unique_ptr<Decoder> decoder(
      const std::function<void(const std::string&)>& on_text) const override {
    return std::make_unique<OpenAiDecoder>(on_text);
  }

 private:
  ProviderOptions options_;
};

}  // namespace

std::unique_ptr<Dialect> make_openai_dialect(const ProviderOptions& options) {
  return std::make_unique<OpenAiDialect>(options);
}

}  // namespace showdown
