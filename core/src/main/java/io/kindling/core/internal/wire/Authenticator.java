package io.kindling.core.internal.wire;

import io.kindling.api.AuthenticationException;
import io.kindling.api.HandshakeException;
import io.kindling.api.KindlingException;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeAttributes;
import io.kindling.api.NodeName;
import io.kindling.api.NodeUnreachableException;
import io.kindling.api.spi.Transport;
import io.kindling.core.internal.LazyLogger;
import io.kindling.core.internal.jfr.HandshakeEvent;
import io.kindling.core.internal.jfr.Jfr;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the {@link Handshake} on a fresh connection, as the dialer or as the acceptor, under the handshake
 * deadline: the connection is closed when the deadline passes, which ends any blocked read. Knows the cookie, this
 * node's name, incarnation and attributes; decides nothing about which connection a peer keeps (that is the
 * {@link Arbiter}'s, in {@link Connections}).
 */
final class Authenticator {

    private static final System.Logger LOG = LazyLogger.of(Authenticator.class.getName());
    /** Failed incoming handshakes: anyone who can reach the port can cause them. */
    private final RateLimitedLog refusals = new RateLimitedLog(LOG, 10, TimeUnit.SECONDS);

    private final NodeName self;
    /** The cookie's key ({@link Cookies#key}), which the proofs use. */
    private final byte[] key;
    private final long incarnation;
    private final NodeAttributes attributes;
    private final Duration handshakeTimeout;
    /** How long a dialer that failed to prove the cookie waits for its refusal: slows down online guessing. */
    private final Duration failureDelay;
    private final ScheduledExecutorService scheduler;

    /** Decides, when a HELLO arrives, whether this attempt goes on; told when an attempt it let on fails. */
    interface Arbiter {
        /**
         * @param peer the dialing node
         * @param incarnation the incarnation it announces
         * @return {@link Handshake#STATUS_OK} to go on, {@link Handshake#STATUS_SIMULTANEOUS} when this node's
         *     own dial wins
         * @throws HandshakeException to refuse the dialer; the message goes back to it
         */
        int onHello(NodeName peer, long incarnation);

        /**
         * The attempt ended without a connection, after {@link #onHello} let it on.
         *
         * @param error why
         */
        void failed(KindlingException error);
    }

    /** An accepted dialer: who it is, and the address it listens on (port 0 when it does not listen). */
    record Accepted(Handshake.Peer peer, String listenHost, int listenPort) {
    }

    /** Our dial lost a simultaneous-dial race; the peer's dial to us carries the connection. */
    static final class SimultaneousDial extends RuntimeException {
        SimultaneousDial() {
            super(null, null, false, false);
        }
    }

    Authenticator(NodeName self, byte[] cookie, long incarnation, NodeAttributes attributes,
            Duration handshakeTimeout, Duration failureDelay, ScheduledExecutorService scheduler) {
        this.self = self;
        this.key = Cookies.key(cookie);
        this.failureDelay = failureDelay;
        this.incarnation = incarnation;
        this.attributes = attributes;
        this.handshakeTimeout = handshakeTimeout;
        this.scheduler = scheduler;
    }

    /**
     * The dialer's side.
     *
     * @param raw the new connection
     * @param target who we dialed
     * @param listening this node's own address, sent so the peer can dial back
     * @return the authenticated peer
     * @throws SimultaneousDial if the peer's own dial to us wins
     * @throws KindlingException if the handshake failed (refused, wrong cookie, deadline, lost connection)
     */
    Handshake.Peer dial(Transport.Connection raw, NodeAddress target, NodeAddress listening) {
        HandshakeEvent event = Jfr.on() ? HandshakeEvent.begin(raw.remoteAddress(), true) : null;
        try {
            Handshake.Peer peer = dialUntraced(raw, target, listening);
            if (event != null) {
                HandshakeEvent.end(event, peer.name(), "OK");
            }
            return peer;
        } catch (RuntimeException e) {
            if (event != null) {
                HandshakeEvent.end(event, target.name(), e instanceof SimultaneousDial ? "SIMULTANEOUS"
                        : e.getMessage());
            }
            throw e;
        }
    }

