package io.kindling.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real browser for tests: Debian's {@code chromium}, headless, driven over the Chrome DevTools protocol with the
 * JDK's HTTP and WebSocket clients. A test opens a page, evaluates JavaScript in it while it runs (the live DOM), and
 * takes screenshots. Closing ends the browser and deletes its profile. Needs the package {@code chromium}
 * ({@link Requires}).
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Process process;
    private final Path profile;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();

    private HeadlessChromium(Process process, Path profile, int port) {
        this.process = process;
        this.profile = profile;
        this.port = port;
    }

    /**
     * Starts the browser with a new empty profile, its window 1280×900.
     *
     * @return the browser
     * @throws IOException if it cannot start or does not open its DevTools port within 20 s
     * @throws InterruptedException if interrupted while waiting
     */
    public static HeadlessChromium start() throws IOException, InterruptedException {
        Path chromium = Requires.executable("chromium", "chromium");
        Path profile = Files.createTempDirectory("kindling-chromium");
        // The flags that keep it from reaching out to the network at start (refused on closed CI machines).
        Process process = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1280,900", "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.isRegularFile(portFile) || Files.readAllLines(portFile).isEmpty()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = Files.isRegularFile(profile.resolve("chromium.log"))
                        ? Files.readString(profile.resolve("chromium.log")) : "";
                process.destroyForcibly();
                TempFiles.deleteTree(profile);
                throw new IOException("chromium did not open its DevTools port within " + WAIT.toSeconds()
                        + " s: " + log);
            }
            Thread.sleep(50); // the browser writes the file when it is up; there is nothing else to wait on
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).getFirst().trim());
        return new HeadlessChromium(process, profile, port);
    }

    /**
     * Opens a page in a new tab.
     *
     * @param url the page
     * @return the page
     * @throws IOException if the browser refuses
     * @throws InterruptedException if interrupted
     */
    public Page open(String url) throws IOException, InterruptedException {
        HttpResponse<String> target = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/json/new?" + URLEncoder.encode(url, StandardCharsets.UTF_8)))
                .PUT(HttpRequest.BodyPublishers.noBody()).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
        Matcher socket = Pattern.compile("\"webSocketDebuggerUrl\"\\s*:\\s*\"([^\"]+)\"").matcher(target.body());
        if (target.statusCode() != 200 || !socket.find()) {
            throw new IOException("chromium did not open " + url + ": " + target.statusCode() + " " + target.body());
        }
        Page.Listener listener = new Page.Listener();
        return new Page(http.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(URI.create(socket.group(1)),
                listener).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join(), listener);
    }

    /** One tab, driven over its DevTools WebSocket. */
    public static final class Page {
        private static final Pattern ID = Pattern.compile("^\\{\"id\":(\\d+),");
        private final WebSocket socket;
        private final Listener listener;
        private final AtomicInteger ids = new AtomicInteger();

        private Page(WebSocket socket, Listener listener) {
            this.socket = socket;
            this.listener = listener;
        }

        /**
         * Evaluates an expression in the page and returns its value as JSON text ({@code JSON.stringify}).
         *
         * @param expression JavaScript; a promise is awaited
         * @return the value as JSON, or {@code null} for {@code undefined}
         * @throws IOException if the page threw, or did not answer within 20 s
         */
        public String evaluate(String expression) throws IOException {
            String reply = send("Runtime.evaluate", "{\"expression\":" + quote("Promise.resolve(" + expression
                    + ").then(v => JSON.stringify(v))") + ",\"awaitPromise\":true,\"returnByValue\":true}");
            if (reply.contains("\"exceptionDetails\"")) {
                throw new IOException("The page threw evaluating " + expression + ": " + reply);
            }
            Matcher value = Pattern.compile("\"value\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(reply);
            return value.find() ? unquote(value.group(1)) : null;
        }

        /**
         * Saves a screenshot of the page.
         *
         * @param file the PNG file
         * @throws IOException if it cannot be taken or written
         */
        public void screenshot(Path file) throws IOException {
            String reply = send("Page.captureScreenshot", "{\"format\":\"png\"}");
            Matcher data = Pattern.compile("\"data\":\"([^\"]+)\"").matcher(reply);
            if (!data.find()) {
                throw new IOException("No screenshot: " + reply);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, Base64.getDecoder().decode(data.group(1)));
        }

        private String send(String method, String params) throws IOException {
            int id = ids.incrementAndGet();
            CompletableFuture<String> reply = new CompletableFuture<>();
            listener.waiting.put(id, reply);
            socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true)
                    .orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
            try {
                return reply.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException(method + " got no answer within " + WAIT.toSeconds() + " s", e);
            }
        }

        /** Collects each reply's text and hands it to the waiting request with its id. */
        private static final class Listener implements WebSocket.Listener {
            private final Map<Integer, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    String message = text.toString();
                    text.setLength(0);
                    Matcher id = ID.matcher(message);
                    if (id.find()) {
                        CompletableFuture<String> request = waiting.remove(Integer.parseInt(id.group(1)));
                        if (request != null) {
                            request.complete(message);
                        }
                    }
                }
                socket.request(1);
                return null;
            }
        }
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private static String unquote(String json) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char next = json.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }

    /** Ends the browser and its helper processes, and deletes its profile. */
    @Override
    public void close() throws IOException, InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        TempFiles.deleteTree(profile);
    }

}
