-- Roles of the secrets manager's aegis auth method (login with an Aegis access token): which tokens a role
-- accepts (bound audiences, subjects, scopes) and the policies and TTLs of the Vault token it issues.
CREATE TABLE secrets_aegis_roles (
    mount_uuid         VARCHAR(64)              NOT NULL,
    name               VARCHAR(128)             NOT NULL,
    settings           VARCHAR(8192)            NOT NULL, -- JSON: bound audiences/subjects/scopes, policies, TTLs
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (mount_uuid, name)
);
