#include "cli/cli.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "report/reporter.h"
#include "result/result.h"
#include "transcript/transcript.h"

namespace showdown {

namespace {

bool load_results(const std::filesystem::path& path, ShowdownResult* result, std::string* err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *err = path.string() + ": cannot read (is this a showdown output directory?)";
    return false;
  }
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.str());
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann's message starts "[json.exception.parse_error.101] parse error at line…".
    std::string what = e.what();
    size_t bracket = what.find("] ");
    *err = path.string() + ": " + (bracket == std::string::npos ? what : what.substr(bracket + 2));
    return false;
  }
  std::string why;
  if (!showdown_result_from_json(j, result, &why)) {
    *err = path.string() + ": " + why;
    return false;
  }
  return true;
}

// Each run's transcript, for the HTML report's timelines and viewer. A run whose
// transcript is missing or unreadable is shown without them, as in write_results.
Transcripts load_transcripts(const std::filesystem::path& dir, const ShowdownResult& result) {
  Transcripts transcripts;
  for (const auto& run : result.runs) {
    std::vector<Record> records;
    std::string err, warning;
    if (read_transcript(dir / "runs" / run.run / "transcript.jsonl", &records, &err, &warning))
      transcripts[run.run] = std::move(records);
  }
  return transcripts;
}

}  // namespace

int report_command(int argc, char** argv) {
  CLI::App app{"Print a showdown's report from DIR/results.json", "showdown report"};
  std::string dir, format = "md", output;
  app.add_option("DIR", dir, "the showdown's output directory")->required();
  app.add_option("--format", format, "md, json, csv or html")
      ->check(CLI::IsMember({"md", "json", "csv", "html"}));
  app.add_option("-o,--output", output, "write to FILE instead of standard output");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  ShowdownResult result;
  std::string err;
  if (!load_results(std::filesystem::path(dir) / "results.json", &result, &err)) {
    fprintf(stderr, "showdown report: %s\n", err.c_str());
    return 2;
  }
  Transcripts transcripts;
  if (format == "html") transcripts = load_transcripts(dir, result);
  const Transcripts* shown = format == "html" ? &transcripts : nullptr;
  if (output.empty()) {
    if (!write_report(result, format, std::cout, &err, shown)) {
      fprintf(stderr, "showdown report: %s\n", err.c_str());
      return 1;
    }
    std::cout.flush();
    return 0;
  }
  std::ofstream out(output, std::ios::binary | std::ios::trunc);
  if (!out) {
    fprintf(stderr, "showdown report: %s: cannot open for writing\n", output.c_str());
    return 2;
  }
  if (!write_report(result, format, out, &err, shown) || !out.flush()) {
    fprintf(stderr, "showdown report: %s: %s\n", output.c_str(),
            err.empty() ? "write failed" : err.c_str());
    return 1;
  }
  return 0;
}

}  // namespace showdown
