#include "report/cells.h"

#include <cmath>
#include <cstdio>

namespace showdown {

std::string run_label(const RunResult& run) {
  if (run.model) {
    return *run.model + " (" + run.run + (run.scripted ? ", scripted" : "") + ")";
  }
  return run.scripted ? run.run + " (scripted)" : run.run;
}

std::string thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string ordinal(int n) {
  const char* suffix = "th";
  int tens = n % 100;
  if (tens < 11 || tens > 13) {
    switch (n % 10) {
      case 1:
        suffix = "st";
        break;
      case 2:
        suffix = "nd";
        break;
      case 3:
        suffix = "rd";
        break;
      default:
        break;
    }
  }
  return std::to_string(n) + suffix;
}

std::string build_cell(const BuildStats& build, bool parenthesised) {
  if (build.attempts == 0 && !build.passed) return "❌";
  std::string detail = build.passed ? ordinal(build.first_pass_attempt) + " try"
                                    : "0/" + std::to_string(build.attempts);
  if (parenthesised) detail = "(" + detail + ")";
  return std::string(build.passed ? "✅" : "❌") + " " + detail;
}

std::string outcome_name(const std::string& outcome) {
  if (outcome == "total_failure") return "Total failure";
  if (outcome == "infra_error") return "Infrastructure error";
  if (outcome.empty()) return "—";
  std::string out = outcome;
  for (char& c : out)
    if (c == '_') c = ' ';
  if (out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

std::string check_mark(bool yes) { return yes ? "✅" : "❌"; }

std::string nudges_cell(const RunResult& run) {
  std::string stops = run.stops == 1 ? "stop" : std::to_string(run.stops) + " stops";
  if (run.stops == 0) return std::to_string(run.nudges);
  if (run.nudges == 0) return stops;
  return std::to_string(run.nudges) + " + " + stops;
}

std::string duration_text(double seconds) {
  long total = std::lround(std::max(0.0, seconds));
  long h = total / 3600, m = total % 3600 / 60, s = total % 60;
  if (h > 0) return std::to_string(h) + "h " + std::to_string(m) + "m " + std::to_string(s) + "s";
  if (m > 0) return std::to_string(m) + "m " + std::to_string(s) + "s";
  return std::to_string(s) + "s";
}

std::string multiple_text(double multiple) {
  char buf[64];
  if (multiple >= 9.95) {
    snprintf(buf, sizeof buf, "%s×", thousands(std::llround(multiple)).c_str());
  } else {
    snprintf(buf, sizeof buf, "%.1f×", multiple);
  }
  return buf;
}

std::string one_line(const std::string& text, size_t max_bytes) {
  std::string out;
  for (char c : text) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (out.size() <= max_bytes) return out;
  size_t cut = max_bytes;
  // Back up to the first byte of a UTF-8 sequence so no character is split.
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  return out.substr(0, cut) + "…";
}

std::string percent(double fraction) { return std::to_string(std::lround(fraction * 100)) + "%"; }

std::string rate_cell(int successes, int n, const Interval& interval) {
  if (n <= 0) return "—";
  return std::to_string(successes) + "/" + std::to_string(n) + " = " +
         percent(static_cast<double>(successes) / n) + " (" + percent(interval.low) + "–" +
         percent(interval.high) + ")";
}

}  // namespace showdown
