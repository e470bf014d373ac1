// RAII prepared statement with typed binds and columns; errors throw StoreError.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace relay::store {

// Runs one or more statements that return no rows.
void execSql(sqlite3* db, const char* sql);

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, std::string_view sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Parameters are 1-based, as in SQLite.
  SqliteStatement& bind(int index, int64_t value);
  SqliteStatement& bind(int index, std::string_view text);
  SqliteStatement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  SqliteStatement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  SqliteStatement& bindBlob(int index, std::string_view bytes);
  SqliteStatement& bind(int index, const std::optional<int64_t>& value);
  SqliteStatement& bind(int index, const std::optional<std::string>& text);
  SqliteStatement& bindNull(int index);

  // True while a row is available; false when done.
  bool step();
  // For statements that return no rows.
  void run();
  void reset();

  // Columns are 0-based, as in SQLite.
  int64_t columnInt(int index) const;
  std::string columnText(int index) const;
  std::string columnBlob(int index) const;
  std::optional<int64_t> columnOptionalInt(int index) const;
  std::optional<std::string> columnOptionalText(int index) const;
  std::optional<std::string> columnOptionalBlob(int index) const;

 private:
  void check(int rc, const char* what) const;

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace relay::store
