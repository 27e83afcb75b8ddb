-- The app's own tables (issue 14), written once in MySQL and translated for the engine of db.uri
-- by the migration engine (cozelite/migrate) through cozelite/flows/metadata (ensure_schema).
-- Times are milliseconds since the epoch (BIGINT), ids are opaque text.

CREATE TABLE IF NOT EXISTS users (
  id VARCHAR(64) NOT NULL,
  name VARCHAR(128) NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_users_name (name)
);

-- Only the SHA-256 of a key is stored; `prefix` (the key's first characters) lets a user tell keys apart.
CREATE TABLE IF NOT EXISTS api_keys (
  id VARCHAR(64) NOT NULL,
  user_id VARCHAR(64) NOT NULL,
  key_hash VARCHAR(64) NOT NULL,
  prefix VARCHAR(16) NOT NULL,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT,
  PRIMARY KEY (id),
  UNIQUE KEY uk_api_keys_hash (key_hash)
);

-- A user database: a named set of tables. visibility: private (owner only) or public (every user;
-- then each table's mode decides whose rows a caller sees).
CREATE TABLE IF NOT EXISTS user_databases (
  id VARCHAR(64) NOT NULL,
  owner VARCHAR(64) NOT NULL,
  name VARCHAR(128) NOT NULL,
  description TEXT,
  visibility VARCHAR(16) NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (id)
);

-- One logical table of a database and its physical table (table_<n>). mode: per_user (each caller
-- reads and writes only their rows) or read_only (every caller reads every row, only the owner writes).
CREATE TABLE IF NOT EXISTS database_tables (
  id VARCHAR(64) NOT NULL,
  database_id VARCHAR(64) NOT NULL,
  owner VARCHAR(64) NOT NULL,
  name VARCHAR(64) NOT NULL,
  physical_name VARCHAR(64) NOT NULL,
  mode VARCHAR(16) NOT NULL,
  description TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_database_tables_name (database_id, name)
);

-- The fields of a logical table, in order; physical_name is f_<position>.
CREATE TABLE IF NOT EXISTS database_fields (
  id VARCHAR(64) NOT NULL,
  table_id VARCHAR(64) NOT NULL,
  name VARCHAR(64) NOT NULL,
  physical_name VARCHAR(64) NOT NULL,
  type VARCHAR(16) NOT NULL,
  required BOOLEAN NOT NULL,
  description TEXT,
  ordinal INT NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_database_fields_name (table_id, name)
);

CREATE TABLE IF NOT EXISTS knowledge_bases (
  id VARCHAR(64) NOT NULL,
  owner VARCHAR(64) NOT NULL,
  name VARCHAR(128) NOT NULL,
  description TEXT,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (id)
);

CREATE TABLE IF NOT EXISTS documents (
  id VARCHAR(64) NOT NULL,
  kb_id VARCHAR(64) NOT NULL,
  owner VARCHAR(64) NOT NULL,
  name VARCHAR(255) NOT NULL,
  content_type VARCHAR(255) NOT NULL,
  blob_key VARCHAR(255) NOT NULL,
  status VARCHAR(16) NOT NULL,
  progress_done INT NOT NULL,
  progress_total INT NOT NULL,
  error TEXT,
  size BIGINT NOT NULL,
  checksum VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (id)
);

-- Uploaded files: the blob key is files/<owner>/<id>, never derived from the client's file name.
CREATE TABLE IF NOT EXISTS files (
  id VARCHAR(64) NOT NULL,
  owner VARCHAR(64) NOT NULL,
  name VARCHAR(255) NOT NULL,
  content_type VARCHAR(255) NOT NULL,
  size BIGINT NOT NULL,
  checksum VARCHAR(64) NOT NULL,
  blob_key VARCHAR(255) NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (id)
);
