/**
 * The Aegis API gateway. Only {@code dev.aegis.gateway.api} is exported; {@code dev.aegis.gateway.internal}
 * (routes, parser, authenticators, upstream pools) is not, so aegis-server reaches the gateway only through
 * {@code Gateway}, {@code GatewayOptions} and {@code ApiKeyRegistry}.
 */
module dev.aegis.gateway {
    requires transitive dev.aegis.core;
    requires transitive dev.aegis.store;
    requires transitive dev.aegis.audit;
    requires dev.aegis.ratelimit;
    requires dev.aegis.sdk;
    requires transitive io.helidon.webserver;
    requires io.helidon.webclient.http1;
    requires io.helidon.webclient.api;
    requires io.helidon.http;
    requires io.helidon.common.tls;
    requires io.helidon.common.socket;
    requires com.nimbusds.jose.jwt;
    requires com.fasterxml.jackson.databind;
    requires org.yaml.snakeyaml;
    requires com.networknt.schema;
    requires transitive micrometer.core;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;
    requires org.slf4j;
    requires java.net.http;

    exports dev.aegis.gateway.api;
}
