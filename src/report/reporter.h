#pragma once
// Reporters turn one ShowdownResult into one document format. Each format is a
// class; adding a format adds a class and a row in make_reporter, nothing else.
#include <memory>
#include <ostream>
#include <string>

#include "result/result.h"

namespace showdown {

/// Writes a whole document for a result. Reporters only lay out what the result
/// and the shared derivations (report/efficiency.h, report/trials.h) hold.
class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void write(const ShowdownResult& result, std::ostream& out) const = 0;
};

/// "md" | "json" | "csv" | "html"; nullptr for any other name.
std::unique_ptr<Reporter> make_reporter(const std::string& format);

/// Writes `result` in `format`; false with *err naming the format when unknown.
bool write_report(const ShowdownResult& result, const std::string& format, std::ostream& out,
                  std::string* err);

}  // namespace showdown
