#include "cli/cli.h"

#include <cstdio>
#include <cstring>
#include <string>

#include "sandbox/sandbox.h"

namespace showdown {

namespace {

struct Subcommand {
  const char* name;
  const char* help;
  int (*run)(int argc, char** argv);
};

const Subcommand kSubcommands[] = {
    {"run", "run a showdown: every model on the task, blind, each on its own branch", run_command},
    {"unseal", "verify the seal and reveal which model each run was", unseal_command},
    {"report", "print a showdown's report from DIR/results.json (md, json, csv, html)", report_command},
    {"analyze", "detectors over one transcript, JSON to stdout", analyze_command},
    {"demo", "the study re-enacted by six scripted stand-ins: no GPU, no API key", demo_command},
    {"probe", "check in seconds that each model can make tool calls at all", probe_command},
    {"serve-script", "scripted OpenAI/Anthropic-compatible model server", serve_script_command},
};

void usage(FILE* out) {
  fprintf(out, "usage: showdown COMMAND [options]   (showdown COMMAND --help for its options)\n\n");
  for (const auto& s : kSubcommands) fprintf(out, "  %-13s %s\n", s.name, s.help);
}

}  // namespace

int cli_main(int argc, char** argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  std::string name = argv[1];
  if (name == "__sandbox-init") return sandbox_init_main(argc - 1, argv + 1);
  if (name == "-h" || name == "--help" || name == "help") {
    usage(stdout);
    return 0;
  }
  if (name == "--version") {
    printf("showdown 0.1.0\n");
    return 0;
  }
  for (const auto& s : kSubcommands)
    if (name == s.name) return s.run(argc - 1, argv + 1);
  fprintf(stderr, "showdown: unknown command '%s'\n", name.c_str());
  usage(stderr);
  return 2;
}

}  // namespace showdown
