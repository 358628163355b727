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
    /**
     * Our dial reached the peer (its TCP connection is open) and is in the handshake. Until then a dial may be stuck
     * in the network (its SYNs lost to a partition that has just healed), so the peer's own dial, which got through,
     * is taken instead of being told to wait for ours.
     */
    boolean dialReachedPeer;
    int incoming;
    /** Set when the slot was dropped from the node's map; whoever finds it so looks the peer up again. */
    boolean removed;

    synchronized PeerConnection active() {
        return active != null && active.isOpen() ? active : null;
    }

    /**
     * A HELLO arrived from the peer: answer OK, or SIMULTANEOUS when our own dial, in its handshake too, wins the
     * tie. Should our dial get through later, the two connections are settled when the second registers.
     */
    int onIncoming(NodeName self, NodeName peerName) {
        if (dialing && dialReachedPeer && self.compareTo(peerName) < 0) {
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
            dialEnded();
        } else {
            incoming--;
        }
    }

    /** Our dial ended, whichever way. */
    void dialEnded() {
        dialing = false;
        dialReachedPeer = false;
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
