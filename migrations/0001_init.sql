-- 0001: initial schema. Times are Unix milliseconds (INTEGER). Append-only: never edit a
-- migration that has shipped; add 0002_*.sql instead.

-- Per-account health as the account pool last saw it.
CREATE TABLE account_state (
  account_id      TEXT PRIMARY KEY NOT NULL,
  state           TEXT NOT NULL DEFAULT 'active',
  cooldown_until  INTEGER,
  disabled_reason TEXT,
  last_error      TEXT,
  last_error_at   INTEGER,
  error_count     INTEGER NOT NULL DEFAULT 0,
  warning         TEXT,
  updated_at      INTEGER NOT NULL
) STRICT;

-- A model family (e.g. "opus") limited on one account until a time.
CREATE TABLE model_family_limits (
  account_id TEXT NOT NULL,
  family     TEXT NOT NULL,
  until      INTEGER NOT NULL,
  PRIMARY KEY (account_id, family)
) STRICT;

-- Current access token and rotated refresh token, sealed by SecretBox (AES-256-GCM).
-- config_token_hash fingerprints the refresh token from the config, so a changed config
-- token wins over a stored rotated one.
CREATE TABLE credentials (
  account_id        TEXT PRIMARY KEY NOT NULL,
  access_token_enc  BLOB,
  refresh_token_enc BLOB,
  expires_at        INTEGER,
  config_token_hash TEXT,
  updated_at        INTEGER NOT NULL
) STRICT;

CREATE TABLE sticky_sessions (
  session_key TEXT PRIMARY KEY NOT NULL,
  account_id  TEXT NOT NULL,
  expires_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX sticky_sessions_expires_at ON sticky_sessions (expires_at);

-- Relay API keys, stored only as hashes.
CREATE TABLE api_keys (
  id         TEXT PRIMARY KEY NOT NULL,
  key_hash   TEXT NOT NULL UNIQUE,
  name       TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE usage_records (
  id                    INTEGER PRIMARY KEY,
  ts                    INTEGER NOT NULL,
  key_id                TEXT NOT NULL DEFAULT '',
  account_id            TEXT NOT NULL DEFAULT '',
  provider              TEXT NOT NULL DEFAULT '',
  model                 TEXT NOT NULL DEFAULT '',
  input_tokens          INTEGER NOT NULL DEFAULT 0,
  output_tokens         INTEGER NOT NULL DEFAULT 0,
  cache_creation_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens     INTEGER NOT NULL DEFAULT 0,
  status                INTEGER NOT NULL DEFAULT 0,
  duration_ms           INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX usage_records_ts ON usage_records (ts);
CREATE INDEX usage_records_key_ts ON usage_records (key_id, ts);
