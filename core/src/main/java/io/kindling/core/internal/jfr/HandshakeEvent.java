package io.kindling.core.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event {@code kindling.Handshake}: A handshake with another node, dialed or accepted, from connect to its outcome.
 *
 * <p>Internal: not part of Kindling's API; its name and fields are (README, "Observing a cluster").
 */
@Name("kindling.Handshake")
@Label("Handshake")
@Category({"Kindling", "Connections"})
@Description("A handshake with another node, dialed or accepted, from connect to its outcome.")
@StackTrace(false)
public final class HandshakeEvent extends Event {

    /** The other node, when it said its name. */
    @Label("Peer")
    public String peer;

    /** The remote address. */
    @Label("Address")
    public String address;

    /** Whether this node dialed. */
    @Label("Dialed")
    public boolean dialed;

    /** OK, or why it failed. */
    @Label("Outcome")
    public String outcome;

    /**
     * {@return a begun event, or {@code null} when no recording wants one; call it only when {@link Jfr#on()}}
     *
     * @param address the remote address
     * @param dialed whether this node dialed
     */
    public static HandshakeEvent begin(Object address, boolean dialed) {
        if (!wanted()) {
            return null;
        }
        HandshakeEvent event = new HandshakeEvent();
        event.begin();
        event.address = String.valueOf(address);
        event.dialed = dialed;
        return event;
    }

    /**
     * Commits a begun event; does nothing with {@code null}.
     *
     * @param event the event from {@link #begin(Object, boolean)}
     * @param peer the other node, or {@code null} when unknown
     * @param outcome OK, or why it failed
     */
    public static void end(HandshakeEvent event, Object peer, String outcome) {
        if (event != null) {
            event.peer = peer == null ? "" : peer.toString();
            event.outcome = outcome;
            event.commit();
        }
    }

    /** {@return whether a recording wants this event: when not, the code that would make one skips it} */
    public static boolean wanted() {
        return Jfr.enabled(HandshakeEvent.class);
    }
}
