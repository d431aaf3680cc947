#include <chrono>

#include "tools/arguments.h"
#include "tools/tool.h"
#include "tools/workspace_path.h"

namespace showdown {

namespace {

size_t count_occurrences(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size()))
    ++count;
  return count;
}

class EditFileTool : public Tool {
 public:
  explicit EditFileTool(const ToolConfig& config) : config_(config) {
    spec_.name = "edit_file";
    spec_.description =
        "Replace one exact piece of text in a file. `old` must occur exactly once in the file, "
        "matching it character for character, whitespace and indentation included; include "
        "enough surrounding lines to make it unique. Relative paths start at your home folder " +
        config.home + ".";
    spec_.parameters = string_parameters(
        {{"path", "the file to edit, relative to " + config.home + " or absolute"},
         {"old", "the exact text to replace; it must occur exactly once"},
         {"new", "the text to put in its place"}});
  }

  const ToolSpec& spec() const override { return spec_; }

  ToolOutcome call(const nlohmann::json& arguments) override {
    auto start = std::chrono::steady_clock::now();
    ToolOutcome outcome = edit(arguments);
    outcome.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return outcome;
  }

 private:
  ToolOutcome edit(const nlohmann::json& arguments) {
    std::string path, old_text, new_text, inside, content, err;
    std::filesystem::path host;
    if (!string_argument(arguments, "edit_file", "path", &path, &err) ||
        !string_argument(arguments, "edit_file", "old", &old_text, &err) ||
        !string_argument(arguments, "edit_file", "new", &new_text, &err))
      return tool_error(err);
    if (old_text.empty())
      return tool_error(
          "\"old\" is empty; give the exact text to replace (to write a whole "
          "file, use write_file)");
    if (!workspace_path(config_, path, &inside, &host, &err) ||
        !read_workspace_file(host, inside, &content, &err))
      return tool_error(err);
    size_t count = count_occurrences(content, old_text);
    if (count == 0)
      return tool_error("the old text was not found in " + inside +
                        "; it must match the file exactly, whitespace and indentation included "
                        "(read the file to see its current content)");
    if (count > 1)
      return tool_error("the old text occurs " + std::to_string(count) + " times in " + inside +
                        "; include more of the surrounding lines so that it occurs exactly once");
    content.replace(content.find(old_text), old_text.size(), new_text);
    if (!write_workspace_file(host, inside, content, &err)) return tool_error(err);
    ToolOutcome outcome;
    outcome.output = "replaced 1 occurrence in " + inside;
    return outcome;
  }

  ToolConfig config_;
  ToolSpec spec_;
};

}  // namespace

std::unique_ptr<Tool> make_edit_file_tool(const ToolConfig& config) {
  return std::make_unique<EditFileTool>(config);
}

}  // namespace showdown
