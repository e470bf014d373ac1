-- Outlier detection (issue 14): transient failures in a row, ejections in a row, and why the
-- cooldown in force was set ('transient' may be probed; 'rate_limited' ends at its reset;
-- 'permanent' is never probed).
ALTER TABLE account_state ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE account_state ADD COLUMN ejection_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE account_state ADD COLUMN cooldown_kind TEXT;
