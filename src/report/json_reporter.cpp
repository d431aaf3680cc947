#include "report/json_reporter.h"

namespace showdown {

void JsonReporter::write(const ShowdownResult& result, std::ostream& out) const {
  // Model output in evidence may hold invalid UTF-8; replace it rather than throw.
  out << to_json(result).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

}  // namespace showdown
