-- Gateway API keys (issue 5, seed 002): only a keyed hash of each key is stored (HMAC-SHA256 under the
-- platform's fingerprint key, so a database dump alone cannot test guesses); the key id is the visible,
-- loggable part. Several active keys per consumer allow zero-downtime rotation.
CREATE TABLE gw_api_keys (
    key_id        VARCHAR(32)              NOT NULL PRIMARY KEY,
    consumer      VARCHAR(128)             NOT NULL,
    key_hash      VARCHAR(128)             NOT NULL UNIQUE,
    routes        VARCHAR(2048)            NOT NULL, -- comma-separated route ids; '*' = every route
    methods       VARCHAR(256)             NOT NULL, -- comma-separated methods; '*' = every method
    limit_max     INTEGER                  NOT NULL CHECK (limit_max >= 0), -- 0 = no per-key limit
    limit_window_ms BIGINT                 NOT NULL CHECK (limit_window_ms >= 0),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE,
    revoked_at    TIMESTAMP WITH TIME ZONE
);
CREATE INDEX gw_api_keys_consumer ON gw_api_keys (consumer);
