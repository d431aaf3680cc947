#include "mcp/mcp_tool.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mcp/base64.h"
#include "tools/utf8.h"

namespace showdown {

namespace {

std::string file_part(const std::string& name) {
  std::string out;
  for (char c : name) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-' || c == '.';
    out += plain ? c : '_';
  }
  return out.empty() ? "tool" : out;
}

std::string extension_for(const std::string& mime_type) {
  if (mime_type == "image/png") return ".png";
  if (mime_type == "image/jpeg" || mime_type == "image/jpg") return ".jpg";
  if (mime_type == "image/gif") return ".gif";
  if (mime_type == "image/webp") return ".webp";
  return ".bin";
}

std::string string_field(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return "";
  return object[key].get<std::string>();
}

// Writes `bytes` to the first free STEM-N.EXT in `dir`, never replacing a file
// (a resumed run saves beside the images of its first part).
bool save_new_file(const std::filesystem::path& dir, const std::string& stem,
                   const std::string& extension, const std::string& bytes,
                   std::filesystem::path* saved, std::string* err) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  for (int n = 1; n < 100000; ++n) {
    std::filesystem::path path = dir / (stem + "-" + std::to_string(n) + extension);
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) continue;
    if (fd < 0) {
      *err = "cannot create " + path.string() + ": " + strerror(errno);
      return false;
    }
    size_t written = 0;
    while (written < bytes.size()) {
      ssize_t w = write(fd, bytes.data() + written, bytes.size() - written);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        *err = "cannot write " + path.string() + ": " + strerror(errno);
        close(fd);
        return false;
      }
      written += static_cast<size_t>(w);
    }
    close(fd);
    *saved = path;
    return true;
  }
  *err = "no free file name for " + stem + " in " + dir.string();
  return false;
}

std::string cap(std::string text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t total = text.size();
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text + "\n[output cut: " + std::to_string(total) + " bytes in all, the first " +
         std::to_string(cut) + " shown]";
}

class McpTool : public Tool {
 public:
  McpTool(std::shared_ptr<McpClient> client, const McpToolInfo& info,
          std::filesystem::path save_dir, size_t output_cap)
      : client_(std::move(client)), save_dir_(std::move(save_dir)), output_cap_(output_cap) {
    spec_.name = info.name;
    spec_.description = info.description;
    spec_.parameters = info.input_schema;
  }

  const ToolSpec& spec() const override { return spec_; }

  ToolOutcome call(const nlohmann::json& arguments) override {
    ToolOutcome outcome;
    outcome.extra = {{"mcp_server", client_->name()}};
    McpReply reply = client_->call_tool(spec_.name, arguments);
    switch (reply.status) {
      case McpReply::Status::server_gone:
        outcome.is_error = true;
        outcome.infrastructure_failure = true;
        outcome.output = reply.message;
        return outcome;
      case McpReply::Status::timed_out:
        outcome.is_error = true;
        outcome.output = reply.message;
        return outcome;
      case McpReply::Status::error:
        outcome.is_error = true;
        outcome.output = "MCP error" +
                         (reply.error_code ? " " + std::to_string(reply.error_code) : "") + ": " +
                         reply.message;
        return outcome;
      case McpReply::Status::result:
        break;
    }
    const nlohmann::json& result = reply.result;
    outcome.is_error = result.is_object() && result.contains("isError") &&
                       result["isError"].is_boolean() && result["isError"].get<bool>();
    std::vector<std::string> parts;
    nlohmann::json images = nlohmann::json::array();
    if (result.is_object() && result.contains("content") && result["content"].is_array()) {
      for (const auto& item : result["content"]) parts.push_back(describe(item, &images));
    }
    if (parts.empty() && result.is_object() && result.contains("structuredContent"))
      parts.push_back(result["structuredContent"].dump(2, ' ', false,
                                                       nlohmann::json::error_handler_t::replace));
    std::string output;
    for (const auto& part : parts) {
      if (part.empty()) continue;
      output += (output.empty() ? "" : "\n") + part;
    }
    if (output.empty()) output = "(" + spec_.name + " returned no content)";
    outcome.output = cap(valid_utf8(output), output_cap_);
    if (!images.empty()) outcome.extra["images"] = images;
    return outcome;
  }

 private:
  std::string describe(const nlohmann::json& item, nlohmann::json* images) {
    std::string type = string_field(item, "type");
    if (type == "text") return string_field(item, "text");
    if (type == "image") {
      std::string mime_type = string_field(item, "mimeType");
      std::string bytes, err;
      if (!decode_base64(string_field(item, "data"), &bytes))
        return "[image " + mime_type + ": its data is not valid base64, not saved]";
      std::filesystem::path saved;
      if (!save_new_file(save_dir_, file_part(client_->name()) + "-" + file_part(spec_.name),
                         extension_for(mime_type), bytes, &saved, &err))
        return "[image " + mime_type + ": not saved: " + err + "]";
      images->push_back(saved.string());
      return "[image " + mime_type + ", " + std::to_string(bytes.size()) +
             " bytes, saved by the harness as " + saved.filename().string() + "]";
    }
    if (type == "resource") {
      const nlohmann::json resource = item.contains("resource") ? item["resource"] : nullptr;
      std::string text = string_field(resource, "text");
      return text.empty() ? "[resource " + string_field(resource, "uri") + "]" : text;
    }
    if (type == "resource_link") return "[resource link " + string_field(item, "uri") + "]";
    return "[" + (type.empty() ? std::string("untyped") : type) + " content not shown]";
  }

  std::shared_ptr<McpClient> client_;
  std::filesystem::path save_dir_;
  size_t output_cap_;
  ToolSpec spec_;
};

}  // namespace

std::vector<std::unique_ptr<Tool>> make_mcp_tools(std::shared_ptr<McpClient> client,
                                                  const std::filesystem::path& save_dir,
                                                  std::string* err, size_t output_cap) {
  std::vector<std::unique_ptr<Tool>> tools;
  std::vector<McpToolInfo> infos;
  std::string list_err;
  if (err) err->clear();
  if (!client->list_tools(&infos, &list_err)) {
    if (err) *err = list_err;
    return tools;
  }
  for (const auto& info : infos)
    tools.push_back(std::make_unique<McpTool>(client, info, save_dir, output_cap));
  return tools;
}

}  // namespace showdown
