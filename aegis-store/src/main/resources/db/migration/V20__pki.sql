-- Workload CA (issue 4, aegis-pki). Same dialect rules as V1: one script for PostgreSQL and H2 in PostgreSQL mode.
-- Private keys exist here only as envelopes (EnvelopeCipher under a master key, AAD = "pki-ca:" + id); the root
-- key of a CA generation is never stored at all: it signs its intermediate once and is discarded.

-- Counters that version what consumers cache: 'bundle' (spiffe_sequence) and 'revocations'. The 'bundle' row
-- is also the lock that serializes CA rotation across cluster nodes (SELECT ... FOR UPDATE).
CREATE TABLE pki_counters (
    name   VARCHAR(32) NOT NULL PRIMARY KEY,
    counter_value BIGINT NOT NULL CHECK (counter_value >= 0)
);

-- One CA generation = a root and the intermediate it signed. PENDING: published in the bundle, not issuing;
-- ACTIVE: issuing (exactly one); RETIRED: still in the bundle until trusted_until (its last SVID has expired).
CREATE TABLE pki_ca_generations (
    id                   VARCHAR(64)              NOT NULL PRIMARY KEY,
    generation           BIGINT                   NOT NULL UNIQUE CHECK (generation > 0),
    state                VARCHAR(16)              NOT NULL CHECK (state IN ('PENDING', 'ACTIVE', 'RETIRED')),
    root_der             BYTEA                    NOT NULL,
    intermediate_der     BYTEA                    NOT NULL,
    intermediate_key     BYTEA                    NOT NULL, -- Envelope.encode() of the PKCS#8 key
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    activates_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    retired_at           TIMESTAMP WITH TIME ZONE,
    trusted_until        TIMESTAMP WITH TIME ZONE,
    not_after            TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE pki_workloads (
    spiffe_id    VARCHAR(2048)            NOT NULL PRIMARY KEY,
    dns_names    VARCHAR(8192)            NOT NULL, -- JSON array
    ttl_seconds  BIGINT                   NOT NULL CHECK (ttl_seconds > 0),
    metadata     VARCHAR(8192)            NOT NULL, -- JSON object of strings
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by   VARCHAR(256)             NOT NULL,
    revoked_at   TIMESTAMP WITH TIME ZONE,
    revoked_by   VARCHAR(256)
);

-- Join tokens: only the HMAC fingerprint of the token is stored; used_at makes them one-time.
CREATE TABLE pki_join_tokens (
    token_hash   VARCHAR(128)             NOT NULL PRIMARY KEY,
    spiffe_id    VARCHAR(2048)            NOT NULL REFERENCES pki_workloads (spiffe_id),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by   VARCHAR(256)             NOT NULL,
    used_at      TIMESTAMP WITH TIME ZONE
);

-- Every X509-SVID issued (serial in lower-case hex), so a serial can be revoked until it expires.
CREATE TABLE pki_svids (
    serial         VARCHAR(64)              NOT NULL PRIMARY KEY,
    spiffe_id      VARCHAR(2048)            NOT NULL,
    generation_id  VARCHAR(64)              NOT NULL,
    issued_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    not_after      TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at     TIMESTAMP WITH TIME ZONE,
    revoked_by     VARCHAR(256)
);
CREATE INDEX pki_svids_spiffe_id ON pki_svids (spiffe_id);

-- Signed pin policies, one current row per scope (a trust domain ID or a workload ID); version only grows.
CREATE TABLE pki_pin_policies (
    scope        VARCHAR(2048)            NOT NULL PRIMARY KEY,
    version      BIGINT                   NOT NULL CHECK (version > 0),
    jws          VARCHAR(16384)           NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by   VARCHAR(512)             NOT NULL
);

-- Emergency unpin requests waiting for the second administrator.
CREATE TABLE pki_unpin_requests (
    id             VARCHAR(64)              NOT NULL PRIMARY KEY,
    scope          VARCHAR(2048)            NOT NULL,
    duration_secs  BIGINT                   NOT NULL CHECK (duration_secs > 0),
    reason         VARCHAR(1024)            NOT NULL,
    requested_by   VARCHAR(256)             NOT NULL,
    requested_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    approved_by    VARCHAR(256),
    approved_at    TIMESTAMP WITH TIME ZONE,
    jws            VARCHAR(16384),          -- the signed unpin policy, once approved
    unpin_until    TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pki_unpin_two_admins CHECK (approved_by IS NULL OR approved_by <> requested_by)
);

-- Federated trust domains: where their bundle is fetched, the SPKI pin of the first fetch, the last bundle.
CREATE TABLE pki_federations (
    trust_domain   VARCHAR(255)             NOT NULL PRIMARY KEY,
    endpoint_url   VARCHAR(2048)            NOT NULL,
    spki_pin       VARCHAR(64)              NOT NULL,
    bundle_json    VARCHAR(262144),
    sequence       BIGINT,
    refreshed_at   TIMESTAMP WITH TIME ZONE,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by     VARCHAR(256)             NOT NULL
);
