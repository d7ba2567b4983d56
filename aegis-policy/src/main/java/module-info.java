/**
 * Aegis authorization engine: OpenFGA models and API, relationship tuples, CEL conditions, check / expand /
 * list. Only {@code dev.aegis.policy.api} (and its {@code spi}) is exported.
 *
 * <p>CEL-Java's jars split packages ({@code dev.cel.common} is in several of them), so they cannot be named
 * modules; they, openfga-language and protobuf stay on the class path and this module reads it
 * ({@code --add-reads dev.aegis.policy=ALL-UNNAMED}, see the pom). Aegis runs on the class path in production.
 */
module dev.aegis.policy {
    requires transitive dev.aegis.store; // api signatures use Store
    requires transitive dev.aegis.audit; // api signatures use AuditLog
    requires dev.aegis.core;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires java.sql;

    exports dev.aegis.policy.api;
    exports dev.aegis.policy.api.spi;
}
