#pragma once
#include "report/reporter.h"

namespace showdown {

/// report.md: the study's tables (summary, full metrics, token efficiency), then
/// requirements, pathologies, errors and, with several trials, per-model rates.
class MarkdownReporter : public Reporter {
 public:
  void write(const ShowdownResult& result, std::ostream& out) const override;
};

}  // namespace showdown
