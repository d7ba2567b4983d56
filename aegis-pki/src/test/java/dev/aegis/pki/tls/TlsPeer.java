package dev.aegis.pki.tls;

import dev.aegis.sdk.api.mtls.MtlsContext;
import dev.aegis.sdk.api.mtls.PeerAuthorizer;
import dev.aegis.sdk.api.mtls.PeerCheck;
import dev.aegis.sdk.api.mtls.PeerVerifier;
import dev.aegis.sdk.api.mtls.SpiffeKeyManager;
import dev.aegis.sdk.api.mtls.SpiffeTrustManager;
import dev.aegis.sdk.api.mtls.TrustBundle;
import dev.aegis.sdk.api.mtls.X509Svid;
import dev.aegis.sdk.api.mtls.X509SvidRules;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/** One side of a real mTLS connection on loopback, built only from the SDK's key and trust managers. */
final class TlsPeer implements AutoCloseable {
    final SpiffeKeyManager keys;
    final PeerVerifier verifier;
    final SSLContext context;
    final List<PeerCheck> decisions = new CopyOnWriteArrayList<>();
    private SSLServerSocket server;

    TlsPeer(X509Svid svid, PeerAuthorizer authorizer, Clock clock, TrustBundle... bundles) {
        this.keys = new SpiffeKeyManager(svid);
        this.verifier = new PeerVerifier(authorizer, clock);
        for (TrustBundle b : bundles) {
            verifier.updateBundle(b);
        }
        this.context = MtlsContext.create(keys, new SpiffeTrustManager(verifier, decisions::add));
    }

    /** Serves: every connection gets one line back, "hello <peer SPIFFE ID>". @return the port */
    int serve() throws IOException {
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(true);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    SSLSocket s = (SSLSocket) server.accept();
                    Thread.ofVirtual().start(() -> answer(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return server.getLocalPort();
    }

    private static void answer(SSLSocket s) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String line = in.readLine();
            X509Certificate peer = (X509Certificate) s.getSession().getPeerCertificates()[0];
            OutputStream out = s.getOutputStream();
            out.write(("hello " + X509SvidRules.spiffeIdOf(peer) + " " + line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            // refused handshakes end here
        }
    }

    /** Connects, sends a line and returns the answer, or throws when TLS refuses either side. */
    String call(int port, String line) throws IOException {
        try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            String answer = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
            if (answer == null) {
                throw new IOException("connection closed by the peer (handshake refused)");
            }
            return answer;
        }
    }

    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }
}
