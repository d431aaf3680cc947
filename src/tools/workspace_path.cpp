#include "tools/workspace_path.h"

#include <fstream>
#include <sstream>

#include "sandbox/path_map.h"
#include "sandbox/sandbox.h"

namespace showdown {

namespace fs = std::filesystem;

bool workspace_path(const ToolConfig& config, const std::string& path, std::string* inside,
                    fs::path* host, std::string* err) {
  if (!config.sandbox) {
    *err = "no sandbox is configured for file tools";
    return false;
  }
  *inside = PathMap(config.home).absolute(path);
  return config.sandbox->to_host(path, host, err);
}

bool read_workspace_file(const fs::path& host, const std::string& inside, std::string* content,
                         std::string* err) {
  std::error_code ec;
  fs::file_status status = fs::status(host, ec);
  if (!fs::exists(status)) {
    *err = "no such file: " + inside;
    return false;
  }
  if (fs::is_directory(status)) {
    *err = inside + " is a directory, not a file; list it with execute (ls " + inside + ")";
    return false;
  }
  if (!fs::is_regular_file(status)) {
    *err = inside + " is not a regular file";
    return false;
  }
  std::ifstream in(host, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in.good() && !in.eof()) {
    *err = "cannot read " + inside;
    return false;
  }
  *content = text.str();
  return true;
}

bool write_workspace_file(const fs::path& host, const std::string& inside,
                          const std::string& content, std::string* err) {
  std::error_code ec;
  if (fs::is_directory(host, ec)) {
    *err = inside + " is a directory; give the path of a file";
    return false;
  }
  fs::create_directories(host.parent_path(), ec);
  if (ec) {
    *err = "cannot create the folders of " + inside + ": " + ec.message();
    return false;
  }
  std::ofstream out(host, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) {
    *err = "cannot write " + inside;
    return false;
  }
  return true;
}

}  // namespace showdown
