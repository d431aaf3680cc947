#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/cli.h"
#include "showdown/showdown.h"

namespace showdown {

int run_command(int argc, char** argv) {
  CLI::App app{"Run a showdown: every model on the task, blind, each on its own branch.",
               "showdown run"};
  ShowdownOptions options;
  std::string task, models, out, resume;
  uint64_t seed = 0;
  app.add_option("--task", task, "task.toml or its folder");
  app.add_option("--models", models, "models.toml");
  app.add_option("--model", options.only_models, "run only this model (repeatable)");
  app.add_option("--trials", options.trials, "runs per model")->check(CLI::PositiveNumber);
  app.add_option("--out", out, "output directory (default: ./showdown-<time>)");
  auto* seed_opt = app.add_option("--seed", seed, "seed of the sealed assignment, to reproduce it");
  app.add_option("--resume", resume, "continue the showdown in this directory");
  app.add_option("--parallel", options.parallel, "runs at once (never two managed servers)")
      ->check(CLI::PositiveNumber);
  app.add_flag("--probe-first", options.probe_first,
               "probe each model first and skip those that cannot make tool calls");
  app.add_flag("--interactive", options.interactive,
               "read nudges typed as 'run-N: message' on stdin");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!resume.empty()) {
    options.resume = true;
    options.out = resume;
  } else {
    if (task.empty() || models.empty()) {
      std::cerr << "showdown run: --task and --models are required (or --resume DIR)\n";
      return 2;
    }
    options.task = task;
    options.models = models;
    options.out = out;
  }
  if (*seed_opt) options.seed = seed;
  options.init_binary = std::filesystem::read_symlink("/proc/self/exe");
  options.progress = &std::cerr;
  std::string err;
  int code = run_showdown(options, &err);
  if (!err.empty()) std::cerr << "showdown run: " << err << "\n";
  return code;
}

}  // namespace showdown
