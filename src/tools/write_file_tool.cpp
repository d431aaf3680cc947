#include <chrono>

#include "tools/arguments.h"
#include "tools/tool.h"
#include "tools/workspace_path.h"

namespace showdown {

namespace {

class WriteFileTool : public Tool {
 public:
  explicit WriteFileTool(const ToolConfig& config) : config_(config) {
    spec_.name = "write_file";
    spec_.description =
        "Write a file, replacing it if it exists and creating missing folders. Relative paths "
        "start at your home folder " +
        config.home + ".";
    spec_.parameters = string_parameters(
        {{"path", "the file to write, relative to " + config.home + " or absolute"},
         {"content", "the whole new content of the file"}});
  }

  const ToolSpec& spec() const override { return spec_; }

  ToolOutcome call(const nlohmann::json& arguments) override {
    auto start = std::chrono::steady_clock::now();
    ToolOutcome outcome = write(arguments);
    outcome.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return outcome;
  }

 private:
  ToolOutcome write(const nlohmann::json& arguments) {
    std::string path, content, inside, err;
    std::filesystem::path host;
    if (!string_argument(arguments, "write_file", "path", &path, &err) ||
        !string_argument(arguments, "write_file", "content", &content, &err) ||
        !workspace_path(config_, path, &inside, &host, &err) ||
        !write_workspace_file(host, inside, content, &err))
      return tool_error(err);
    ToolOutcome outcome;
    outcome.output = "wrote " + std::to_string(content.size()) + " bytes to " + inside;
    return outcome;
  }

  ToolConfig config_;
  ToolSpec spec_;
};

}  // namespace

std::unique_ptr<Tool> make_write_file_tool(const ToolConfig& config) {
  return std::make_unique<WriteFileTool>(config);
}

}  // namespace showdown
