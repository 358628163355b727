package io.kindling.api;

import java.io.Serializable;

/**
 * A task that runs on another node and returns nothing, for {@link Node#cast}. Serializable and functional, so a
 * lambda can be shipped.
 */
@FunctionalInterface
public interface RemoteRunnable extends Serializable {

    /**
     * Runs on the remote node, on a virtual thread.
     *
     * @throws Exception any failure; the remote node logs it, since a cast has no caller waiting
     */
    void run() throws Exception;
}
