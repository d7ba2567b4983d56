/**
 * Aegis identity provider: an OAuth 2.x / OpenID Connect authorization server (clients, users, groups, grants,
 * token lifecycle). Only {@code dev.aegis.identity.api} is exported; {@code dev.aegis.identity.internal} holds
 * the endpoints, the grant handlers and their SQL.
 */
module dev.aegis.identity {
    requires transitive dev.aegis.core;
    requires transitive dev.aegis.store;
    requires transitive dev.aegis.audit;
    requires dev.aegis.ratelimit;
    requires transitive io.helidon.webserver; // IdentityProvider.register takes Helidon's routing builder
    requires io.helidon.http;
    requires com.nimbusds.jose.jwt;
    requires oauth2.oidc.sdk; // DPoP proof verification (RFC 9449)
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires java.sql;

    exports dev.aegis.identity.api;
}
