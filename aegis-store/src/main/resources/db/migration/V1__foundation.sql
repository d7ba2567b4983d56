-- Aegis foundation schema (issue 2). ONE script for PostgreSQL and H2 2.x in PostgreSQL mode: only types and
-- syntax both accept (BYTEA, VARCHAR(n), BIGINT, INTEGER, TIMESTAMP WITH TIME ZONE, CHECK, no partial indexes,
-- no TEXT because H2 maps it to a CLOB). Timestamps are UTC instants with microsecond precision on both.
-- Key material is only ever stored encrypted: master keys wrapped by the root key (which is not in the
-- database), private JWKs sealed in envelopes under a master key.

-- Master keys (key-encryption keys of envelope encryption). The primary is the highest generation; the
-- UNIQUE generation makes two nodes rotating at once collide instead of both becoming primary.
CREATE TABLE master_keys (
    kid          VARCHAR(64)              NOT NULL PRIMARY KEY,
    generation   BIGINT                   NOT NULL UNIQUE CHECK (generation > 0),
    wrapped_key  BYTEA                    NOT NULL, -- Aes256Gcm ciphertext under the root key, AAD binds kid
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One row per signing key ring ("tokens", "audit"): the row that updateRing locks (SELECT ... FOR UPDATE)
-- so cluster nodes never rotate a ring twice. version counts committed changes.
CREATE TABLE key_rings (
    name         VARCHAR(64)              NOT NULL PRIMARY KEY,
    version      BIGINT                   NOT NULL CHECK (version >= 0),
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE signing_keys (
    ring_name            VARCHAR(64)              NOT NULL REFERENCES key_rings (name),
    kid                  VARCHAR(64)              NOT NULL,
    ring_order           INTEGER                  NOT NULL CHECK (ring_order >= 0), -- order within the ring
    algorithm            VARCHAR(16)              NOT NULL,
    state                VARCHAR(16)              NOT NULL
                         CHECK (state IN ('PENDING', 'ACTIVE', 'RETIRED', 'DESTROYED')),
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    activated_at         TIMESTAMP WITH TIME ZONE,
    retired_at           TIMESTAMP WITH TIME ZONE,
    destroyed_at         TIMESTAMP WITH TIME ZONE,
    public_jwk           VARCHAR(8192)            NOT NULL,
    private_jwk_envelope BYTEA, -- Envelope.encode(), AAD = ring name + kid; NULL once destroyed
    PRIMARY KEY (ring_name, kid),
    -- Destroyed means destroyed: the database itself refuses to keep private material of a DESTROYED key.
    CONSTRAINT signing_keys_destroyed_has_no_private
        CHECK (state <> 'DESTROYED' OR private_jwk_envelope IS NULL)
);

-- The hash-chained audit trail (written by aegis-audit). seq is assigned by the chain writer under the lock
-- of audit_chain_head, so it is a plain BIGINT, not an identity column.
CREATE TABLE audit_records (
    seq            BIGINT                   NOT NULL PRIMARY KEY CHECK (seq > 0),
    event_id       VARCHAR(64)              NOT NULL,
    recorded_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    actor          VARCHAR(256),
    subject        VARCHAR(256),
    action         VARCHAR(128)             NOT NULL,
    resource       VARCHAR(1024),
    decision       VARCHAR(16)              NOT NULL,
    reason         VARCHAR(1024),
    request_id     VARCHAR(128),
    source_address VARCHAR(128),
    service        VARCHAR(128),
    details        VARCHAR(262144),         -- JSON object text
    prev_hash      VARCHAR(128)             NOT NULL,
    hash           VARCHAR(128)             NOT NULL
);
CREATE INDEX audit_records_recorded_at ON audit_records (recorded_at);

-- The single head row of the chain (id = 1), locked by the audit writer for each batch.
CREATE TABLE audit_chain_head (
    id   INTEGER      NOT NULL PRIMARY KEY,
    seq  BIGINT       NOT NULL CHECK (seq >= 0),
    hash VARCHAR(128) NOT NULL
);

-- Signed checkpoints over the chain (a JWS by a key of the "audit" ring).
CREATE TABLE audit_checkpoints (
    seq         BIGINT                   NOT NULL PRIMARY KEY,
    record_hash VARCHAR(128)             NOT NULL,
    kid         VARCHAR(64)              NOT NULL,
    signature   VARCHAR(8192)            NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- One-time bootstrap credentials of the first administrator; only a hash is stored.
CREATE TABLE bootstrap_credentials (
    id              VARCHAR(64)              NOT NULL PRIMARY KEY,
    credential_hash VARCHAR(256)             NOT NULL UNIQUE,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    consumed_at     TIMESTAMP WITH TIME ZONE
);
