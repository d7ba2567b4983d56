/**
 * The single Aegis distributable: CLI ({@code aegis up}, {@code aegis audit verify}, ...), configuration,
 * and the control-plane HTTP listener. Nothing is exported: other modules never depend on the server.
 */
module dev.aegis.server {
    requires dev.aegis.core;
    requires dev.aegis.store;
    requires dev.aegis.audit;
    requires dev.aegis.identity;
    requires dev.aegis.policy;
    requires dev.aegis.secrets;
    requires dev.aegis.gateway;
    requires dev.aegis.pki;
    requires dev.aegis.sdk;
    requires dev.aegis.examples; // aegis demo runs the demo fleet in this process
    requires oauth2.oidc.sdk; // aegis demo logs a user in with the authorization code flow + PKCE
    requires dev.aegis.ratelimit; // unauthenticated workload CA endpoints (join) are limited per client address
    requires java.net.http; // the CLI commands call a running Aegis over HTTP
    requires io.helidon.webserver;
    requires io.helidon.common.tls;
    requires io.helidon.http;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires micrometer.core;
    requires micrometer.registry.prometheus;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;
    requires org.slf4j;
    requires ch.qos.logback.classic;
    requires ch.qos.logback.core;
    requires jul.to.slf4j;
    requires jdk.unsupported; // sun.misc.Signal: graceful stop before H2's shutdown hook

    // picocli instantiates and injects the command classes reflectively.
    opens dev.aegis.server to info.picocli;
    opens dev.aegis.server.cli to info.picocli;
}
