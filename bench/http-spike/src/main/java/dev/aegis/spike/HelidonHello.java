package dev.aegis.spike;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.util.List;
import javax.net.ssl.SSLContext;

/** Helidon 4 WebServer (Níma): one virtual thread per connection, blocking handler, its own HTTP/1.1 codec. */
final class HelidonHello {
    static SpikeServer.Running start(int port, SSLContext ssl, boolean clientAuth) {
        var builder = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .backlog(8192)
                .routing(r -> r.get(SpikeServer.PATH, (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "text/plain");
                    res.send(SpikeServer.BODY);
                }));
        if (ssl != null) {
            builder.tls(Tls.builder()
                    .sslContext(ssl)
                    .enabledProtocols(List.of("TLSv1.3"))
                    .clientAuth(clientAuth ? TlsClientAuth.REQUIRED : TlsClientAuth.NONE)
                    .build());
        }
        WebServer server = builder.build().start();
        return server::stop;
    }

    private HelidonHello() {
    }
}
