package dev.aegis.server.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.examples.api.FleetService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The ready file of {@code aegis demo --ready-file}: one JSON object with what a load generator needs to drive
 * the running system (format in examples/README.md). It holds credentials, so it is created readable by the
 * owner only, and written atomically (a reader never sees half a file).
 */
public final class DemoReadyFile {
    /** Bumped when a field changes meaning or disappears. */
    public static final int VERSION = 1;

    private DemoReadyFile() {
    }

    public static void write(Path file, DemoSystem demo) throws IOException {
        ObjectNode root = DemoAdmin.JSON.createObjectNode().put("version", VERSION)
                .put("controlPlane", demo.controlPlaneUrl()).put("tokenEndpoint", demo.controlPlaneUrl() + "/oauth2/token")
                .put("mtls", demo.server().mtlsUrl()).put("gateway", demo.gatewayUrl())
                .put("ordersPath", FleetService.ORDERS.path()).put("caFile", demo.caFile().toAbsolutePath().toString())
                .put("trustDomain", demo.trustDomain().name())
                .put("gatewaySpiffeId", FleetService.ORDERS.caller(demo.trustDomain()).toString()).put("dataDir", demo.server().config().dataDir().toString())
                .put("adminToken", demo.adminCredential())
                .put("authzStore", demo.authzStore());
        ObjectNode services = root.putObject("services");
        for (FleetService s : FleetService.values()) {
            services.putObject(s.id()).put("url", demo.service(s).uri().toString())
                    .put("spiffeId", demo.service(s).spiffeId().toString())
                    .put("callerSpiffeId", s.caller(demo.trustDomain()).toString())
                    .put("metrics", demo.service(s).uri().resolve("/metrics").toString())
                    .put("clientId", s.id()).put("clientSecret", demo.clientSecret(s.id()));
        }
        root.putObject("loadClient").put("clientId", DemoSystem.LOAD_CLIENT)
                .put("clientSecret", demo.clientSecret(DemoSystem.LOAD_CLIENT)).put("scope", FleetService.chainScope());
        root.putObject("user").put("username", DemoSystem.USER).put("password", demo.userPassword())
                .put("clientId", DemoSystem.APP_CLIENT).put("clientSecret", demo.clientSecret(DemoSystem.APP_CLIENT))
                .put("redirectUri", DemoSystem.REDIRECT_URI.toString()).put("scope", DemoWalk.FULL_SCOPE);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not POSIX: the directory's permissions apply
        }
        Files.writeString(tmp, DemoAdmin.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
