package io.kindling.api;

import java.util.Objects;

/**
 * Stands in for a remote exception that could not be sent as itself (it was not serializable, or its class is not
 * on this node's path). Carries the original class name, message and stack trace, and the cause chain the same
 * way.
 */
public final class RemoteFailure extends Exception {

    /** The class name of the original exception. */
    private final String remoteClassName;

    /**
     * A copy of a remote exception.
     *
     * @param remoteClassName the class name of the original exception
     * @param message its message, may be {@code null}
     * @param stackTrace its stack trace on the remote node
     * @param cause the stand-in for its cause, or {@code null}
     */
    public RemoteFailure(String remoteClassName, String message, StackTraceElement[] stackTrace,
            RemoteFailure cause) {
        super(message, cause, false, true);
        this.remoteClassName = Objects.requireNonNull(remoteClassName, "remoteClassName");
        setStackTrace(stackTrace);
    }

    /**
     * Copies a throwable's class name, message, stack trace and causes.
     *
     * @param throwable the exception to copy
     * @return the stand-in
     */
    public static RemoteFailure copyOf(Throwable throwable) {
        RemoteFailure cause = null;
        if (throwable.getCause() != null && throwable.getCause() != throwable) {
            cause = copyOf(throwable.getCause());
        }
        return new RemoteFailure(throwable.getClass().getName(), throwable.getMessage(), throwable.getStackTrace(),
                cause);
    }

    /** {@return the class name of the original exception} */
    public String remoteClassName() {
        return remoteClassName;
    }

    @Override
    public String toString() {
        String message = getMessage();
        return message == null ? remoteClassName : remoteClassName + ": " + message;
    }
}
