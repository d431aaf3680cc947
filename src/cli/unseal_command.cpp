#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/cli.h"
#include "seal/seal.h"
#include "showdown/showdown.h"

namespace showdown {

namespace fs = std::filesystem;

namespace {

/// Server logs were kept hex-encoded under .seal/ while sealed; now they go to
/// their runs as plain text.
void reveal_server_logs(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir / ".seal" / "server-logs", ec)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::string hex((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string bytes;
    bytes.reserve(hex.size() / 2);
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
      bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    fs::path run = dir / "runs" / entry.path().stem();
    fs::create_directories(run, ec);
    std::ofstream(run / "server.log", std::ios::binary) << bytes;
  }
}

}  // namespace

int unseal_command(int argc, char** argv) {
  CLI::App app{"Verify a showdown's seal and reveal which model each run was.", "showdown unseal"};
  std::string dir;
  app.add_option("DIR", dir, "the showdown's output directory")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  std::vector<Assignment> assignments;
  std::string err;
  if (!unseal(dir, &assignments, &err)) {
    std::cerr << "showdown unseal: " << err << "\n";
    return 2;
  }
  reveal_server_logs(dir);
  if (fs::exists(fs::path(dir) / "showdown.json") && !write_results(dir, &err)) {
    std::cerr << "showdown unseal: " << err << "\n";
    return 1;
  }
  std::cout << "seal verified\n";
  for (const auto& a : assignments)
    std::cout << a.run << "  " << a.model << "  (trial " << a.trial << ")\n";
  return 0;
}

}  // namespace showdown
