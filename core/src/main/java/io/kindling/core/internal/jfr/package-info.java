/**
 * Kindling's JFR events ({@code kindling.*}): off unless a recording enables them, and then cheap. Each event class
 * says when it is committed; code that would make one first asks {@code wanted()}, so a disabled event costs one
 * check.
 *
 * <p>Internal: not part of Kindling's API; the event names and fields are.
 */
package io.kindling.core.internal.jfr;
