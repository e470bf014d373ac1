-- 0003: small per-account facts a provider plugin keeps through host->store_put besides its
-- tokens (e.g. a discovered Google Cloud project), sealed by SecretBox like the tokens.
CREATE TABLE account_facts (
  account_id TEXT NOT NULL,
  key        TEXT NOT NULL,
  value_enc  BLOB NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, key)
) STRICT;
