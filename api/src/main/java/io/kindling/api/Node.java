package io.kindling.api;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A running Kindling node: a named endpoint that authenticates peers with a shared cookie and runs their tasks.
 *
 * <p>One connection is kept per pair of nodes, opened by {@link #connect} (or by a cluster) and reused by every
 * call. Tasks run on the remote node on virtual threads. All methods are thread-safe. Every blocking method is
 * bounded by a timeout: its argument, or the node's configured connect timeout for {@link #connect}.
 *
 * <p>Errors are unchecked and share one hierarchy under {@link KindlingException}: a remote failure is a
 * {@link RemoteExecutionException} whose cause is the remote exception with its remote stack trace; a node that
 * goes down while a call is pending gives {@link NodeDownException} at once; an expired timeout gives
 * {@link RpcTimeoutException} and interrupts the remote task.
 */
public interface Node extends AutoCloseable {

    /** {@return this node's name} */
    NodeName name();

    /** {@return where this node listens, with the port actually bound} */
    NodeAddress address();

    /** {@return the attributes this node carries and shows to peers} */
    NodeAttributes attributes();

    /**
     * The attributes a connected node showed in its handshake.
     *
     * @param node a node
     * @return its attributes, or empty when it is not connected
     */
    Optional<NodeAttributes> attributesOf(NodeName node);

    /**
     * Runs a task on a connected node and waits for its result. A call to this node's own name runs here, with
     * the same errors, without serializing the task (as Erlang's {@code rpc:call(node(), ...)}).
     *
     * @param node the node to run on; must be connected, or have been connected before (it is then redialed)
     * @param task the task
     * @param timeout how long to wait in all, from now; on expiry the remote task is interrupted
     * @param <T> the result type
     * @return the task's result
     * @throws RemoteExecutionException if the task threw; the cause is the remote exception
     * @throws RpcTimeoutException if the timeout expired first
     * @throws NodeDownException if the node went down while the call was pending
     * @throws NodeUnreachableException if the node is not connected and could not be reached
     * @throws IncompatibleCodeException if the node has other code for the task, or lacks its class; the task did
     *     not run
     * @throws TooManyTasksException if the node already runs {@code kindling.tasks.max-per-peer} tasks for this
     *     node; the task did not run
     * @throws KindlingException if the task could not be encoded, or the calling thread was interrupted (its
     *     interrupt flag is then set again)
     */
    <T> T call(NodeName node, RemoteCallable<T> task, Duration timeout);

    /**
     * Runs a task on a connected node without waiting. The future completes with the result or exceptionally with
     * one of the exceptions {@link #call} throws. Cancelling the future cancels the remote task. The future is
     * completed on one of the node's own threads (the connection's reader or its timer): attach blocking work with
     * an {@code *Async} method and an executor, not directly.
     *
     * @param node the node to run on
     * @param task the task
     * @param timeout how long until the future fails with {@link RpcTimeoutException}
     * @param <T> the result type
     * @return the future result
     */
    <T> CompletableFuture<T> callAsync(NodeName node, RemoteCallable<T> task, Duration timeout);

    /**
     * Sends a task to run on a node and returns without waiting for it to run. The future completes when the task
     * has been handed to the connection, or fails when it could not be (node unreachable, task not encodable). A
     * failure of the task itself is logged on the remote node.
     *
     * @param node the node to run on
     * @param task the task
     * @return completes once sent
     */
    CompletableFuture<Void> cast(NodeName node, RemoteRunnable task);

    /**
     * Measures the round trip of a heartbeat-sized frame to a connected node.
     *
     * @param node the node
     * @param timeout how long to wait for the answer
     * @return the measured round trip
     * @throws RpcTimeoutException if no answer came in time
     * @throws NodeDownException if the node went down meanwhile
     * @throws NodeUnreachableException if the node is not connected and could not be reached
     */
    Duration ping(NodeName node, Duration timeout);

    /** {@return the nodes connected and authenticated right now} */
    Set<NodeName> connectedNodes();

    /**
     * Connects to a node, or returns at once when already connected. Bounded by the node's connect timeout
     * ({@code kindling.connect.timeout}, default 5 s), handshake included.
     *
     * @param address where the node listens
     * @return the node's authenticated name
     * @throws NodeUnreachableException if no connection could be made (says host, port and the OS error)
     * @throws AuthenticationException if the cookies differ
     * @throws KindlingException if the peer answered with another name than the address's, or refused the
     *     handshake for another reason (the message says which)
     */
    NodeName connect(NodeAddress address);

    /**
     * Connects to a node like {@link #connect(NodeAddress)}, bounded by the given timeout instead of the node's
     * connect timeout.
     *
     * @param address where the node listens
     * @param timeout how long the connection and handshake may take; positive
     * @return the node's authenticated name
     * @throws NodeUnreachableException if no connection could be made in time (says host, port and the OS error)
     * @throws AuthenticationException if the cookies differ
     * @throws KindlingException if the peer answered with another name than the address's, or refused the
     *     handshake for another reason (the message says which)
     * @throws IllegalArgumentException if the timeout is not positive
     */
    NodeName connect(NodeAddress address, Duration timeout);

    /**
     * Closes the connection to a node. Its pending calls fail with {@link NodeDownException}; monitors hear of it.
     *
     * @param node the node
     * @return whether it was connected
     */
    boolean disconnect(NodeName node);

    /**
     * Registers a listener for node up and node down events. Events come in order on the node's event thread; a
     * listener that throws is logged and keeps receiving events.
     *
     * @param listener the listener
     * @return a handle that removes the listener
     */
    Subscription monitor(Consumer<? super NodeEvent> listener);

    /**
     * The node's configuration: every layer (defaults, files, environment, system properties) with the settings
     * the node was built with on top. What is built on a node (clusters, pools, region RPC) reads its settings
     * here.
     *
     * @return the configuration, read-only
     */
    Config config();

    /**
     * The class loader the node resolves plugins and the classes of decoded tasks with. What is built on a node
     * finds its own plugins with it.
     *
     * @return the class loader; never {@code null}
     */
    ClassLoader classLoader();

    /**
     * Runs a hook first thing when the node closes, before its connections go (at once, on this thread, when the
     * node is closed already). A cluster uses it to stop polling. A hook that throws is logged; the others still
     * run.
     *
     * @param hook what to run
     * @return a handle that removes the hook
     */
    Subscription onClose(Runnable hook);

    /** {@return whether {@link #close()} was called} */
    boolean isClosed();

    /**
     * Stops listening, closes every connection (pending calls fail with {@link NodeDownException}), interrupts the
     * tasks that peers are running here, and stops the node's extensions. Closing twice does nothing.
     */
    @Override
    void close();
}
