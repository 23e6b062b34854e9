-- The store that exists from the start: the bootstrap credential and single-tenant deployments use it.
INSERT OR IGNORE INTO stores (id, name, created_at) VALUES ('default', 'Default store', unixepoch() * 1000);
