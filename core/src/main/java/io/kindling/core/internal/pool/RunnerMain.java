package io.kindling.core.internal.pool;

import io.kindling.api.spi.RunnerEntryPoint;
import io.kindling.api.spi.RunnerProtocol;
import io.kindling.core.KindlingNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The entry point of a runner process, for backends that start one (such as {@code backend-peer}), speaking the
 * {@link RunnerProtocol}: reads its spec from standard input, prints its phases, starts a {@link RunnerNode}, and
 * exits when its standard input ends (the parent closed it, or died), when the parent process exits, or when the
 * parent node goes down: never an orphan. Backends find this class through {@link RunnerEntryPoint}.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class RunnerMain {

    private static final System.Logger LOG = System.getLogger(RunnerMain.class.getName());
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
        start.parentPid().ifPresent(pid -> ProcessHandle.of(pid).ifPresentOrElse(
                parent -> parent.onExit().thenRun(() -> exit(RunnerProtocol.EXIT_PARENT_LOST,
                        "the parent process exited")),
                () -> exit(RunnerProtocol.EXIT_PARENT_LOST, "the parent process is gone")));
        Thread.ofPlatform().daemon().name("kindling-runner-stdin").start(() -> {
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
     * Starts, on other threads, the one-time initializations the boot path would otherwise wait for in turn: the
     * security providers behind the handshake's random nonces and HMAC, and the logging backend. They run while
     * this thread reads the spec and starts the node.
     */
    private static void warmUp() {
        Thread.ofPlatform().daemon().name("kindling-runner-warm-crypto").start(() -> {
            try {
                new SecureRandom().nextLong();
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(new byte[] {1}, "HmacSHA256"));
                mac.doFinal(new byte[1]);
            } catch (GeneralSecurityException e) {
                // the handshake will report it
            }
        });
        Thread.ofPlatform().daemon().name("kindling-runner-warm-logging").start(() -> LOG.isLoggable(Level.INFO));
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
