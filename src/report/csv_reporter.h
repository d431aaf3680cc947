#pragma once
#include "report/reporter.h"

namespace showdown {

/// One row per run under a header line, RFC 4180 quoting, CRLF line ends.
class CsvReporter : public Reporter {
 public:
  void write(const ShowdownResult& result, std::ostream& out) const override;
};

}  // namespace showdown
