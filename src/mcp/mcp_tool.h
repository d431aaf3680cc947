#pragma once
// An MCP server's tools offered to the model beside the built-in ones. A call's
// text items become the output the model reads; images are saved as files (the
// transcript records their paths in ToolOutcome.extra["images"]); a server that
// died is an infrastructure failure, not the model's.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <vector>

#include "mcp/client.h"
#include "tools/tool.h"

namespace showdown {

/// One Tool per tool the server lists, all sharing `client`. Images returned by
/// calls are written to `save_dir` (created when needed) as
/// SERVER-TOOL-N.png/.jpg, never overwriting an earlier file. Output beyond
/// `output_cap` bytes is cut, with a note. Empty with *err when tools/list fails.
std::vector<std::unique_ptr<Tool>> make_mcp_tools(std::shared_ptr<McpClient> client,
                                                  const std::filesystem::path& save_dir,
                                                  std::string* err = nullptr,
                                                  size_t output_cap = 256 * 1024);

}  // namespace showdown
