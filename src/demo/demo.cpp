#include "demo/demo.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "scripted/server.h"
#include "seal/seal.h"
#include "showdown/showdown.h"

namespace showdown {

namespace fs = std::filesystem;

namespace {

const char* kTask = "tasks/tag-manager";
const char* kDemo = "demo";

bool holds_demo_data(const fs::path& dir) {
  std::error_code ec;
  return fs::exists(dir / kTask / "task.toml", ec) && fs::exists(dir / kDemo / "models.toml", ec);
}

bool read_text(const fs::path& path, std::string* text, std::string* err) {
  std::ifstream in(path);
  if (!in) {
    *err = path.string() + ": cannot read";
    return false;
  }
  std::ostringstream s;
  s << in.rdbuf();
  *text = s.str();
  return true;
}

/// demo/models.toml with {{port}} set to the script server's port.
bool write_models(const fs::path& data_dir, int port, const fs::path& dest, std::string* err) {
  std::string text;
  if (!read_text(data_dir / kDemo / "models.toml", &text, err)) return false;
  const std::string placeholder = "{{port}}";
  for (size_t pos; (pos = text.find(placeholder)) != std::string::npos;)
    text.replace(pos, placeholder.size(), std::to_string(port));
  std::ofstream out(dest);
  out << text;
  if (!out) {
    *err = dest.string() + ": cannot write";
    return false;
  }
  return true;
}

}  // namespace

bool find_demo_data(const fs::path& executable, fs::path* dir, std::string* err) {
  if (const char* env = std::getenv("SHOWDOWN_DATA_DIR"); env && *env) {
    if (holds_demo_data(env)) {
      *dir = fs::absolute(env);
      return true;
    }
    *err = std::string("SHOWDOWN_DATA_DIR=") + env + ": holds no " + kTask + "/task.toml and " +
           kDemo + "/models.toml";
    return false;
  }
  fs::path bin = fs::absolute(executable).parent_path();
  for (const fs::path& candidate : {bin.parent_path(), bin.parent_path().parent_path()}) {
    if (holds_demo_data(candidate)) {
      *dir = candidate;
      return true;
    }
  }
  *err = "cannot find the demo's " + std::string(kTask) + " and " + kDemo + "/ in " +
         bin.parent_path().string() + " or " + bin.parent_path().parent_path().string() +
         " (set SHOWDOWN_DATA_DIR to the folder holding them)";
  return false;
}

fs::path fresh_demo_dir(const fs::path& base) {
  std::error_code ec;
  fs::path dir = base;
  for (int n = 2; fs::exists(dir / "seal.json", ec); ++n)
    dir = base.string() + "-" + std::to_string(n);
  return dir;
}

int run_demo(const DemoOptions& options, std::string* err) {
  std::error_code ec;
  if (fs::exists(options.out / "seal.json", ec)) {
    *err = options.out.string() + ": already holds a showdown";
    return 2;
  }
  std::vector<Script> scripts;
  if (!load_scripts(options.data_dir / kDemo, &scripts, err)) return 2;
  ScriptServer server(std::move(scripts));
  if (!server.start("127.0.0.1", 0, err)) {
    *err = "demo script server: " + *err;
    return 1;
  }
  fs::create_directories(options.out, ec);
  if (ec) {
    *err = options.out.string() + ": cannot create: " + ec.message();
    return 2;
  }
  fs::path models = options.out / "models.toml";
  if (!write_models(options.data_dir, server.port(), models, err)) return 2;

  ShowdownOptions run;
  run.task = options.data_dir / kTask;
  run.models = models;
  run.out = options.out;
  run.seed = options.seed ? *options.seed : kDemoSeed;
  run.parallel = options.parallel;
  run.init_binary = options.init_binary;
  run.progress = options.progress;
  int code = run_showdown(run, err);
  server.stop();
  if (code == 2) return code;

  std::string run_error = code == 0 ? "" : *err;
  std::vector<Assignment> assignments;
  if (!unseal(options.out, &assignments, err) || !write_results(options.out, err)) return 1;
  *err = run_error;
  return code;
}

}  // namespace showdown
