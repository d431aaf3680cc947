#pragma once
// A command's output kept in bounded memory however much it prints: the first
// half of the cap, the last half (a ring), and a count of every byte.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace showdown {

class OutputCapture {
 public:
  explicit OutputCapture(size_t cap);
  void append(const char* data, size_t size);
  int64_t total() const { return total_; }
  /// What was kept; when bytes were dropped, a note in the middle says how many.
  std::string text() const;

 private:
  size_t head_cap_;
  std::string head_;
  std::vector<char> tail_;  // ring of the latest bytes after the head filled
  size_t tail_next_ = 0;    // where the next byte goes
  size_t tail_size_ = 0;
  int64_t total_ = 0;
};

}  // namespace showdown
