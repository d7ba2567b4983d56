package dev.aegis.ratelimit.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import redis.embedded.RedisServer;

/**
 * A real Redis server for tests, started by the test itself: the Debian {@code redis-server} when it is on the
 * PATH, else the binary shipped in {@code com.github.codemonstur:embedded-redis} (redis 6.2). No persistence,
 * loopback only, a free port. {@link #stop()} and {@link #start()} may be called again to simulate an outage
 * on the same port. Not thread-safe.
 */
public final class RedisTestServer implements AutoCloseable {

    private final int port;
    private Process process;
    private RedisServer embedded;

    private RedisTestServer(int port) {
        this.port = port;
    }

    /** @return a started server on a free loopback port */
    public static RedisTestServer start() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisTestServer server = new RedisTestServer(port);
        server.startAgain();
        return server;
    }

    /** @return {@code redis://127.0.0.1:port} */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Starts the server (again) on the same port. */
    public void startAgain() throws IOException {
        String onPath = findOnPath();
        if (onPath != null) {
            process = new ProcessBuilder(onPath, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--protected-mode", "yes")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } else {
            embedded = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"")
                    .setting("appendonly no").build();
            embedded.start();
        }
        awaitPort(true);
    }

    /** Stops the server (an outage); {@link #startAgain()} brings it back. */
    public void stop() throws IOException {
        if (process != null) {
            process.destroy();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
        if (embedded != null) {
            embedded.stop();
            embedded = null;
        }
        awaitPort(false);
    }

    @Override
    public void close() throws IOException {
        stop();
    }

    private void awaitPort(boolean open) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            boolean reachable;
            try (Socket s = new Socket("127.0.0.1", port)) {
                reachable = true;
            } catch (IOException e) {
                reachable = false;
            }
            if (reachable == open) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IOException("redis on port " + port + " did not " + (open ? "start" : "stop"));
    }

    private static String findOnPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, "redis-server");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
