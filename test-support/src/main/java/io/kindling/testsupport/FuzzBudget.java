package io.kindling.testsupport;

import java.lang.management.ManagementFactory;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What one fuzz input may cost: time and memory proportional to its size. Runs a piece of work twice on a worker
 * thread, measures the second run's allocation ({@code com.sun.management.ThreadMXBean}) and wall time, and fails
 * when either exceeds a base plus a price per input byte. The first run is not measured: it may load and initialize
 * classes, a cost paid once per JVM, not per input. A run that has not ended after ten times its time budget (at
 * least 2 s) fails as a hang, so that the fuzzer keeps the input; its worker is left to spin (a daemon thread).
 *
 * @param millisBase milliseconds allowed whatever the size
 * @param microsPerByte microseconds allowed per input byte
 * @param bytesBase bytes the work may allocate whatever the size
 * @param bytesPerByte bytes it may allocate per input byte
 */
public record FuzzBudget(long millisBase, long microsPerByte, long bytesBase, long bytesPerByte) {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** Runs the work; replaced when a hang leaves it stuck. */
    private static volatile ExecutorService worker = newWorker();

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
     * Runs work twice and checks the second run's cost.
     *
     * @param inputBytes the input's size
     * @param what names the work in a failure
     * @param work the work; an exception it throws is rethrown after the budget is checked
     * @throws Exception what the work threw
     * @throws AssertionError if the work took or allocated more than the budget, or did not end
     */
    public void check(int inputBytes, String what, Work work) throws Exception {
        long hangMillis = Math.max(2000, 10 * (millisBase + microsPerByte * inputBytes / 1000));
        Future<?> run = worker.submit(() -> {
            measured(inputBytes, what, work);
            return null;
        });
        try {
            run.get(hangMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            worker = newWorker(); // the old one is stuck in the work
            throw new AssertionError(what + " of " + inputBytes + " bytes did not end within " + hangMillis
                    + " ms: a hang");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception exception) {
                throw exception;
            }
            throw (Error) e.getCause();
        }
    }

    private void measured(int inputBytes, String what, Work work) throws Exception {
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

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("fuzz-budget-worker").factory());
    }
}
