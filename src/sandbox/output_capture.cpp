#include "sandbox/output_capture.h"

#include <algorithm>
#include <cstring>

namespace showdown {

OutputCapture::OutputCapture(size_t cap) : head_cap_(cap / 2), tail_(cap - cap / 2) {
  head_.reserve(head_cap_);
}

void OutputCapture::append(const char* data, size_t size) {
  total_ += static_cast<int64_t>(size);
  size_t to_head = std::min(size, head_cap_ - head_.size());
  head_.append(data, to_head);
  data += to_head;
  size -= to_head;
  if (size == 0 || tail_.empty()) return;
  if (size >= tail_.size()) {
    data += size - tail_.size();
    size = tail_.size();
  }
  size_t first = std::min(size, tail_.size() - tail_next_);
  std::memcpy(tail_.data() + tail_next_, data, first);
  std::memcpy(tail_.data(), data + first, size - first);
  tail_next_ = (tail_next_ + size) % tail_.size();
  tail_size_ = std::min(tail_.size(), tail_size_ + size);
}

std::string OutputCapture::text() const {
  std::string out = head_;
  int64_t dropped = total_ - static_cast<int64_t>(head_.size() + tail_size_);
  if (dropped > 0) out += "\n[... " + std::to_string(dropped) + " bytes cut ...]\n";
  size_t start = (tail_next_ + tail_.size() - tail_size_) % std::max<size_t>(tail_.size(), 1);
  size_t first = std::min(tail_size_, tail_.size() - start);
  out.append(tail_.data() + start, first);
  out.append(tail_.data(), tail_size_ - first);
  return out;
}

}  // namespace showdown
