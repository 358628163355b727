package io.kindling.testsupport;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened (nodes, clusters, processes, servers), last opened first, after each test, even when
 * it failed. Register it as a field:
 *
 * <pre>{@code
 * @RegisterExtension
 * final Closer closer = new Closer();
 *
 * @Test
 * void joins() {
 *     KindlingNode node = closer.add(KindlingNode.builder().name("a@127.0.0.1").start());
 * }
 * }</pre>
 *
 * Every resource is closed even when one fails to close; the first failure is rethrown with the others suppressed.
 */
public final class Closer implements AfterEachCallback {

    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    /** For {@code @RegisterExtension}. */
    public Closer() {
    }

    /**
     * Closes a resource after the current test.
     *
     * @param closeable the resource
     * @param <T> its type
     * @return the resource
     */
    public synchronized <T extends AutoCloseable> T add(T closeable) {
        open.push(closeable);
        return closeable;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        while (true) {
            AutoCloseable next;
            synchronized (this) {
                next = open.poll();
            }
            if (next == null) {
                break;
            }
            try {
                next.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
