-- Secrets manager (issue 8, aegis-secrets). Same dialect rules as V1: one script for PostgreSQL and H2 in
-- PostgreSQL mode. Every secret value is stored only inside an Envelope (AES-256-GCM data key wrapped by a
-- keyring key); keyring keys are wrapped by the root key, which is never stored (Shamir shares or root key file).

-- The barrier: how this installation is sealed. One row. root_check is a known value encrypted under the root
-- key, so wrong Shamir shares are refused before anything else is tried.
CREATE TABLE secrets_seal (
    id            VARCHAR(16)              NOT NULL PRIMARY KEY CHECK (id = 'barrier'),
    seal_type     VARCHAR(16)              NOT NULL CHECK (seal_type IN ('shamir', 'file')),
    shares        INTEGER                  NOT NULL CHECK (shares >= 1),
    threshold     INTEGER                  NOT NULL CHECK (threshold >= 1 AND threshold <= shares),
    root_check    BYTEA                    NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Keyring keys (Vault's keyring terms): each wrapped by the root key; the newest generation is primary.
CREATE TABLE secrets_keyring (
    kid           VARCHAR(64)              NOT NULL PRIMARY KEY,
    generation    BIGINT                   NOT NULL UNIQUE CHECK (generation > 0),
    wrapped_key   BYTEA                    NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Internal secrets of the barrier (the token HMAC pepper), envelope-encrypted like any secret.
CREATE TABLE secrets_internal (
    name          VARCHAR(64)              NOT NULL PRIMARY KEY,
    envelope      BYTEA                    NOT NULL
);

-- Mounted secrets engines and auth methods (path ends with '/').
CREATE TABLE secrets_mounts (
    path          VARCHAR(256)             NOT NULL PRIMARY KEY,
    kind          VARCHAR(8)               NOT NULL CHECK (kind IN ('secret', 'auth')),
    engine        VARCHAR(32)              NOT NULL,
    accessor      VARCHAR(64)              NOT NULL UNIQUE,
    uuid          VARCHAR(64)              NOT NULL UNIQUE,
    description   VARCHAR(1024)            NOT NULL,
    options       VARCHAR(4096)            NOT NULL, -- JSON object
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

-- KV version 2: one metadata row per key, one row per version.
CREATE TABLE secrets_kv_metadata (
    mount_uuid           VARCHAR(64)              NOT NULL,
    path                 VARCHAR(1024)            NOT NULL,
    current_version      BIGINT                   NOT NULL CHECK (current_version >= 0),
    oldest_version       BIGINT                   NOT NULL CHECK (oldest_version >= 0),
    max_versions         INTEGER                  NOT NULL CHECK (max_versions >= 0),
    cas_required         BOOLEAN                  NOT NULL,
    delete_after_seconds BIGINT                   NOT NULL CHECK (delete_after_seconds >= 0),
    custom_metadata      VARCHAR(16384)           NOT NULL, -- JSON object of strings (not secret, as in Vault)
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (mount_uuid, path)
);

CREATE TABLE secrets_kv_versions (
    mount_uuid    VARCHAR(64)              NOT NULL,
    path          VARCHAR(1024)            NOT NULL,
    version       BIGINT                   NOT NULL CHECK (version > 0),
    envelope      BYTEA,                   -- NULL once destroyed
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    deleted_at    TIMESTAMP WITH TIME ZONE,
    destroyed     BOOLEAN                  NOT NULL,
    PRIMARY KEY (mount_uuid, path, version),
    CONSTRAINT secrets_kv_destroyed_has_no_value CHECK (destroyed = FALSE OR envelope IS NULL)
);

-- ACL policies (HCL or JSON documents).
CREATE TABLE secrets_policies (
    name          VARCHAR(128)             NOT NULL PRIMARY KEY,
    document      VARCHAR(65536)           NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Tokens: only HMAC-SHA256(pepper, token) is stored; the accessor is a second, non-secret handle.
CREATE TABLE secrets_tokens (
    token_hash       VARCHAR(128)             NOT NULL PRIMARY KEY,
    accessor         VARCHAR(64)              NOT NULL UNIQUE,
    parent_accessor  VARCHAR(64),
    policies         VARCHAR(4096)            NOT NULL, -- comma separated
    meta             VARCHAR(8192)            NOT NULL, -- JSON object
    display_name     VARCHAR(256)             NOT NULL,
    path             VARCHAR(256)             NOT NULL,
    ttl_seconds      BIGINT                   NOT NULL,
    explicit_max_seconds BIGINT               NOT NULL,
    renewable        BOOLEAN                  NOT NULL,
    num_uses         INTEGER                  NOT NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE, -- NULL: never (root tokens)
    max_expires_at   TIMESTAMP WITH TIME ZONE,
    bound_cidrs      VARCHAR(4096)            NOT NULL
);
CREATE INDEX secrets_tokens_parent ON secrets_tokens (parent_accessor);
CREATE INDEX secrets_tokens_expiry ON secrets_tokens (expires_at);

-- Leases of dynamic secrets and their revocation data (sealed: it names the database user to drop).
CREATE TABLE secrets_leases (
    lease_id         VARCHAR(512)             NOT NULL PRIMARY KEY,
    token_accessor   VARCHAR(64),
    engine           VARCHAR(32)              NOT NULL,
    issued_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    renewed_at       TIMESTAMP WITH TIME ZONE,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    max_expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    renewable        BOOLEAN                  NOT NULL,
    revoke_data      BYTEA                    NOT NULL, -- Envelope of the engine's revocation JSON
    state            VARCHAR(16)              NOT NULL CHECK (state IN ('active', 'revoking'))
);
CREATE INDEX secrets_leases_expiry ON secrets_leases (expires_at);
CREATE INDEX secrets_leases_token ON secrets_leases (token_accessor);

-- Transit keys and their versions (key material sealed in envelopes).
CREATE TABLE secrets_transit_keys (
    mount_uuid             VARCHAR(64)              NOT NULL,
    name                   VARCHAR(128)             NOT NULL,
    key_type               VARCHAR(32)              NOT NULL,
    latest_version         INTEGER                  NOT NULL CHECK (latest_version > 0),
    min_decryption_version INTEGER                  NOT NULL CHECK (min_decryption_version > 0),
    min_encryption_version INTEGER                  NOT NULL CHECK (min_encryption_version >= 0),
    deletion_allowed       BOOLEAN                  NOT NULL,
    created_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (mount_uuid, name)
);

CREATE TABLE secrets_transit_key_versions (
    mount_uuid    VARCHAR(64)              NOT NULL,
    name          VARCHAR(128)             NOT NULL,
    version       INTEGER                  NOT NULL CHECK (version > 0),
    envelope      BYTEA                    NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (mount_uuid, name, version)
);

-- AppRole roles and their secret IDs (only HMACs of secret IDs are stored).
CREATE TABLE secrets_approle_roles (
    mount_uuid         VARCHAR(64)              NOT NULL,
    name               VARCHAR(128)             NOT NULL,
    role_id            VARCHAR(128)             NOT NULL,
    settings           VARCHAR(8192)            NOT NULL, -- JSON: policies, TTLs, num uses, CIDR bindings
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (mount_uuid, name),
    UNIQUE (mount_uuid, role_id)
);

CREATE TABLE secrets_approle_secret_ids (
    secret_id_hash     VARCHAR(128)             NOT NULL PRIMARY KEY,
    mount_uuid         VARCHAR(64)              NOT NULL,
    role_name          VARCHAR(128)             NOT NULL,
    accessor           VARCHAR(64)              NOT NULL UNIQUE,
    uses_left          INTEGER                  NOT NULL, -- 0: unlimited
    cidr_list          VARCHAR(4096)            NOT NULL,
    metadata           VARCHAR(8192)            NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at         TIMESTAMP WITH TIME ZONE
);
CREATE INDEX secrets_approle_secret_ids_role ON secrets_approle_secret_ids (mount_uuid, role_name);

-- Database secrets engine: connections (password sealed) and roles.
CREATE TABLE secrets_db_connections (
    mount_uuid         VARCHAR(64)              NOT NULL,
    name               VARCHAR(128)             NOT NULL,
    plugin_name        VARCHAR(128)             NOT NULL,
    config             BYTEA                    NOT NULL, -- Envelope of the connection JSON (URL, user, password)
    allowed_roles      VARCHAR(4096)            NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (mount_uuid, name)
);

CREATE TABLE secrets_db_roles (
    mount_uuid         VARCHAR(64)              NOT NULL,
    name               VARCHAR(128)             NOT NULL,
    db_name            VARCHAR(128)             NOT NULL,
    statements         VARCHAR(65536)           NOT NULL, -- JSON: creation and revocation statements
    default_ttl_seconds BIGINT                  NOT NULL,
    max_ttl_seconds    BIGINT                   NOT NULL,
    updated_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (mount_uuid, name)
);
