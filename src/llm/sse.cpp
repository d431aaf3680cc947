#include "llm/sse.h"

namespace showdown {

void SseParser::feed(std::string_view bytes, std::vector<SseEvent>* events) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    if (after_cr_) {
      after_cr_ = false;
      if (bytes[pos] == '\n') {
        ++pos;
        continue;
      }
    }
    size_t end = bytes.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) {
      line_.append(bytes.substr(pos));
      return;
    }
    line_.append(bytes.substr(pos, end - pos));
    after_cr_ = bytes[end] == '\r';
    pos = end + 1;
    take_line(events);
  }
}

void SseParser::finish(std::vector<SseEvent>* events) {
  if (!line_.empty()) take_line(events);
  dispatch(events);
  after_cr_ = false;
  first_line_ = true;
}

void SseParser::take_line(std::vector<SseEvent>* events) {
  std::string_view line = line_;
  if (first_line_) {
    first_line_ = false;
    if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
  }
  if (line.empty()) {
    dispatch(events);
  } else if (line.front() != ':') {
    size_t colon = line.find(':');
    std::string_view field = line.substr(0, colon);
    std::string_view value;
    if (colon != std::string_view::npos) {
      value = line.substr(colon + 1);
      if (value.starts_with(' ')) value.remove_prefix(1);
    }
    if (field == "data") {
      if (has_data_) data_ += '\n';
      data_.append(value);
      has_data_ = true;
    } else if (field == "event") {
      event_ = std::string(value);
    }
  }
  line_.clear();
}

void SseParser::dispatch(std::vector<SseEvent>* events) {
  if (has_data_) events->push_back({std::move(event_), std::move(data_)});
  event_.clear();
  data_.clear();
  has_data_ = false;
}

}  // namespace showdown
