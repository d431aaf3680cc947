#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/cli.h"
#include "probe/probe.h"
#include "showdown/server.h"

namespace showdown {

namespace {

// A model with `[model.server]` is probed on the server it starts, as a showdown
// would run it; the server's output goes to a log named for the model.
ProbeReport probe_with_server(const ModelConfig& model, const ProbeOptions& options) {
  if (!model.server) return probe_config(model, options);
  std::string file = "showdown-probe-" + model.name + ".log";
  auto unsafe = [](char c) {
    return !isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-';
  };
  std::replace_if(file.begin(), file.end(), unsafe, '_');
  const std::filesystem::path log = std::filesystem::temp_directory_path() / file;
  std::cerr << "starting the server of " << model.name << " (log: " << log.string() << ")\n";
  ManagedServer server;
  std::string err;
  if (!server.start({model.server->command, model.server->ready, model.server->ready_timeout_s,
                     model.server->env},
                    log, &err)) {
    ProbeReport report;
    report.model = model.name;
    report.checks.push_back({"setup", false, "server: " + err, 0, 0});
    return report;
  }
  ProbeReport report = probe_config(model, options);
  server.stop();
  return report;
}

}  // namespace

int probe_command(int argc, char** argv) {
  CLI::App app{"Check in seconds that each model can work as an agent: five small tool-calling "
               "conversations (docs/probe.md).",
               "showdown probe"};
  std::string models_path;
  std::vector<std::string> only;
  bool as_json = false;
  ProbeOptions options;
  app.add_option("--models", models_path, "models.toml")->required();
  app.add_option("--model", only, "probe only this model (repeatable)");
  app.add_flag("--json", as_json, "print the results as JSON instead of a table");
  app.add_option("--max-tokens", options.max_output_tokens,
                 "output-token limit of each probe request (default 512)")
      ->check(CLI::PositiveNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  std::vector<ModelConfig> all;
  std::string err;
  if (!load_models(models_path, &all, &err)) {
    std::cerr << "showdown probe: " << err << "\n";
    return 2;
  }
  std::vector<ModelConfig> models;
  for (const auto& name : only) {
    auto it = std::find_if(all.begin(), all.end(),
                           [&](const ModelConfig& m) { return m.name == name; });
    if (it == all.end()) {
      std::cerr << "showdown probe: " << models_path << ": --model " << name << ": no such model\n";
      return 2;
    }
    models.push_back(*it);
  }
  if (only.empty()) models = all;
  for (const auto& m : models) {
    if (!m.api_key_env.empty() && !getenv(m.api_key_env.c_str())) {
      std::cerr << "showdown probe: " << models_path << ":" << m.line
                << ": api_key_env: environment variable " << m.api_key_env << " is not set\n";
      return 2;
    }
  }

  std::vector<ProbeReport> reports;
  for (const auto& m : models) {
    std::cerr << "probing " << m.name << "...\n";
    reports.push_back(probe_with_server(m, options));
  }
  if (as_json) {
    std::cout << probe_reports_json(reports).dump(2, ' ', false,
                                                  nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    std::cout << format_probe_table(reports);
  }
  bool all_passed = std::all_of(reports.begin(), reports.end(),
                                [](const ProbeReport& r) { return r.passed(); });
  return all_passed ? 0 : 1;
}

}  // namespace showdown
