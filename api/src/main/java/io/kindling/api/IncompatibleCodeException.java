package io.kindling.api;

import java.util.Objects;

/**
 * A node refused to run a task because its code there is not the caller's: the task's class is missing on that
 * node, or the code it would run differs (after a deploy, javac may give a new lambda the name an old one had).
 * Like the BEAM's {@code badfun}, the task never ran.
 *
 * <p>Every task carries a fingerprint of the code it runs: for a lambda, its implementation method's class, name,
 * descriptor and a digest of the method's instructions; for a task class, a digest of its class file. Route the
 * call to a node running the same application version ({@code kindling.app.version} in
 * {@link Node#attributesOf}), or make the task a class that both versions share.
 */
public class IncompatibleCodeException extends KindlingException {

    /** The node that refused the task. */
    private final NodeName node;
    /** The class whose code the task runs. */
    private final String className;
    /** The lambda's implementation method and descriptor; empty for a task class. */
    private final String method;
    /** The caller's fingerprint, in hex. */
    private final String callerFingerprint;
    /** The refusing node's fingerprint, in hex, or "missing". */
    private final String nodeFingerprint;
    /** What the refusing node found wrong, in its words; may be empty. */
    private final String detail;

    /**
     * A refusal.
     *
     * @param node the node that refused the task
     * @param className the class whose code the task runs
     * @param method the lambda's implementation method and descriptor, or empty for a task class
     * @param callerFingerprint the caller's digest of that code, in hex
     * @param nodeFingerprint the refusing node's digest, in hex, or {@code "missing"} when it lacks the class or
     *     the method, or cannot decode what the task captured
     * @param detail what the refusing node found wrong, e.g. the class it could not find; may be empty
     */
    public IncompatibleCodeException(NodeName node, String className, String method, String callerFingerprint,
            String nodeFingerprint, String detail) {
        super("Node " + node + " refused a task: " + describe(className, method) + " "
                + ("missing".equals(nodeFingerprint) ? "is missing there or does not fit what the task carries"
                        : "has other code there (fingerprint " + nodeFingerprint + ", caller's " + callerFingerprint
                                + ")")
                + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")")
                + ". The task did not run. Call a node running the same application version"
                + " (attribute kindling.app.version), or deploy the same code to both.");
        this.node = Objects.requireNonNull(node, "node");
        this.className = Objects.requireNonNull(className, "className");
        this.method = Objects.requireNonNull(method, "method");
        this.callerFingerprint = Objects.requireNonNull(callerFingerprint, "callerFingerprint");
        this.nodeFingerprint = Objects.requireNonNull(nodeFingerprint, "nodeFingerprint");
        this.detail = detail == null ? "" : detail;
    }

    private static String describe(String className, String method) {
        return method.isEmpty() ? "task class " + className : "lambda " + className + "." + method;
    }

    /** {@return the node that refused the task} */
    public NodeName node() {
        return node;
    }

    /** {@return the class whose code the task runs} */
    public String className() {
        return className;
    }

    /** {@return the lambda's implementation method and descriptor; empty for a task class} */
    public String method() {
        return method;
    }

    /** {@return the caller's fingerprint of the code, in hex} */
    public String callerFingerprint() {
        return callerFingerprint;
    }

    /** {@return the refusing node's fingerprint, in hex, or {@code "missing"}} */
    public String nodeFingerprint() {
        return nodeFingerprint;
    }

    /** {@return what the refusing node found wrong, in its words; empty when the fingerprints say it all} */
    public String detail() {
        return detail;
    }
}
