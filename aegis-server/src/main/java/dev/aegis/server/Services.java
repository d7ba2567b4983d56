package dev.aegis.server;

import dev.aegis.identity.api.IdentityProvider;
import dev.aegis.policy.api.AuthzService;
import dev.aegis.secrets.api.SecretsEngine;
import dev.aegis.server.runtime.GatewayComponent;
import dev.aegis.server.runtime.PkiRuntime;
import java.util.Objects;

/** The modules one Aegis process runs on top of its {@link Platform}. */
record Services(IdentityProvider identity, AuthzService authz, SecretsEngine secrets, GatewayComponent gateway,
                PkiRuntime pki) {
    Services {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(authz, "authz");
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(pki, "pki");
    }
}
