#include <chrono>

#include "tools/arguments.h"
#include "tools/tool.h"
#include "tools/utf8.h"
#include "tools/workspace_path.h"

namespace showdown {

namespace {

class ReadFileTool : public Tool {
 public:
  explicit ReadFileTool(const ToolConfig& config) : config_(config) {
    spec_.name = "read_file";
    spec_.description =
        "Read a text file and return its content. Relative paths start at your home folder " +
        config.home + ". Only the first " + std::to_string(config.read_cap) +
        " bytes of a longer file are returned.";
    spec_.parameters = string_parameters(
        {{"path", "the file to read, relative to " + config.home + " or absolute"}});
  }

  const ToolSpec& spec() const override { return spec_; }

  ToolOutcome call(const nlohmann::json& arguments) override {
    auto start = std::chrono::steady_clock::now();
    ToolOutcome outcome = read(arguments);
    outcome.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return outcome;
  }

 private:
  ToolOutcome read(const nlohmann::json& arguments) {
    std::string path, inside, content, err;
    std::filesystem::path host;
    if (!string_argument(arguments, "read_file", "path", &path, &err) ||
        !workspace_path(config_, path, &inside, &host, &err) ||
        !read_workspace_file(host, inside, &content, &err))
      return tool_error(err);
    ToolOutcome outcome;
    size_t shown = std::min(content.size(), config_.read_cap);
    if (content.find('\0') < shown) {
      outcome.output = inside + " is a binary file (" + std::to_string(content.size()) +
                       " bytes); it is not shown";
      return outcome;
    }
    if (content.empty()) {
      outcome.output = "(" + inside + " is empty)";
      return outcome;
    }
    outcome.output = valid_utf8(content.substr(0, shown));
    if (shown < content.size())
      outcome.output += "\n[... " + inside + " is " + std::to_string(content.size()) +
                        " bytes; only the first " + std::to_string(shown) +
                        " are shown: read the rest with execute, e.g. tail -c or sed -n ...]";
    return outcome;
  }

  ToolConfig config_;
  ToolSpec spec_;
};

}  // namespace

std::unique_ptr<Tool> make_read_file_tool(const ToolConfig& config) {
  return std::make_unique<ReadFileTool>(config);
}

}  // namespace showdown
