/**
 * Kindling's JFR events ({@code kindling.*}): off unless a recording enables them, and then cheap. Each event class
 * says when it is committed. Code that would make one first asks {@link io.kindling.core.internal.jfr.Jfr#on()}
 * (loading an event class wakes JFR up, which costs a fresh JVM 70 to 150 ms), then the event's {@code wanted()}: a
 * disabled event costs one or two checks.
 *
 * <p>Internal: not part of Kindling's API; the event names and fields are.
 */
package io.kindling.core.internal.jfr;
