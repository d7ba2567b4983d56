-- Identity provider (issue 3): clients, users, groups, grants and the token lifecycle. Same dialect rules as
-- V1 (one script for PostgreSQL and H2 in PostgreSQL mode). No secret is stored in the clear: client secrets,
-- refresh tokens, authorization codes, device codes and session ids are HMAC-SHA256 fingerprints under the
-- identity pepper; passwords are Argon2id PHC strings. Lists are space-separated (their items never contain
-- spaces: scope tokens RFC 6749 §3.3, grant type names, absolute URIs).

CREATE TABLE idp_clients (
    client_id                 VARCHAR(128)             NOT NULL PRIMARY KEY,
    client_name               VARCHAR(256)             NOT NULL,
    client_type               VARCHAR(16)              NOT NULL CHECK (client_type IN ('confidential', 'public')),
    auth_method               VARCHAR(32)              NOT NULL,
    secret_hash               VARCHAR(128),            -- HmacFingerprint of the secret; NULL for public clients
    grant_types               VARCHAR(1024)            NOT NULL,
    scopes                    VARCHAR(4096)            NOT NULL,
    redirect_uris             VARCHAR(8192)            NOT NULL,
    audiences                 VARCHAR(4096)            NOT NULL,
    access_token_ttl_seconds  INTEGER                  NOT NULL CHECK (access_token_ttl_seconds > 0),
    refresh_token_ttl_seconds INTEGER                  NOT NULL CHECK (refresh_token_ttl_seconds > 0),
    first_party               BOOLEAN                  NOT NULL,
    require_dpop              BOOLEAN                  NOT NULL,
    jwks                      VARCHAR(16384),          -- public keys for private_key_jwt (RFC 7523)
    post_logout_redirect_uris VARCHAR(8192)            NOT NULL,
    created_at                TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT idp_clients_secret_matches_type
        CHECK ((client_type = 'public' AND secret_hash IS NULL) OR client_type = 'confidential')
);

CREATE TABLE idp_users (
    user_id       VARCHAR(64)              NOT NULL PRIMARY KEY,
    username      VARCHAR(128)             NOT NULL UNIQUE,
    password_hash VARCHAR(256)             NOT NULL,
    email         VARCHAR(320),
    display_name  VARCHAR(256),
    roles         VARCHAR(4096)            NOT NULL,
    attributes    VARCHAR(16384)           NOT NULL, -- JSON object of string values (department, clearance, ...)
    disabled      BOOLEAN                  NOT NULL,
    totp_envelope BYTEA,                   -- RFC 6238 secret, sealed under the master keys (AAD binds user_id)
    totp_last_step BIGINT,                 -- the last time step accepted: a code is never accepted twice
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE idp_groups (
    name        VARCHAR(128)             NOT NULL PRIMARY KEY,
    description VARCHAR(1024)            NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE idp_group_members (
    group_name VARCHAR(128) NOT NULL REFERENCES idp_groups (name) ON DELETE CASCADE,
    user_id    VARCHAR(64)  NOT NULL REFERENCES idp_users (user_id) ON DELETE CASCADE,
    PRIMARY KEY (group_name, user_id)
);

-- Revoked JWT access tokens (RFC 7009); rows are kept until the token would have expired anyway.
CREATE TABLE idp_revoked_tokens (
    jti        VARCHAR(64)              NOT NULL PRIMARY KEY,
    client_id  VARCHAR(128)             NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX idp_revoked_tokens_expires_at ON idp_revoked_tokens (expires_at);

-- Authorization codes (RFC 6749 §4.1, PKCE RFC 7636). consumed_at makes them single-use; what a code issued
-- is remembered (access token jti, refresh family) so a replay can revoke it (RFC 6749 §4.1.2, §10.5).
CREATE TABLE idp_auth_codes (
    code_hash        VARCHAR(128)             NOT NULL PRIMARY KEY,
    client_id        VARCHAR(128)             NOT NULL,
    user_id          VARCHAR(64)              NOT NULL,
    redirect_uri     VARCHAR(2048)            NOT NULL,
    scope            VARCHAR(4096)            NOT NULL,
    nonce            VARCHAR(512),
    code_challenge   VARCHAR(128)             NOT NULL,
    auth_time        TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    consumed_at      TIMESTAMP WITH TIME ZONE,
    issued_jti       VARCHAR(64),
    issued_jti_exp   TIMESTAMP WITH TIME ZONE,
    issued_family_id VARCHAR(64)
);

-- Refresh tokens (RFC 6749 §6), rotated on every use; all rotations of one grant share a family
-- (OAuth 2.0 Security BCP §4.14): presenting a used token revokes the family.
CREATE TABLE idp_refresh_tokens (
    token_hash VARCHAR(128)             NOT NULL PRIMARY KEY,
    family_id  VARCHAR(64)              NOT NULL,
    client_id  VARCHAR(128)             NOT NULL,
    user_id    VARCHAR(64)              NOT NULL,
    scope      VARCHAR(4096)            NOT NULL,
    auth_time  TIMESTAMP WITH TIME ZONE NOT NULL,
    cnf_jkt    VARCHAR(64),
    access_jti VARCHAR(64),              -- the access token issued with it, revoked with the family
    access_exp TIMESTAMP WITH TIME ZONE,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at    TIMESTAMP WITH TIME ZONE,
    revoked_at TIMESTAMP WITH TIME ZONE
);
CREATE INDEX idp_refresh_tokens_family ON idp_refresh_tokens (family_id);

-- Browser sessions at the identity provider (the cookie holds the id; only its fingerprint is stored).
CREATE TABLE idp_sessions (
    session_hash VARCHAR(128)             NOT NULL PRIMARY KEY,
    user_id      VARCHAR(64)              NOT NULL,
    auth_time    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at   TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE idp_consents (
    user_id    VARCHAR(64)              NOT NULL,
    client_id  VARCHAR(128)             NOT NULL,
    scope      VARCHAR(4096)            NOT NULL,
    granted_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

-- Device authorization grant (RFC 8628).
CREATE TABLE idp_device_codes (
    device_code_hash VARCHAR(128)             NOT NULL PRIMARY KEY,
    user_code        VARCHAR(16)              NOT NULL UNIQUE,
    client_id        VARCHAR(128)             NOT NULL,
    scope            VARCHAR(4096)            NOT NULL,
    status           VARCHAR(16)              NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'consumed')),
    user_id          VARCHAR(64),
    auth_time        TIMESTAMP WITH TIME ZONE,
    interval_seconds INTEGER                  NOT NULL,
    last_polled_at   TIMESTAMP WITH TIME ZONE,
    expires_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
