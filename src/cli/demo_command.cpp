#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/cli.h"
#include "demo/demo.h"

namespace showdown {

namespace fs = std::filesystem;

int demo_command(int argc, char** argv) {
  CLI::App app{"Run the demo showdown: six scripted stand-ins re-enact Model Showdown Round 7 on "
               "the tag-manager task, then unseal it and print the report.",
               "showdown demo"};
  std::string out;
  uint64_t seed = kDemoSeed;
  DemoOptions options;
  app.add_option("--out", out, "output directory (default: ./showdown-demo, or -2, -3... if taken)");
  app.add_option("--seed", seed, "seed of the sealed assignment")->capture_default_str();
  app.add_option("--parallel", options.parallel, "runs at once")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  options.init_binary = fs::read_symlink("/proc/self/exe");
  std::string err;
  if (!find_demo_data(options.init_binary, &options.data_dir, &err)) {
    std::cerr << "showdown demo: " << err << "\n";
    return 2;
  }
  options.out = fs::absolute(out.empty() ? fresh_demo_dir("showdown-demo") : fs::path(out));
  options.seed = seed;
  options.progress = &std::cerr;
  std::cerr << "showdown demo: " << options.out.string() << "\n";
  int code = run_demo(options, &err);
  if (!err.empty()) std::cerr << "showdown demo: " << err << "\n";
  if (code == 2) return code;

  std::ifstream report(options.out / "report.md");
  if (!report) {
    std::cerr << "showdown demo: " << (options.out / "report.md").string() << ": cannot read\n";
    return 1;
  }
  std::cout << report.rdbuf() << "\n";
  std::cout << "HTML report: " << (options.out / "report.html").string() << "\n";
  return code;
}

}  // namespace showdown
