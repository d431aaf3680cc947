#pragma once
// Reporters turn one ShowdownResult into one document format. Each format is a
// class; adding a format adds a class and a row in make_reporter, nothing else.
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "result/result.h"
#include "transcript/transcript.h"

namespace showdown {

/// Each run's transcript records, by run label ("run-3").
using Transcripts = std::map<std::string, std::vector<Record>>;

/// Writes a whole document for a result. Reporters only lay out what the result
/// and the shared derivations (report/efficiency.h, report/trials.h) hold.
class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void write(const ShowdownResult& result, std::ostream& out) const = 0;
  /// The same document, able to show the runs step by step from their
  /// transcripts; only the HTML report does, the others write what write() does.
  virtual void write_with_transcripts(const ShowdownResult& result, const Transcripts& transcripts,
                                      std::ostream& out) const {
    write(result, out);
  }
};

/// "md" | "json" | "csv" | "html"; nullptr for any other name.
std::unique_ptr<Reporter> make_reporter(const std::string& format);

/// Writes `result` in `format`; false with *err naming the format when unknown.
/// With `transcripts` the HTML report adds each run's timeline and transcript.
bool write_report(const ShowdownResult& result, const std::string& format, std::ostream& out,
                  std::string* err, const Transcripts* transcripts = nullptr);

}  // namespace showdown
