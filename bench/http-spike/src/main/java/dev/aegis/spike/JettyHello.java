package dev.aegis.spike;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

/**
 * Jetty 12.1 core API (no servlets). The handler declares itself blocking ({@link Handler.Abstract}'s default),
 * so Jetty runs it on a virtual thread from the {@code setVirtualThreadsExecutor} of its thread pool, the way
 * blocking gateway code would run; selectors stay on platform threads.
 */
final class JettyHello {
    static SpikeServer.Running start(int port, SSLContext ssl, boolean clientAuth) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("jetty");
        threads.setVirtualThreadsExecutor(new VirtualThreadPool());
        Server server = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        HttpConnectionFactory http = new HttpConnectionFactory(config);
        ServerConnector connector;
        if (ssl == null) {
            connector = new ServerConnector(server, http);
        } else {
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setSslContext(ssl);
            tls.setIncludeProtocols("TLSv1.3");
            tls.setNeedClientAuth(clientAuth);
            connector = new ServerConnector(server, new SslConnectionFactory(tls, http.getProtocol()), http);
        }
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(8192);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                if (!"GET".equals(request.getMethod()) || !SpikeServer.PATH.equals(request.getHttpURI().getPath())) {
                    Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
                    return true;
                }
                response.setStatus(HttpStatus.OK_200);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain");
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, SpikeServer.BODY.length);
                response.write(true, ByteBuffer.wrap(SpikeServer.BODY), callback);
                return true;
            }
        });
        server.start();
        return server::stop;
    }

    private JettyHello() {
    }
}
