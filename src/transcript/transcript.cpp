#include "transcript/transcript.h"

#include <chrono>
#include <cmath>
#include <fstream>

namespace showdown {

namespace {
double now_seconds() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}
}  // namespace

TranscriptWriter::~TranscriptWriter() { close(); }

bool TranscriptWriter::open(const std::filesystem::path& path, int64_t next_seq,
                            std::string* err) {
  close();
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  file_ = fopen(path.c_str(), "ab");
  if (!file_) {
    *err = path.string() + ": cannot open for writing";
    return false;
  }
  seq_ = next_seq;
  start_ = now_seconds();
  return true;
}

double TranscriptWriter::elapsed() const { return offset_ + (now_seconds() - start_); }

int64_t TranscriptWriter::append(Record record) {
  int64_t seq = seq_++;
  record["seq"] = seq;
  record["time"] = std::round(elapsed() * 1000) / 1000;
  std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  if (file_) {
    fwrite(line.data(), 1, line.size(), file_);
    fflush(file_);
  }
  return seq;
}

void TranscriptWriter::close() {
  if (file_) fclose(file_);
  file_ = nullptr;
}

bool read_transcript(const std::filesystem::path& path, std::vector<Record>* records,
                     std::string* err, std::string* warning) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = path.string() + ": cannot read";
    return false;
  }
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t pos = 0;
  int line_no = 0;
  while (pos < content.size()) {
    size_t end = content.find('\n', pos);
    bool last_unterminated = end == std::string::npos;
    if (last_unterminated) end = content.size();
    std::string line = content.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto record = nlohmann::json::parse(line, nullptr, false);
    if (record.is_discarded() || !record.is_object() || !record.contains("type")) {
      if (last_unterminated) {
        if (warning) *warning = path.string() + ":" + std::to_string(line_no) +
                                ": last record cut short, dropped";
        break;
      }
      *err = path.string() + ":" + std::to_string(line_no) +
             ": not a transcript record (expected a JSON object with \"type\")";
      return false;
    }
    records->push_back(std::move(record));
  }
  return true;
}

std::vector<Message> conversation_from(const std::vector<Record>& records) {
  std::vector<Message> messages;
  for (const auto& r : records) {
    const std::string type = r.value("type", "");
    if (type == "message") {
      Message m;
      m.role = Role::user;
      m.content = r.value("content", "");
      messages.push_back(std::move(m));
    } else if (type == "response") {
      Message m;
      m.role = Role::assistant;
      m.content = r.value("content", "");
      if (r.contains("tool_calls"))
        for (const auto& c : r["tool_calls"]) m.tool_calls.push_back(tool_call_from_json(c));
      if (r.contains("rescued_tool_calls"))
        for (const auto& c : r["rescued_tool_calls"]) m.tool_calls.push_back(tool_call_from_json(c));
      messages.push_back(std::move(m));
    } else if (type == "tool_result") {
      Message m;
      m.role = Role::tool;
      m.tool_call_id = r.value("id", "");
      m.tool_name = r.value("name", "");
      m.content = r.value("output", "");
      m.is_error = r.value("is_error", false);
      messages.push_back(std::move(m));
    }
  }
  return messages;
}

Record response_record(int step, int message, const Response& response) {
  Record r = {{"type", "response"},
              {"step", step},
              {"message", message},
              {"content", response.content},
              {"finish_reason", response.finish_reason},
              {"usage", to_json(response.usage)},
              {"usage_reported", response.usage_reported},
              {"latency_seconds", std::round(response.latency_seconds * 1000) / 1000},
              {"attempts", response.attempts}};
  if (!response.reasoning.empty()) r["reasoning"] = response.reasoning;
  auto calls = nlohmann::json::array();
  for (const auto& c : response.tool_calls) calls.push_back(to_json(c));
  r["tool_calls"] = std::move(calls);
  if (response.timings.present) r["timings"] = to_json(response.timings);
  return r;
}

Record tool_call_record(int step, int index, const ToolCall& call, bool rescued) {
  Record r = to_json(call);
  r["type"] = "tool_call";
  r["step"] = step;
  r["index"] = index;
  if (rescued) r["rescued"] = true;
  return r;
}

Record message_record(int message, const std::string& content, const std::string& source) {
  return {{"type", "message"},
          {"message", message},
          {"role", "user"},
          {"content", content},
          {"source", source}};
}

}  // namespace showdown
