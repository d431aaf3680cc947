#pragma once
// Reading a tool call's arguments as the model sent them, and the error the
// model reads when they are missing or of the wrong type.
#include <nlohmann/json.hpp>
#include <string>

#include "tools/tool.h"

namespace showdown {

/// The string argument `name` of `tool`; false with a message for the model when
/// it is missing or not a string.
bool string_argument(const nlohmann::json& arguments, const std::string& tool,
                     const std::string& name, std::string* value, std::string* err);

/// An outcome the model reads as a failed call.
ToolOutcome tool_error(const std::string& message);

/// JSON Schema of an object whose listed properties are all required strings,
/// each with its description.
nlohmann::json string_parameters(
    const std::vector<std::pair<std::string, std::string>>& properties);

}  // namespace showdown
