#pragma once
#include "report/reporter.h"

namespace showdown {

/// One self-contained HTML page (inline CSS, no scripts, nothing fetched): the
/// summary and full metrics tables and the pathologies.
class HtmlReporter : public Reporter {
 public:
  void write(const ShowdownResult& result, std::ostream& out) const override;
};

}  // namespace showdown
