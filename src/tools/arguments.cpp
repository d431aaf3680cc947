#include "tools/arguments.h"

namespace showdown {

bool string_argument(const nlohmann::json& arguments, const std::string& tool,
                     const std::string& name, std::string* value, std::string* err) {
  if (!arguments.is_object() || !arguments.contains(name)) {
    *err = tool + " needs the string argument \"" + name + "\"";
    return false;
  }
  const nlohmann::json& argument = arguments[name];
  if (!argument.is_string()) {
    *err = "the argument \"" + name + "\" of " + tool + " must be a string, not " +
           (argument.is_null() ? "null" : std::string("a ") + argument.type_name());
    return false;
  }
  *value = argument.get<std::string>();
  return true;
}

ToolOutcome tool_error(const std::string& message) {
  ToolOutcome outcome;
  outcome.output = message;
  outcome.is_error = true;
  return outcome;
}

nlohmann::json string_parameters(
    const std::vector<std::pair<std::string, std::string>>& properties) {
  nlohmann::json schema = {{"type", "object"},
                           {"properties", nlohmann::json::object()},
                           {"required", nlohmann::json::array()}};
  for (const auto& [name, description] : properties) {
    schema["properties"][name] = {{"type", "string"}, {"description", description}};
    schema["required"].push_back(name);
  }
  return schema;
}

}  // namespace showdown
