package io.kindling.core.internal.pool;

import io.kindling.api.spi.RunnerEntryPoint;
import io.kindling.api.spi.RunnerProtocol;
import io.kindling.core.KindlingNode;
import io.kindling.core.internal.LazyLogger;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The entry point of a runner process, for backends that start one (such as {@code backend-peer}), speaking the
 * {@link RunnerProtocol}: reads its spec from standard input, prints its phases, starts a {@link RunnerNode}, and
 * exits when its standard input ends (the parent closed it, or died), when the parent process exits, or when the
 * parent node goes down: never an orphan. Backends find this class through {@link RunnerEntryPoint}.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class RunnerMain {

    private static final System.Logger LOG = LazyLogger.of(RunnerMain.class.getName());
    private static final AtomicReference<KindlingNode> RUNNING = new AtomicReference<>();

    private RunnerMain() {
    }

    /** Provides this class as the {@link RunnerEntryPoint}. Public for {@link java.util.ServiceLoader}. */
    public static final class EntryPoint implements RunnerEntryPoint {

        /** Public for {@link java.util.ServiceLoader}. */
        public EntryPoint() {
        }

        @Override
        public Class<?> mainClass() {
            return RunnerMain.class;
        }
    }

    /**
     * Runs a runner process.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        System.out.println(RunnerProtocol.phaseLine(RunnerProtocol.PHASE_STARTED));
        System.out.flush();
        warmUp();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        RunnerProtocol.Start start;
        try {
            start = RunnerProtocol.decode(in);
        } catch (IOException e) {
            fail("cannot read the runner spec: " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            fail("bad runner spec: " + e.getMessage());
            return;
        }
        // The watchers start on their own thread: setting up a process watch takes several milliseconds in a fresh
        // JVM, which the node's start need not wait for.
        Thread.ofPlatform().daemon().name("kindling-runner-stdin").start(() -> {
            start.parentPid().ifPresent(pid -> ProcessHandle.of(pid).ifPresentOrElse(
                    parent -> parent.onExit().thenRun(() -> exit(RunnerProtocol.EXIT_PARENT_LOST,
                            "the parent process exited")),
                    () -> exit(RunnerProtocol.EXIT_PARENT_LOST, "the parent process is gone")));
            try {
                while (in.read() >= 0) {
                    // the parent sends nothing more; the end of input is the signal
                }
            } catch (IOException e) {
                // treated as the end
            }
            exit(0, "standard input closed by the parent");
        });
        KindlingNode node;
        try {
            node = RunnerNode.start(start.spec(), null, reason -> exit(reason.startsWith("idle") ? 0
                    : RunnerProtocol.EXIT_PARENT_LOST, reason), phase -> {
                        System.out.println(RunnerProtocol.phaseLine(phase));
                        System.out.flush();
                    });
        } catch (RuntimeException e) {
            fail(e.getMessage() != null ? e.getMessage() : e.toString());
            return;
        }
        RUNNING.set(node);
        System.out.println(RunnerProtocol.phaseLine(RunnerProtocol.PHASE_CONNECTED));
        System.out.flush();
        try {
            new CountDownLatch(1).await(); // the exit paths above end the process
        } catch (InterruptedException e) {
            exit(0, "interrupted");
        }
    }

    /**
     * Starts, on another thread, the one-time initialization the handshake would otherwise wait for: the security
     * provider behind its random nonces and its HMAC's digest. It runs while this thread reads the spec and starts
     * the node. Nothing else is warmed this way: warming the first call's path too (the codec, a lambda, a class
     * file) measured no faster, as that work then competes with the handshake on a 2-core machine; and logging is
     * not warmed, as a runner logs nothing on its way to its first call.
     */
    private static void warmUp() {
        Thread.ofPlatform().daemon().name("kindling-runner-warm-crypto").start(() -> {
            try {
                new SecureRandom().nextLong();
                MessageDigest.getInstance("SHA-256").digest(new byte[1]);
            } catch (GeneralSecurityException e) {
                // the handshake will report it
            }
        });
    }

    private static void fail(String reason) {
        System.out.println(RunnerProtocol.failureLine(reason));
        System.out.flush();
        System.exit(RunnerProtocol.EXIT_BOOT_FAILED);
    }

    private static void exit(int code, String reason) {
        LOG.log(Level.INFO, "Runner exiting: " + reason);
        KindlingNode node = RUNNING.get();
        if (node != null) {
            node.close();
        }
        System.exit(code);
    }
}
