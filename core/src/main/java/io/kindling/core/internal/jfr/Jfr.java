package io.kindling.core.internal.jfr;

import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;

/**
 * The gate in front of Kindling's events. Loading a class that extends {@link Event} wakes JFR up to instrument it,
 * even when nothing records: 70 to 150 ms in a fresh JVM, which a runner's first handshake used to pay. So code
 * touches an event class only once {@link #on()} says JFR has started in this JVM (a
 * {@code -XX:StartFlightRecording} flag, {@code jcmd JFR.start}, a {@code Recording} in code); then each event's
 * {@code wanted()} says whether a recording enables it.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class Jfr {

    private static final ClassValue<EventType> TYPES = new ClassValue<>() {
        @Override
        protected EventType computeValue(Class<?> type) {
            return EventType.getEventType(type.asSubclass(Event.class));
        }
    };

    private Jfr() {
    }

    /** {@return whether JFR has started in this JVM: until it has, no event is wanted and none is loaded} */
    public static boolean on() {
        return FlightRecorder.isInitialized();
    }

    /**
     * {@return whether a recording enables events of the class}
     *
     * @param type the event class
     */
    static boolean enabled(Class<? extends Event> type) {
        return on() && TYPES.get(type).isEnabled();
    }
}
