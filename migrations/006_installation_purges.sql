-- Installations being deleted (the app was uninstalled). The purge deletes their rows in batches,
-- so it can take as long as a large installation needs without one long statement; this row is
-- written first and deleted last, so a purge cut short (a crash, a restart) is finished by the
-- next sweep of any process.
CREATE TABLE installation_purges (
  installation_id bigint PRIMARY KEY,
  requested_at    timestamptz NOT NULL DEFAULT now()
);
