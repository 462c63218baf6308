-- pat — database schema (MariaDB 10.11, InnoDB, utf8mb4). Idempotent: safe
-- to load again on an existing database. All times are UTC (the server
-- connects with time_zone '+00:00').

CREATE TABLE IF NOT EXISTS users (
  id          VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  status      ENUM('active','banned') NOT NULL DEFAULT 'active',
  created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS publishers (
  id          VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name        VARCHAR(100) NOT NULL DEFAULT '',
  status      ENUM('active','banned') NOT NULL DEFAULT 'active',
  created_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  CONSTRAINT publishers_id_shape CHECK (id REGEXP '^[a-z][a-z0-9-]*$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS publisher_members (
  publisher_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  user_id      VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  role         ENUM('owner','member') NOT NULL DEFAULT 'member',
  created_at   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (publisher_id, user_id),
  KEY publisher_members_user (user_id),
  CONSTRAINT publisher_members_publisher FOREIGN KEY (publisher_id)
    REFERENCES publishers (id) ON DELETE CASCADE,
  CONSTRAINT publisher_members_user FOREIGN KEY (user_id)
    REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Only the Argon2id hash of a token's secret is stored, never the token.
CREATE TABLE IF NOT EXISTS personal_access_tokens (
  id             CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  publisher_id   VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  name           VARCHAR(100) NOT NULL,
  description    VARCHAR(2000) NOT NULL DEFAULT '',
  selector       VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  hash           VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created_by     VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  created_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  last_used_at   DATETIME NULL,
  expires_at     DATETIME NULL,
  revoked_at     DATETIME NULL,
  revoked_by     VARCHAR(255) NULL,
  revoked_reason VARCHAR(255) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY personal_access_tokens_selector (selector),
  KEY personal_access_tokens_publisher (publisher_id, revoked_at, created_at),
  KEY personal_access_tokens_created (created_at),
  CONSTRAINT personal_access_tokens_publisher FOREIGN KEY (publisher_id)
    REFERENCES publishers (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The audit log: one row per thing that happened to a token.
CREATE TABLE IF NOT EXISTS token_events (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  token_id   CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  event      ENUM('created','revoked','verified','used') NOT NULL,
  actor      VARCHAR(255) NOT NULL,
  detail     VARCHAR(255) NOT NULL DEFAULT '',
  at         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  KEY token_events_token (token_id, id),
  CONSTRAINT token_events_token FOREIGN KEY (token_id)
    REFERENCES personal_access_tokens (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
