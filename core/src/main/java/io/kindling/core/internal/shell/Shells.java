package io.kindling.core.internal.shell;

import io.kindling.api.Node;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

/**
 * The JShell sessions of a node, for a release's {@code rpc} and {@code remote}: Java snippets compiled against the
 * node's modules and run inside it (JShell's local execution engine), each session keeping its variables and
 * methods between snippets. In a snippet, {@code node} is the node itself. At most {@value #MAX_SESSIONS} sessions
 * are kept; the least recently used goes first, and one unused for {@value #IDLE_MINUTES} minutes is closed.
 *
 * <p>Needs the {@code jdk.jshell} module in the node's runtime (a release adds it); without it every evaluation
 * fails with an error saying so. Internal: not part of Kindling's API.
 */
public final class Shells {

    static final int MAX_SESSIONS = 16;
    static final int IDLE_MINUTES = 10;

    private record Session(JShell shell, long lastUsedNanos) {
    }

    private static final Map<String, Session> SESSIONS = new LinkedHashMap<>(16, 0.75f, true);
    private static volatile Node shared;

    private Shells() {
    }

    /** {@return the node snippets run in, or {@code null} (see {@link io.kindling.core.SystemTasks#shellNode})} */
    public static Node node() {
        return shared;
    }

    /**
     * Evaluates a snippet (an expression, statements, a declaration) in a session.
     *
     * @param node the node it runs in
     * @param session the session's id; a new id starts a session
     * @param source the Java source
     * @return what the snippet produced: an expression's value, a declaration's name, or empty
     * @throws IllegalArgumentException if it does not compile (the compiler's messages) or throws (its exception)
     * @throws IllegalStateException if this runtime has no {@code jdk.jshell}
     */
    public static String eval(Node node, String session, String source) {
        if (ModuleLayer.boot().findModule("jdk.jshell").isEmpty() && Shells.class.getModule().isNamed()) {
            throw new IllegalStateException("This node's runtime has no jdk.jshell module: start it with "
                    + "--add-modules jdk.jshell (a release built with the shell does)");
        }
        shared = node;
        JShell shell = session(node, session);
        StringBuilder out = new StringBuilder();
        String remaining = source;
        synchronized (shell) {
            while (!remaining.isBlank()) {
                SourceCodeAnalysis.CompletionInfo info = shell.sourceCodeAnalysis().analyzeCompletion(remaining);
                String snippet = info.completeness().isComplete() ? info.source() : remaining;
                remaining = info.completeness().isComplete() ? info.remaining() : "";
                for (SnippetEvent event : shell.eval(snippet)) {
                    if (event.causeSnippet() != null) {
                        continue; // an update of a dependent snippet, not this one's result
                    }
                    if (event.status() == Snippet.Status.REJECTED) {
                        throw new IllegalArgumentException("does not compile: " + shell.diagnostics(event.snippet())
                                .map(Shells::describe).collect(Collectors.joining("; ")));
                    }
                    if (event.exception() != null) {
                        Throwable thrown = event.exception();
                        String type = thrown instanceof EvalException eval ? eval.getExceptionClassName()
                                : thrown.getClass().getName();
                        throw new IllegalArgumentException("threw " + type + ": " + thrown.getMessage());
                    }
                    if (event.value() != null) {
                        out.setLength(0);
                        out.append(event.value());
                    }
                }
            }
        }
        return out.toString();
    }

    private static String describe(Diag diag) {
        return diag.getMessage(Locale.ROOT).replace('\n', ' ');
    }

    private static JShell session(Node node, String id) {
        synchronized (SESSIONS) {
            long now = System.nanoTime();
            Iterator<Map.Entry<String, Session>> sessions = SESSIONS.entrySet().iterator();
            while (sessions.hasNext()) {
                Map.Entry<String, Session> entry = sessions.next();
                if (now - entry.getValue().lastUsedNanos() > TimeUnit.MINUTES.toNanos(IDLE_MINUTES)
                        || SESSIONS.size() >= MAX_SESSIONS && !entry.getKey().equals(id)) {
                    entry.getValue().shell().close();
                    sessions.remove();
                }
            }
            Session session = SESSIONS.get(id);
            JShell shell;
            if (session == null) {
                String modulePath = System.getProperty("jdk.module.path", "");
                String classPath = System.getProperty("java.class.path", "");
                List<String> options = !modulePath.isBlank()
                        ? List.of("--module-path", modulePath, "--add-modules", "ALL-MODULE-PATH")
                        : classPath.isBlank() ? List.of() : List.of("--class-path", classPath);
                shell = JShell.builder().executionEngine("local").compilerOptions(options.toArray(new String[0]))
                        .build();
                shell.eval("var node = io.kindling.core.SystemTasks.shellNode().orElse(null);");
            } else {
                shell = session.shell();
            }
            SESSIONS.put(id, new Session(shell, now));
            return shell;
        }
    }
}
