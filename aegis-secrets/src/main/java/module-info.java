/**
 * The Aegis secrets manager: Vault's HTTP API ({@code /v1/...}) over an envelope-encrypted barrier (root key from
 * Shamir shares or the root key file, keyring keys, per-record data keys), KV version 2, transit, tokens with ACL
 * policies, AppRole, login with an Aegis access token, leases and dynamic PostgreSQL credentials. Only
 * {@code dev.aegis.secrets.api} (and its {@code spi}: the platform's access tokens, which the {@code aegis} auth
 * method accepts) is exported; the engines live in {@code internal}.
 */
module dev.aegis.secrets {
    requires transitive dev.aegis.core;
    requires transitive dev.aegis.store;
    requires transitive dev.aegis.audit; // SecretsEngine.start takes the AuditLog
    requires dev.aegis.ratelimit; // brute-force limits on login and unseal
    requires com.codahale.shamir;
    requires com.fasterxml.jackson.databind;
    requires org.postgresql.jdbc; // dynamic credentials: the target database is PostgreSQL
    requires org.slf4j;
    requires java.sql;

    exports dev.aegis.secrets.api;
    exports dev.aegis.secrets.api.spi;
}
