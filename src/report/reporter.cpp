#include "report/reporter.h"

#include "report/csv_reporter.h"
#include "report/html_reporter.h"
#include "report/json_reporter.h"
#include "report/markdown_reporter.h"

namespace showdown {

std::unique_ptr<Reporter> make_reporter(const std::string& format) {
  if (format == "md") return std::make_unique<MarkdownReporter>();
  if (format == "json") return std::make_unique<JsonReporter>();
  if (format == "csv") return std::make_unique<CsvReporter>();
  if (format == "html") return std::make_unique<HtmlReporter>();
  return nullptr;
}

bool write_report(const ShowdownResult& result, const std::string& format, std::ostream& out,
                  std::string* err, const Transcripts* transcripts) {
  std::unique_ptr<Reporter> reporter = make_reporter(format);
  if (!reporter) {
    *err = "unknown report format '" + format + "' (expected md, json, csv or html)";
    return false;
  }
  if (transcripts)
    reporter->write_with_transcripts(result, *transcripts, out);
  else
    reporter->write(result, out);
  if (!out) {
    *err = "could not write the " + format + " report";
    return false;
  }
  return true;
}

}  // namespace showdown
