// The same line or sentence, or the same short block of them, over and over in
// the assistant's text, across consecutive assistant messages (tool messages in
// between do not break a run: windows count assistant turns, not messages).
#include <cctype>
#include <deque>
#include <vector>

#include "detect/detector.h"

namespace showdown {

namespace {

struct Unit {
  std::string key;   // normalised
  std::string text;  // as written
  int message = 0;
};

// Case, spacing, bullets, numbering, markdown emphasis and end punctuation do not
// make a sentence different: "3. I'll check `a.ts`." equals "i'll check a.ts".
std::string normalise(const std::string& raw) {
  std::string s;
  for (char c : raw) {
    if (c == '*' || c == '`' || c == '_') continue;
    s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  // Leading bullets, quote marks and list numbers ("- ", "> ", "(3) ", "12. ").
  size_t i = 0;
  while (true) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t j = i;
    while (j < s.size() && (s[j] == '-' || s[j] == '+' || s[j] == '>' || s[j] == '#')) ++j;
    if (j == i && s.compare(i, 3, "\xe2\x80\xa2") == 0) j = i + 3;  // •
    if (j == i) {
      size_t d = i < s.size() && s[i] == '(' ? i + 1 : i;
      size_t e = d;
      while (e < s.size() && std::isdigit(static_cast<unsigned char>(s[e]))) ++e;
      if (e > d && e < s.size() && (s[e] == '.' || s[e] == ')' || s[e] == ':' || s[e] == ']'))
        j = e + 1;
    }
    if (j == i) break;
    i = j;
  }
  std::string out;
  for (size_t k = i; k < s.size(); ++k) {
    char c = s[k];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      while (k + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[k + 1]))) ++k;
      out += '#';
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == '.' || out.back() == '!' ||
                          out.back() == '?' || out.back() == ',' || out.back() == ';' ||
                          out.back() == ':'))
    out.pop_back();
  return out;
}

// Lines, each cut into sentences at . ! ? followed by a space.
std::vector<std::string> sentences(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
    size_t start = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      bool end = (line[i] == '.' || line[i] == '!' || line[i] == '?') &&
                 (i + 1 == line.size() || line[i + 1] == ' ' || line[i + 1] == '\t');
      if (end) {
        out.push_back(line.substr(start, i + 1 - start));
        start = i + 1;
      }
    }
    if (start < line.size()) out.push_back(line.substr(start));
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return out;
}

struct Best {
  int repeats = 0;
  int period = 1;  // sentences per repeated block
  int first_message = 0;
  int last_message = 0;
  std::string text;
};

// One text stream (the content, or the reasoning) across assistant messages.
class Stream {
 public:
  explicit Stream(int max_period)
      : run_(static_cast<size_t>(std::max(max_period, 1)) + 1, 0), start_(run_.size(), 0) {}

  void add_message(const std::vector<Unit>& units, int message, Best* best) {
    if (units.empty()) return;
    for (const auto& u : units) add(u, best);
    // A whole message said again, however many sentences long.
    std::string key;
    for (const auto& u : units) key += u.key + "\n";
    if (key == last_message_key_) {
      ++message_run_;
      int repeats = message_run_ + 1;
      if (repeats > best->repeats)
        *best = {repeats, static_cast<int>(units.size()), message_run_start_, message,
                 units.front().text + (units.size() > 1 ? " …" : "")};
    } else {
      message_run_ = 0;
      message_run_start_ = message;
      last_message_key_ = std::move(key);
    }
  }

 private:
  // For each period p, run_[p] counts the consecutive units equal to the unit p
  // before them; p + run_[p] units then hold (p + run_[p]) / p copies of a block.
  void add(const Unit& u, Best* best) {
    int max_period = static_cast<int>(run_.size()) - 1;
    for (int p = 1; p <= max_period; ++p) {
      if (static_cast<int>(window_.size()) >= p && window_[window_.size() - p].key == u.key) {
        if (run_[p] == 0) start_[p] = window_[window_.size() - p].message;
        ++run_[p];
        int repeats = (p + run_[p]) / p;
        if (repeats > best->repeats)
          *best = {repeats, p, start_[p], u.message, p == 1 ? u.text : block_text(p, u)};
      } else {
        run_[p] = 0;
      }
    }
    window_.push_back(u);
    if (static_cast<int>(window_.size()) > max_period) window_.pop_front();
  }

  std::string block_text(int p, const Unit& last) const {
    std::string text;
    for (size_t k = window_.size() - static_cast<size_t>(p) + 1; k < window_.size(); ++k)
      text += window_[k].text + " ";
    return text + last.text;
  }

  std::deque<Unit> window_;
  std::vector<int> run_;
  std::vector<int> start_;
  std::string last_message_key_;
  int message_run_ = 0;
  int message_run_start_ = 0;
};

class DegenerateRepetition : public Detector {
 public:
  explicit DegenerateRepetition(const DetectorConfig& c)
      : config_(c), content_(c.repetition_max_period), reasoning_(c.repetition_max_period) {}

  const char* kind() const override { return "degenerate_repetition"; }

  void feed(const Record& r, const RunContext&) override {
    if (text_field(r, "type") != "response") return;
    int message = int_field(r, "message");
    if (config_.repetition_include_reasoning)
      reasoning_.add_message(units(text_field(r, "reasoning"), message), message, &best_);
    content_.add_message(units(text_field(r, "content"), message), message, &best_);
  }

  std::optional<Pathology> current() const override {
    if (best_.repeats < config_.repetition_min_repeats) return std::nullopt;
    Pathology p;
    p.kind = kind();
    p.count = best_.repeats;
    p.first_message = best_.first_message;
    p.evidence = "\"" + excerpt(best_.text, static_cast<size_t>(config_.evidence_max_chars)) +
                 "\" repeated " + std::to_string(best_.repeats) + " times in a row";
    p.detail = {{"period", best_.period},
                {"messages", best_.last_message - best_.first_message + 1}};
    return p;
  }

 private:
  std::vector<Unit> units(const std::string& text, int message) const {
    std::vector<Unit> out;
    for (auto& sentence : sentences(text)) {
      std::string key = normalise(sentence);
      if (key.size() < static_cast<size_t>(config_.repetition_min_chars) ||
          key.rfind("```", 0) == 0)
        continue;
      out.push_back({std::move(key), std::move(sentence), message});
    }
    return out;
  }

  DetectorConfig config_;
  Stream content_;
  Stream reasoning_;
  Best best_;
};

}  // namespace

std::unique_ptr<Detector> make_degenerate_repetition(const DetectorConfig& config) {
  return std::make_unique<DegenerateRepetition>(config);
}

}  // namespace showdown
