package io.kindling.core.internal.wire;

import io.kindling.api.NodeName;
import java.util.concurrent.CompletableFuture;

/**
 * The connection state of one peer: its active connection, the connect callers wait on, and the attempts in
 * flight in either direction. All fields are guarded by the slot's monitor.
 */
final class PeerSlot {
    PeerConnection active;
    CompletableFuture<PeerConnection> pending;
    boolean dialing;
    int incoming;
    /** Set when the slot was dropped from the node's map; whoever finds it so looks the peer up again. */
    boolean removed;

    synchronized PeerConnection active() {
        return active != null && active.isOpen() ? active : null;
    }

    /** A HELLO arrived from the peer: answer OK, or SIMULTANEOUS when our own dial wins the tie. */
    int onIncoming(NodeName self, NodeName peerName) {
        if (dialing && self.compareTo(peerName) < 0) {
            return Handshake.STATUS_SIMULTANEOUS;
        }
        incoming++;
        if (pending == null) {
            pending = new CompletableFuture<>();
        }
        return Handshake.STATUS_OK;
    }

    /** A dial ({@code dialed}) or an incoming handshake of this peer finished. */
    void attemptEnded(boolean dialed) {
        if (dialed) {
            dialing = false;
        } else {
            incoming--;
        }
    }

    void activate(PeerConnection connection) {
        active = connection;
        resolvePending(connection);
    }

    void resolvePending(PeerConnection connection) {
        if (pending != null) {
            pending.complete(connection);
            pending = null;
        }
    }

    /** Fails the pending connect when no attempt in either direction is left to complete it. */
    void failIfAbandoned(Throwable error) {
        if (pending != null && !dialing && incoming == 0) {
            pending.completeExceptionally(error);
            pending = null;
        }
    }

    void forgetIfStuck(CompletableFuture<PeerConnection> waitedOn) {
        if (pending == waitedOn && !dialing && incoming == 0) {
            pending = null;
        }
    }

    synchronized boolean settled() {
        return !dialing && incoming == 0 && pending == null;
    }
}
