#pragma once
// The probe: a battery of five small, fixed tool-calling conversations that tells
// in seconds whether a model can work as an agent at all (docs/probe.md), before a
// showdown spends hours on it. It catches above all the silent failure where the
// server does not parse tool calls (llama-server without --jinja) and the model's
// calls come back as plain text.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "llm/provider.h"
#include "task/models.h"

namespace showdown {

/// One check of the battery. `detail` says why it failed (empty when it passed);
/// `tokens` is prompt + completion as the server reported them (0: not reported).
struct ProbeCheck {
  std::string name;
  bool passed = false;
  std::string detail;
  double latency_seconds = 0;
  int64_t tokens = 0;
};

/// Every check's outcome for one model, in battery order.
struct ProbeReport {
  std::string model;
  std::vector<ProbeCheck> checks;
  bool passed() const;
  /// "CHECK: detail" of the first failed check; empty when all passed.
  std::string first_failure() const;
};

/// Bounds of each probe request, so a model takes well under a minute in all.
struct ProbeOptions {
  int max_output_tokens = 512;
};

/// The battery's check names, in the order they run.
std::vector<std::string> probe_check_names();

/// Runs the battery against `provider`; the report's `model` is left empty. After a
/// failure that would repeat for every request (server unreachable, auth, unknown
/// model) the remaining checks are reported as skipped, not sent.
ProbeReport probe_model(Provider& provider, const ProbeOptions& options);

/// Provider options for probing `model`: its endpoint, dialect, streaming and key
/// (from getenv(api_key_env)), with short timeouts and one retry.
ProviderOptions probe_provider_options(const ModelConfig& model);

/// Builds the provider for `model` and runs the battery. A model whose key variable
/// is unset, or whose provider cannot be built, gets a report with one failed check
/// named "setup". A managed server (`[model.server]`) must already be running.
ProbeReport probe_config(const ModelConfig& model, const ProbeOptions& options);

/// For `showdown run --probe-first`: true when `model` passes every check; otherwise
/// false with `*why` = "probe failed: CHECK: detail" for the first failing check.
bool probe_passes(const ModelConfig& model, std::string* why);

/// One row per check: model | check | result | latency | tokens | detail.
std::string format_probe_table(const std::vector<ProbeReport>& reports);

/// [{"model", "passed", "checks": [{"name", "passed", "detail", "latency_seconds",
/// "tokens"}]}], for --json.
nlohmann::json probe_reports_json(const std::vector<ProbeReport>& reports);

}  // namespace showdown
