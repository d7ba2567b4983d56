-- Authorization engine (issue 7, aegis-policy): OpenFGA stores, authorization models, relationship tuples and
-- the change log. Same dialect rules as V1 (one script for PostgreSQL and H2 in PostgreSQL mode, no TEXT).
-- Data access lives in aegis-policy (dev.aegis.policy.internal.JdbcTupleStore).

CREATE TABLE authz_stores (
    id          VARCHAR(26)              NOT NULL PRIMARY KEY, -- ULID, as OpenFGA
    name        VARCHAR(256)             NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    deleted_at  TIMESTAMP WITH TIME ZONE
);

-- Models are immutable once written; the newest (highest ULID) is the store's current model.
CREATE TABLE authz_models (
    id              VARCHAR(26)              NOT NULL PRIMARY KEY,
    store_id        VARCHAR(26)              NOT NULL REFERENCES authz_stores (id),
    schema_version  VARCHAR(8)               NOT NULL,
    model_json      VARCHAR(262144)          NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX authz_models_store ON authz_models (store_id, id);

-- One row per relationship tuple: object (type:id) # relation @ user (type:id, type:* or type:id#relation).
-- user_relation is '' for a plain user and a wildcard (user_id '*'), so the primary key needs no NULLs.
CREATE TABLE authz_tuples (
    store_id           VARCHAR(26)              NOT NULL REFERENCES authz_stores (id),
    object_type        VARCHAR(254)             NOT NULL,
    object_id          VARCHAR(256)             NOT NULL,
    relation           VARCHAR(50)              NOT NULL,
    user_type          VARCHAR(254)             NOT NULL,
    user_id            VARCHAR(256)             NOT NULL,
    user_relation      VARCHAR(50)              NOT NULL,
    condition_name     VARCHAR(256),
    condition_context  VARCHAR(65536),          -- JSON object, NULL when empty
    written_seq        BIGINT                   NOT NULL, -- change-log sequence that wrote it
    written_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (store_id, object_type, object_id, relation, user_type, user_id, user_relation)
);
CREATE INDEX authz_tuples_user ON authz_tuples (store_id, user_type, user_id, user_relation);

-- The change log: every write and delete, numbered by one gapless sequence that commits in order (each
-- writer row-locks authz_log_head). The sequence is the consistency token of every write.
CREATE TABLE authz_changes (
    seq                BIGINT                   NOT NULL PRIMARY KEY,
    store_id           VARCHAR(26)              NOT NULL REFERENCES authz_stores (id),
    operation          VARCHAR(6)               NOT NULL CHECK (operation IN ('WRITE', 'DELETE')),
    object_type        VARCHAR(254)             NOT NULL,
    object_id          VARCHAR(256)             NOT NULL,
    relation           VARCHAR(50)              NOT NULL,
    user_type          VARCHAR(254)             NOT NULL,
    user_id            VARCHAR(256)             NOT NULL,
    user_relation      VARCHAR(50)              NOT NULL,
    condition_name     VARCHAR(256),
    condition_context  VARCHAR(65536),
    occurred_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX authz_changes_store ON authz_changes (store_id, seq);

-- The single row writers lock to take the next sequence numbers (Zanzibar's zookie is this number).
CREATE TABLE authz_log_head (
    id        INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    last_seq  BIGINT  NOT NULL CHECK (last_seq >= 0)
);
INSERT INTO authz_log_head (id, last_seq) VALUES (1, 0);
