package io.kindling.api;

/** No connected node matched a {@link NodeSelector}: the call or cast did not run anywhere. */
public class NoMatchingNodeException extends KindlingException {

    private static final long serialVersionUID = 1L;

    /**
     * An exception saying which nodes were looked at.
     *
     * @param message which selector matched nothing, among which nodes
     */
    public NoMatchingNodeException(String message) {
        super(message);
    }
}