    private Handshake.Peer dialUntraced(Transport.Connection raw, NodeAddress target, NodeAddress listening) {
        String where = target.host() + ":" + target.port();
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = deadline(raw, expired);
        try {
            byte[] ourNonce = Handshake.nonce();
            Handshake.writeHello(raw.output(), new Handshake.Hello(self, target.name(), listening.host(),
                    listening.port(), incarnation, ourNonce));
            Handshake.Challenge challenge = Handshake.readChallenge(raw.input());
            if (challenge.status() == Handshake.STATUS_SIMULTANEOUS) {
                throw new SimultaneousDial();
            }
            if (challenge.status() != Handshake.STATUS_OK) {
                throw new HandshakeException("Node at " + where + " refused the connection: " + challenge.reason());
            }
            if (!challenge.acceptor().equals(target.name())) {
                throw new HandshakeException("Dialed node " + target.name() + " at " + where + ", but "
                        + challenge.acceptor() + " answered");
            }
            raw.checkPeerName(target.name());
            byte[] binding = raw.channelBinding();
            byte[] ours = Handshake.proof(key, "dialer", self, target.name(), ourNonce, challenge.nonce(), binding);
            Handshake.writeProof(raw.output(), ours, attributes);
            var accept = Handshake.readAccept(raw.input(), target.name(), where);
            byte[] theirs = Handshake.proof(key, "acceptor", self, target.name(), ourNonce, challenge.nonce(),
                    binding);
            if (!Handshake.matches(theirs, accept.getKey())) {
                throw new AuthenticationException("Node " + target.name() + " at " + where
                        + " could not prove it holds this node's cookie: the two nodes use different cookies");
            }
            return new Handshake.Peer(target.name(), accept.getValue(), challenge.incarnation());
        } catch (javax.net.ssl.SSLException e) {
            throw new HandshakeException("Handshake with node " + target.name() + " at " + where + " failed: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            if (expired.get()) {
                throw new HandshakeException("Handshake with node " + target.name() + " at " + where
                        + " did not finish within " + handshakeTimeout.toMillis()
                        + " ms (kindling.handshake.timeout)");
            }
            throw new NodeUnreachableException(target.name(), "Lost the connection to node " + target.name()
                    + " at " + where + " during the handshake: " + describe(e), e);
        } finally {
            deadline.cancel(false);
        }
    }

    /**
     * The acceptor's side. On any failure the connection is closed, the reason logged, and the arbiter told.
     *
     * @param raw the accepted connection
     * @param arbiter decides whether the attempt goes on once the dialer is known
     * @return the authenticated dialer, or {@code null} when the attempt ended (refused, lost the simultaneous
     *     dial, failed)
     */
    Accepted accept(Transport.Connection raw, Arbiter arbiter) {
        HandshakeEvent event = Jfr.on() ? HandshakeEvent.begin(raw.remoteAddress(), false) : null;
        Accepted accepted = acceptUntraced(raw, arbiter);
        if (event != null) {
            HandshakeEvent.end(event, accepted == null ? null : accepted.peer().name(), accepted == null
                    ? "NOT ACCEPTED (refused, lost to a simultaneous dial, or failed: see the log)" : "OK");
        }
        return accepted;
    }

