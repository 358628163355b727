package io.kindling.testsupport;

import java.lang.management.ManagementFactory;

/**
 * What one fuzz input may cost: time and memory proportional to its size. Runs a piece of work twice on the calling
 * thread, measures the second run's allocation ({@code com.sun.management.ThreadMXBean}) and wall time, and fails
 * when either exceeds a base plus a price per input byte. The first run is not measured: it may load and initialize
 * classes, a cost paid once per JVM, not per input.
 *
 * @param millisBase milliseconds allowed whatever the size
 * @param microsPerByte microseconds allowed per input byte
 * @param bytesBase bytes the work may allocate whatever the size
 * @param bytesPerByte bytes it may allocate per input byte
 */
public record FuzzBudget(long millisBase, long microsPerByte, long bytesBase, long bytesPerByte) {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Work that may throw what the target documents; the caller catches it. */
    @FunctionalInterface
    public interface Work {
        /**
         * Does the work.
         *
         * @throws Exception what the target documents
         */
        void run() throws Exception;
    }

    /**
     * Runs work twice on this thread and checks the second run's cost.
     *
     * @param inputBytes the input's size
     * @param what names the work in a failure
     * @param work the work; an exception it throws is rethrown after the budget is checked
     * @throws Exception what the work threw
     * @throws AssertionError if the work took or allocated more than the budget
     */
    public void check(int inputBytes, String what, Work work) throws Exception {
        try {
            work.run();
        } catch (Exception e) {
            // the measured run below throws it again
        }
        long thread = Thread.currentThread().threadId();
        long allocatedBefore = THREADS.getThreadAllocatedBytes(thread);
        long started = System.nanoTime();
        Exception thrown = null;
        try {
            work.run();
        } catch (Exception e) {
            thrown = e;
        }
        long micros = (System.nanoTime() - started) / 1000;
        long allocated = THREADS.getThreadAllocatedBytes(thread) - allocatedBefore;
        if (micros > millisBase * 1000 + microsPerByte * inputBytes) {
            throw new AssertionError(what + " of " + inputBytes + " bytes took " + micros + " µs, over "
                    + millisBase + " ms + " + microsPerByte + " µs per byte");
        }
        if (allocated > bytesBase + bytesPerByte * inputBytes) {
            throw new AssertionError(what + " of " + inputBytes + " bytes allocated " + allocated + " bytes, over "
                    + bytesBase + " + " + bytesPerByte + " per byte");
        }
        if (thrown != null) {
            throw thrown;
        }
    }
}
