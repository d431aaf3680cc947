#include "showdown/json_file.h"

#include <fstream>

namespace showdown {

bool read_json_file(const std::filesystem::path& path, nlohmann::json* j, std::string* err) {
  std::ifstream in(path);
  if (!in) {
    *err = path.string() + ": cannot read";
    return false;
  }
  *j = nlohmann::json::parse(in, nullptr, false);
  if (j->is_discarded()) {
    *err = path.string() + ": not valid JSON";
    return false;
  }
  return true;
}

bool write_json_file(const std::filesystem::path& path, const nlohmann::json& j, std::string* err) {
  std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp);
    out << j.dump(2) << "\n";
    if (!out) {
      *err = path.string() + ": cannot write";
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    *err = path.string() + ": cannot write: " + ec.message();
    return false;
  }
  return true;
}

}  // namespace showdown
