#pragma once
// The demo showdown: six scripted stand-ins re-enact the six runs of Model
// Showdown Round 7 on the bundled tag-manager task, without a GPU or an API key.
// The stand-ins only say what to do; the real build, git and checks score them.
// Their scripts (demo/*.json) and models (demo/models.toml) live beside the task.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

namespace showdown {

/// The seed of the demo's sealed assignment, so every demo labels its runs alike.
constexpr uint64_t kDemoSeed = 7;

/// Finds the folder holding tasks/tag-manager/ and demo/: SHOWDOWN_DATA_DIR when
/// set, else the executable's folder's parent or grandparent (the source tree
/// when built in build/ or build-x/). False with *err naming the places tried.
bool find_demo_data(const std::filesystem::path& executable, std::filesystem::path* dir,
                    std::string* err);

/// A fresh output directory for the demo: `base` itself unless it already holds a
/// showdown, else base-2, base-3, ...
std::filesystem::path fresh_demo_dir(const std::filesystem::path& base);

struct DemoOptions {
  std::filesystem::path data_dir;     // from find_demo_data
  std::filesystem::path out;          // must not hold a showdown yet
  std::optional<uint64_t> seed;       // unset: kDemoSeed
  int parallel = 2;
  std::filesystem::path init_binary;  // the showdown binary, for sandboxes
  std::ostream* progress = nullptr;   // live view and progress lines
};

/// Serves the demo's scripts in-process on a free port, writes OUT/models.toml
/// pointing the stand-ins at it, runs the showdown sealed, then unseals it and
/// rewrites results and reports with model names. Returns run_showdown's code
/// (0; 1 when some run hit an infrastructure error, still unsealed and
/// reported; 2 on bad input, with *err).
int run_demo(const DemoOptions& options, std::string* err);

}  // namespace showdown
