#include "showdown/showdown.h"

#include <algorithm>
#include <fstream>
#include <map>

#include "report/reporter.h"
#include "seal/seal.h"
#include "showdown/json_file.h"
#include "store/store.h"
#include "transcript/transcript.h"

namespace showdown {

namespace fs = std::filesystem;

bool write_results(const fs::path& out, std::string* err) {
  nlohmann::json meta;
  if (!read_json_file(out / "showdown.json", &meta, err)) return false;
  ShowdownResult result;
  ShowdownInfo& info = result.showdown;
  info.task = meta.value("task", "");
  info.base_sha = meta.value("base_sha", "");
  info.models = meta.value("models", 0);
  info.trials = meta.value("trials", 1);
  info.models_sha256 = meta.value("models_sha256", "");
  info.started_at = meta.value("started_at", "");
  info.finished_at = meta.value("finished_at", "");
  info.build_command = meta.value("build_command", "");
  info.sealed = is_sealed(out);

  std::map<std::string, std::string> names;
  if (!info.sealed) {
    nlohmann::json seal_json;
    if (!read_json_file(out / "seal.json", &seal_json, err)) return false;
    const nlohmann::json mapping = seal_json.value("mapping", nlohmann::json::object());
    for (auto it = mapping.begin(); it != mapping.end(); ++it)
      if (it.value().is_string()) names[it.key()] = it.value().get<std::string>();
  }

  std::map<std::string, std::vector<Record>> transcripts;
  std::error_code ec;
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(out / "runs", ec)) dirs.push_back(entry.path());
  auto number = [](const fs::path& p) {
    std::string s = p.filename().string();
    return std::atoi(s.c_str() + s.find('-') + 1);
  };
  std::sort(dirs.begin(), dirs.end(), [&](const fs::path& a, const fs::path& b) {
    return number(a) < number(b);
  });
  for (const auto& dir : dirs) {
    nlohmann::json j;
    std::string ignored;
    if (!read_json_file(dir / "result.json", &j, &ignored)) continue;
    RunResult run;
    if (!run_result_from_json(j, &run, err)) {
      *err = (dir / "result.json").string() + ": " + *err;
      return false;
    }
    if (names.count(run.run)) run.model = names[run.run];
    std::vector<Record> records;
    if (read_transcript(dir / "transcript.jsonl", &records, &ignored)) transcripts[run.run] = records;
    result.runs.push_back(std::move(run));
  }
  if (!write_json_file(out / "results.json", to_json(result), err)) return false;
  std::ofstream md(out / "report.md");
  if (!write_report(result, "md", md, err)) return false;
  std::ofstream html(out / "report.html");
  if (!write_report(result, "html", html, err, &transcripts)) return false;
  return write_store(out / "showdown.db", result, transcripts, err);
}

}  // namespace showdown
