#pragma once
// The run's append-only record (docs/transcript.md): one JSON object per line,
// written and flushed before the next request goes out. Detectors, metrics,
// reports and resume read nothing else.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/message.h"

namespace showdown {

using Record = nlohmann::json;

class TranscriptWriter {
 public:
  TranscriptWriter() = default;
  ~TranscriptWriter();
  TranscriptWriter(const TranscriptWriter&) = delete;
  TranscriptWriter& operator=(const TranscriptWriter&) = delete;

  /// Opens for appending; `next_seq` continues the numbering of an existing file.
  bool open(const std::filesystem::path& path, int64_t next_seq, std::string* err);
  /// Stamps `seq` and `time` (seconds since `start` given to set_clock_origin),
  /// writes one line and flushes it to the OS. Returns the seq written.
  int64_t append(Record record);
  /// Seconds already elapsed when this process took over the run (resume).
  void set_elapsed_offset(double seconds) { offset_ = seconds; }
  double elapsed() const;
  void close();

 private:
  FILE* file_ = nullptr;
  int64_t seq_ = 0;
  double offset_ = 0;
  double start_ = 0;
};

/// Reads every complete record. A last line cut short (the process was killed
/// while writing it) is dropped and noted in *warning; any other bad line is an
/// error naming the file and line.
bool read_transcript(const std::filesystem::path& path, std::vector<Record>* records,
                     std::string* err, std::string* warning = nullptr);

/// The conversation the records describe, in order: `message` records are user
/// messages, `response` records assistant messages, `tool_result` records tool
/// messages. The system prompt is in `run_start.system`.
std::vector<Message> conversation_from(const std::vector<Record>& records);

/// Record builders, so every writer spells fields the same way.
Record response_record(int step, int message, const Response& response);
Record tool_call_record(int step, int index, const ToolCall& call, bool rescued);
Record message_record(int message, const std::string& content, const std::string& source);

}  // namespace showdown
