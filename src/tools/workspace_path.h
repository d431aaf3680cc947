#pragma once
// Where a file tool's path argument leads: the inside path the model should see
// in messages, and the host path to touch.
#include <filesystem>
#include <string>

#include "tools/tool.h"

namespace showdown {

/// False with a message for the model when the path leads outside the workspace.
bool workspace_path(const ToolConfig& config, const std::string& path, std::string* inside,
                    std::filesystem::path* host, std::string* err);

/// Reads a whole file; false with a message naming `inside` when it cannot.
bool read_workspace_file(const std::filesystem::path& host, const std::string& inside,
                         std::string* content, std::string* err);

/// Writes a whole file, creating missing parent folders.
bool write_workspace_file(const std::filesystem::path& host, const std::string& inside,
                          const std::string& content, std::string* err);

}  // namespace showdown
