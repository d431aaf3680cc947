#pragma once
// showdown.db: the showdown's results and transcripts as a SQLite database, for
// questions the reports don't answer (docs/store.md has the schema).
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "result/result.h"
#include "transcript/transcript.h"

namespace showdown {

/// Writes `db` from scratch so it always matches results.json: the database is
/// built beside it under a temporary name in one transaction, then renamed over
/// it. `transcripts_by_run` maps a run label to its transcript records; a run
/// without one gets no messages, tool_calls or events rows. False with *err on
/// any SQLite failure (the old file, if any, is then left as it was).
bool write_store(const std::filesystem::path& db, const ShowdownResult& result,
                 const std::map<std::string, std::vector<Record>>& transcripts_by_run,
                 std::string* err);

}  // namespace showdown
