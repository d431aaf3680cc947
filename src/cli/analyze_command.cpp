#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/cli.h"
#include "detect/detector.h"
#include "task/toml_fields.h"
#include "transcript/transcript.h"

namespace showdown {

namespace {

// A task.toml (its [detectors] table) or a file holding just the settings.
bool load_detector_config(const std::string& path, DetectorConfig* config, std::string* err) {
  toml::table root;
  if (!parse_toml_file(path, &root, err)) return false;
  nlohmann::json table = toml_to_json(root);
  if (table.contains("detectors")) table = table["detectors"];
  if (config->apply(table, err)) return true;
  *err = path + ": " + *err;
  return false;
}

}  // namespace

int analyze_command(int argc, char** argv) {
  CLI::App app{"Run the detectors over one transcript and print what they found as JSON.",
               "showdown analyze"};
  std::string transcript, detectors;
  app.add_option("TRANSCRIPT", transcript, "a run's transcript.jsonl")->required();
  app.add_option("--detectors", detectors,
                 "thresholds: a TOML file with a [detectors] table (a task.toml works)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  DetectorConfig config;
  std::string err, warning;
  if (!detectors.empty() && !load_detector_config(detectors, &config, &err)) {
    std::cerr << "showdown analyze: " << err << "\n";
    return 2;
  }
  std::vector<Record> records;
  if (!read_transcript(transcript, &records, &err, &warning)) {
    std::cerr << "showdown analyze: " << err << "\n";
    return 2;
  }
  if (!warning.empty()) std::cerr << "showdown analyze: " << warning << "\n";
  // Ordered as a person reads them: the kind first, the details last.
  nlohmann::ordered_json pathologies = nlohmann::ordered_json::array();
  for (const auto& p : detect_all(records, config)) {
    nlohmann::ordered_json j = {{"kind", p.kind},
                                {"count", p.count},
                                {"first_message", p.first_message},
                                {"evidence", p.evidence}};
    if (p.detail.is_object() && !p.detail.empty()) j["detail"] = p.detail;
    pathologies.push_back(std::move(j));
  }
  nlohmann::ordered_json out = {{"transcript", transcript}, {"pathologies", pathologies}};
  std::cout << out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  return 0;
}

}  // namespace showdown
