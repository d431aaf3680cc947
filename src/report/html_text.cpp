#include "report/html_text.h"

namespace showdown {

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string html_id(const std::string& label) {
  std::string out;
  for (char c : label) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_';
    out += keep ? c : '_';
  }
  return out.empty() ? "run" : out;
}

std::string message_anchor(const std::string& run, int message) {
  return html_id(run) + "-m" + std::to_string(message);
}

}  // namespace showdown
