#include "core/store/database_open.h"

#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/store/sqlite_statement.h"
#include "core/store/store_error.h"

namespace relay::store {
namespace {

namespace fs = std::filesystem;

constexpr size_t kHeaderSize = 100;
constexpr size_t kUserVersionOffset = 60;  // big-endian 32-bit, see sqlite.org/fileformat.html

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

int readVersionReadOnly(const std::string& path) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  SqliteHandle db(raw);
  if (rc != SQLITE_OK) {
    throw StoreError("cannot open " + path + " read-only to check its schema version: " +
                     (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  try {
    return readUserVersion(db.get());
  } catch (const StoreError& error) {
    throw StoreError("cannot read the schema version of " + path + ": " + error.what());
  }
}

int readVersionFromHeader(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char header[kHeaderSize];
  if (!in.read(reinterpret_cast<char*>(header), kHeaderSize) ||
      std::memcmp(header, "SQLite format 3", 16) != 0) {
    throw StoreError(path + " is not a SQLite database (bad header); refusing to modify it");
  }
  const unsigned char* v = header + kUserVersionOffset;
  return static_cast<int>((uint32_t{v[0]} << 24) | (uint32_t{v[1]} << 16) | (uint32_t{v[2]} << 8) |
                          uint32_t{v[3]});
}

void createParentDirectories(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) return;
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) {
    throw StoreError("cannot create directory " + parent.string() + " for database " + path + ": " +
                     ec.message());
  }
}

std::string pragmaText(sqlite3* db, const char* sql) {
  SqliteStatement stmt(db, sql);
  return stmt.step() ? stmt.columnText(0) : std::string();
}

void setConnectionPragmas(sqlite3* db, const std::string& path, int busy_timeout_ms) {
  sqlite3_busy_timeout(db, busy_timeout_ms);
  std::string mode = pragmaText(db, "PRAGMA journal_mode = WAL");
  if (mode != "wal" && path != ":memory:") {
    throw StoreError("cannot enable WAL on " + path + " (journal mode is '" + mode + "')");
  }
  execSql(db, "PRAGMA synchronous = NORMAL");
  execSql(db, "PRAGMA foreign_keys = ON");
}

}  // namespace

int peekSchemaVersion(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return 0;
  if (fs::file_size(path, ec) == 0 && !ec) return 0;
  if (exists(path + "-wal") || exists(path + "-journal")) return readVersionReadOnly(path);
  return readVersionFromHeader(path);
}

OpenedDatabase openDatabase(const std::string& path, const MigrationRunner& runner,
                            int busy_timeout_ms) {
  const bool in_memory = path == ":memory:";
  if (!in_memory) {
    runner.refuseIfNewer(peekSchemaVersion(path), path);
    createParentDirectories(path);
  }
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  OpenedDatabase opened{SqliteHandle(raw), {}};
  if (rc != SQLITE_OK) {
    throw StoreError("cannot open database " + path + ": " +
                     (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  try {
    // Checked again on the real connection (another process may have upgraded it meanwhile),
    // before any PRAGMA that could write to the file.
    runner.refuseIfNewer(readUserVersion(raw), path);
    setConnectionPragmas(raw, path, busy_timeout_ms);
  } catch (const StoreError& error) {
    std::string message = error.what();
    if (message.find(path) == std::string::npos) message = path + ": " + message;
    throw StoreError(message);
  }
  opened.migrations = runner.apply(raw, path);
  return opened;
}

}  // namespace relay::store
