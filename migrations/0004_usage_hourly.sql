-- 0004: usage aggregated per hour. The workers add up usage in memory (per relay key, account,
-- provider, model and hour) and flush the sums in batches, so no request writes a row of its own.
-- usage_records keeps raw per-request rows only when usage.request_log is on.

CREATE TABLE usage_hourly (
  hour                  INTEGER NOT NULL,  -- Unix ms at the start of the UTC hour
  key_id                TEXT NOT NULL DEFAULT '',
  account_id            TEXT NOT NULL DEFAULT '',
  provider              TEXT NOT NULL DEFAULT '',
  model                 TEXT NOT NULL DEFAULT '',
  requests              INTEGER NOT NULL DEFAULT 0,
  errors                INTEGER NOT NULL DEFAULT 0,  -- answered >= 400, or not answered
  input_tokens          INTEGER NOT NULL DEFAULT 0,
  output_tokens         INTEGER NOT NULL DEFAULT 0,
  cache_creation_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens     INTEGER NOT NULL DEFAULT 0,
  duration_ms           INTEGER NOT NULL DEFAULT 0,  -- summed
  PRIMARY KEY (hour, key_id, account_id, provider, model)
) STRICT;

-- The rows written before this migration are counted in the aggregates too.
INSERT INTO usage_hourly
  SELECT (ts / 3600000) * 3600000, key_id, account_id, provider, model, count(*),
         sum(status >= 400 OR status = 0), sum(input_tokens), sum(output_tokens),
         sum(cache_creation_tokens), sum(cache_read_tokens), sum(duration_ms)
  FROM usage_records
  GROUP BY 1, 2, 3, 4, 5;
