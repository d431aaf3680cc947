#include <chrono>

#include "tools/arguments.h"
#include "tools/tool.h"

namespace showdown {

void Toolbox::add(std::unique_ptr<Tool> tool) { tools_.push_back(std::move(tool)); }

std::vector<ToolSpec> Toolbox::specs() const {
  std::vector<ToolSpec> specs;
  for (const auto& tool : tools_) specs.push_back(tool->spec());
  return specs;
}

bool Toolbox::has(const std::string& name) const {
  for (const auto& tool : tools_)
    if (tool->spec().name == name) return true;
  return false;
}

ToolOutcome Toolbox::call(const ToolCall& call) {
  auto start = std::chrono::steady_clock::now();
  Tool* found = nullptr;
  std::string names;
  for (const auto& tool : tools_) {
    if (tool->spec().name == call.name) found = tool.get();
    names += (names.empty() ? "" : ", ") + tool->spec().name;
  }
  ToolOutcome outcome;
  if (!found) {
    outcome = tool_error("there is no tool named \"" + call.name + "\"; the tools are: " + names);
  } else if (!call.arguments_error.empty() || !call.arguments.is_object()) {
    std::string fields;
    const nlohmann::json& parameters = found->spec().parameters;
    if (parameters.is_object() && parameters.contains("properties") &&
        parameters["properties"].is_object()) {
      for (const auto& [field, schema] : parameters["properties"].items())
        fields += (fields.empty() ? "" : ", ") + field;
    }
    outcome = tool_error("the arguments of " + call.name + " are not a JSON object" +
                         (call.arguments_error.empty() ? "" : " (" + call.arguments_error + ")") +
                         "; send one JSON object with the fields: " + fields);
  } else {
    outcome = found->call(call.arguments);
  }
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return outcome;
}

}  // namespace showdown