    private Accepted acceptUntraced(Transport.Connection raw, Arbiter arbiter) {
        SocketAddress from = raw.remoteAddress();
        AtomicBoolean expired = new AtomicBoolean();
        ScheduledFuture<?> deadline = deadline(raw, expired);
        boolean letOn = false;
        try {
            Handshake.Hello hello = Handshake.readHello(raw.input());
            NodeName peer = hello.dialer();
            String refusal = null;
            if (!hello.expected().equals(self)) {
                refusal = "this is node " + self + ", not " + hello.expected();
            } else if (peer.equals(self)) {
                refusal = "the dialing node has the same name as this node (" + self + ")";
            }
            byte[] ourNonce = Handshake.nonce();
            int status = Handshake.STATUS_REFUSED;
            if (refusal == null) {
                try {
                    raw.checkPeerName(peer);
                    status = arbiter.onHello(peer, hello.incarnation());
                } catch (HandshakeException e) {
                    refusal = e.getMessage();
                }
            }
            if (refusal != null) {
                Handshake.writeChallenge(raw.output(), new Handshake.Challenge(Handshake.STATUS_REFUSED, refusal,
                        self, incarnation, ourNonce));
                throw new HandshakeException(refusal);
            }
            letOn = status == Handshake.STATUS_OK;
            Handshake.writeChallenge(raw.output(), new Handshake.Challenge(status, null, self, incarnation,
                    ourNonce));
            if (!letOn) {
                Connections.closeQuietly(raw);
                return null;
            }
            var proof = Handshake.readProof(raw.input());
            byte[] binding = raw.channelBinding();
            byte[] expected = Handshake.proof(key, "dialer", peer, self, hello.nonce(), ourNonce, binding);
            if (!Handshake.matches(expected, proof.getKey())) {
                deadline.cancel(false);
                slowDown();
                Handshake.writeAccept(raw.output(), Handshake.STATUS_BAD_COOKIE, new byte[0], NodeAttributes.empty());
                throw new AuthenticationException("Refused node " + peer + " connecting from " + from
                        + ": it does not hold this node's cookie");
            }
            byte[] ours = Handshake.proof(key, "acceptor", peer, self, hello.nonce(), ourNonce, binding);
            Handshake.writeAccept(raw.output(), Handshake.STATUS_OK, ours, attributes);
            deadline.cancel(false);
            return new Accepted(new Handshake.Peer(peer, proof.getValue(), hello.incarnation()), hello.listenHost(),
                    hello.listenPort());
        } catch (Handshake.VersionMismatch e) {
            try {
                Handshake.writeChallenge(raw.output(), new Handshake.Challenge(Handshake.STATUS_REFUSED,
                        e.getMessage(), self, incarnation, Handshake.nonce()));
            } catch (IOException ignored) {
                // closing anyway
            }
            refused(raw, from, e.getMessage(), letOn ? arbiter : null, e);
        } catch (AuthenticationException e) {
            refusals.log(Level.WARNING, e.getMessage());
            refused(raw, from, null, letOn ? arbiter : null, e);
        } catch (IOException | RuntimeException e) {
            String reason = expired.get() ? "handshake did not finish within " + handshakeTimeout.toMillis()
                    + " ms (kindling.handshake.timeout)" : e.getMessage();
            refused(raw, from, reason, letOn ? arbiter : null,
                    e instanceof KindlingException k ? k : new HandshakeException(String.valueOf(reason), e));
        } finally {
            deadline.cancel(false);
        }
        return null;
    }

    /**
     * Holds a failed dialer's answer back for the failure delay. The thread (and the handshake permit of the
     * dialer's address, see {@link HandshakeGate}) stays taken meanwhile, which is what bounds the guesses one
     * address can make per second.
     */
    private void slowDown() {
        try {
            Thread.sleep(failureDelay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void refused(Transport.Connection raw, SocketAddress from, String reason, Arbiter toTell,
            KindlingException error) {
        if (reason != null) {
            refusals.log(Level.WARNING, "Node " + self + " closed an incoming connection from " + from + ": "
                    + reason);
        }
        Connections.closeQuietly(raw);
        if (toTell != null) {
            toTell.failed(error);
        }
    }

    private ScheduledFuture<?> deadline(Transport.Connection raw, AtomicBoolean expired) {
        return scheduler.schedule(() -> {
            expired.set(true);
            Connections.closeQuietly(raw);
        }, handshakeTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    static String describe(IOException e) {
        String message = e.getMessage();
        if (e instanceof java.net.SocketTimeoutException && (message == null || message.isBlank())) {
            return "timed out: no answer (the host is down, or a firewall drops the packets)";
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
