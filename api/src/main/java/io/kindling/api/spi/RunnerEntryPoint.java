package io.kindling.api.spi;

/**
 * Where a runner process starts: the class whose {@code main} speaks the {@link RunnerProtocol}. Core provides the
 * one implementation; a process backend finds it with {@link java.util.ServiceLoader} instead of naming a class in
 * a string, and starts it as a module ({@code -m module/class}) when the class is in a named module.
 */
public interface RunnerEntryPoint {

    /** {@return the class whose {@code main(String[])} runs a runner process} */
    Class<?> mainClass();
}
