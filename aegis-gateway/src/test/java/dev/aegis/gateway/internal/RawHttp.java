package dev.aegis.gateway.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A raw socket client for malformed requests that no HTTP client library would send. */
final class RawHttp {

    private RawHttp() {
    }

    /** Sends the bytes and reads until the server closes or {@code timeoutMillis} passes. */
    static String exchange(int port, String request, int timeoutMillis) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(timeoutMillis);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return readAll(s.getInputStream());
        }
    }

    /** One whole response with a Content-Length body has arrived. */
    private static boolean complete(String text) {
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        int cl = text.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
        if (cl < 0 || cl > end) {
            return false;
        }
        int eol = text.indexOf("\r\n", cl);
        int length = Integer.parseInt(text.substring(cl + 15, eol).strip());
        return text.length() >= end + 4 + length;
    }

    static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                if (complete(out.toString(StandardCharsets.ISO_8859_1))) {
                    return out.toString(StandardCharsets.ISO_8859_1);
                }
            }
        } catch (SocketTimeoutException e) {
            // what arrived so far
        } catch (IOException e) {
            // connection reset: what arrived so far
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
