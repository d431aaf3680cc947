#pragma once
#include "report/reporter.h"

namespace showdown {

/// One self-contained HTML page: inline CSS and SVG, nothing fetched. It holds
/// the charts, the study's tables and the pathologies; given the transcripts it
/// adds each run's timeline and a transcript viewer that the pathology evidence
/// links into, with a small inline script that opens a linked message.
class HtmlReporter : public Reporter {
 public:
  void write(const ShowdownResult& result, std::ostream& out) const override;
  void write_with_transcripts(const ShowdownResult& result, const Transcripts& transcripts,
                              std::ostream& out) const override;
};

}  // namespace showdown
