package io.kindling.multihost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.testsupport.Await;
import io.kindling.testsupport.Closer;
import io.kindling.testsupport.HostSsh;
import io.kindling.testsupport.NetworkHosts;
import io.kindling.testsupport.NetworkHosts.Host;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runners on other hosts through the {@code ssh} backend: a parent on host 1 keeps two runners, spread over hosts 2
 * and 3 (each with a real {@code sshd}, key authentication, host keys checked). Host 2 is cut off while a call runs
 * there: the call fails with {@code RunnerLostException}, the pool boots the replacement on host 3, the runner on
 * the cut-off host exits by itself (its parent went silent), and once the pool stops no process of Kindling is
 * left on any host. Needs root, iproute2, nftables, dnsmasq and OpenSSH (client and server), as CI has.
 */
class SshPoolTest {

    @RegisterExtension
    final Closer closer = new Closer();
    /** The hosts and the pool's parent, for the helpers below. */
    private NetworkHosts hosts;
    private HostNode parent;

    @Test
    void runnersSpreadOverHostsAndAHostCutOffIsReplaced() throws Exception {
        HostCluster cluster = closer.add(HostCluster.create(1, 2));
        hosts = cluster.hosts;
        HostSsh ssh = closer.add(HostSsh.start(hosts, List.of(hosts.host(2), hosts.host(3))));
        Host h2 = hosts.host(2);
        Host h3 = hosts.host(3);
        String runnerHosts = "root@" + h2.address() + ",root@" + h3.address();
        HostNode parent = cluster.start(hosts.host(1), List.of("kindling.pools=work",
                "kindling.pool.work.backend=ssh", "kindling.pool.work.min=2", "kindling.pool.work.max=2",
                "kindling.pool.work.boot-timeout=60s", "kindling.pool.work.max-concurrency=1",
                "kindling.backend.ssh.hosts=" + runnerHosts,
                "kindling.backend.ssh.identity=" + ssh.identity(), "kindling.backend.ssh.known-hosts="
                        + ssh.knownHosts(), "kindling.backend.ssh.connect-timeout=3s",
                "kindling.backend.ssh.alive-interval=1s", "kindling.backend.ssh.alive-count-max=2"),
                PoolParentMain.class);
        this.parent = parent;
        Set<String> spread = awaitRunners("two runners up", runners -> runners.size() == 2);
        assertEquals(Set.of(h2.address(), h3.address()), spread.stream().map(name -> name.split("@")[1])
                .collect(Collectors.toSet()), "one runner on each host: " + spread);
        assertEquals(1, runnerProcesses(h2), "one runner JVM on host 2: " + processes(h2));
        assertEquals(1, runnerProcesses(h3), "one runner JVM on host 3: " + processes(h3));

        // Each runner takes one call at a time (max-concurrency 1): two calls run one on each host.
        CompletableFuture<String> first = poolCall(Duration.ofSeconds(30), "first");
        CompletableFuture<String> second = poolCall(Duration.ofSeconds(30), "second");
        Await.until("both calls placed", Duration.ofSeconds(30), () -> queued() == 0 && busy(first, second));
        long cutAt = System.nanoTime();
        hosts.cut(List.of(h2), List.of(hosts.host(1), h3));
        String lost = (String) CompletableFuture.anyOf(first, second).get(120, TimeUnit.SECONDS);
        System.out.println("ssh: host 2 cut off while a call ran there; the call failed "
                + (System.nanoTime() - cutAt) / 1_000_000 + " ms after the cut: " + lost);
        assertTrue(lost.matches("POOL_FAILED work \\w+ RunnerLostException .*"), lost);
        Set<String> replaced = awaitRunners("the lost runner replaced on host 3", runners -> runners.size() == 2
                && runners.stream().allMatch(runner -> runner.endsWith("@" + h3.address())));
        System.out.println("ssh: runners " + replaced + ", " + (System.nanoTime() - cutAt) / 1_000_000
                + " ms after the cut");
        String kept = (lost.equals(first.getNow(null)) ? second : first).get(120, TimeUnit.SECONDS);
        assertTrue(kept.matches("POOL_CALLED work \\w+ \\S+@" + h3.address().replace(".", "\\.") + " .*"), kept);
        Await.until("the runner on the cut-off host exited by itself", Duration.ofSeconds(60),
                () -> "processes on h2: " + processes(h2), () -> runnerProcesses(h2) == 0);
        String call = poolCall(Duration.ZERO, "after").get(150, TimeUnit.SECONDS);
        assertTrue(call.startsWith("POOL_CALLED work after ") && call.contains("@" + h3.address() + " "), call);

        // The parent dies (kill -9, its ssh clients left behind): its runners exit as their parent node goes
        // down, their sessions end, and the clients with them. Only the servers are left.
        hosts.heal();
        parent.process.signal("KILL");
        Await.until("no process left on host 1 (the parent's ssh clients ended)", Duration.ofSeconds(60),
                () -> "processes: " + processes(hosts.host(1)), () -> processes(hosts.host(1)).isEmpty());
        for (Host host : List.of(h2, h3)) {
            Await.until("only sshd left on " + host, Duration.ofSeconds(60), () -> "processes: " + processes(host),
                    () -> processes(host).size() == 1 && processes(host).getFirst().contains("sshd")); // its server
        }
    }

    private CompletableFuture<String> poolCall(Duration sleep, String tag) {
        return parent.sendLater("pool-call work " + sleep.toMillis() + " 120000 " + tag, Duration.ofSeconds(150),
                "POOL_CALLED work " + tag + " ", "POOL_FAILED work " + tag + " ");
    }

    private Set<String> runners() throws Exception {
        String line = parent.process.send("pool-runners work", Duration.ofSeconds(30), l -> l.startsWith("RUNNERS"));
        String list = line.substring("RUNNERS work".length()).strip();
        return list.isEmpty() ? Set.of() : Set.copyOf(Arrays.asList(list.split(",")));
    }

    /** Whether neither call has ended yet (both run: none waits for room). */
    private static boolean busy(CompletableFuture<String> first, CompletableFuture<String> second) {
        if (first.isDone() || second.isDone()) {
            throw new AssertionError("a 30 s call ended early: " + (first.isDone() ? first : second).join());
        }
        return true;
    }

    private int queued() {
        try {
            String line = parent.process.send("pool-queued work", Duration.ofSeconds(30),
                    l -> l.startsWith("QUEUED"));
            return Integer.parseInt(line.substring("QUEUED work ".length()).strip());
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private Set<String> awaitRunners(String what, java.util.function.Predicate<Set<String>> wanted)
            throws InterruptedException {
        java.util.concurrent.atomic.AtomicReference<Set<String>> seen =
                new java.util.concurrent.atomic.AtomicReference<>(Set.of());
        Await.until(what, Duration.ofSeconds(90), () -> "runners " + seen.get() + "; parent's output:\n"
                + parent.process.output(), () -> {
                    try {
                        seen.set(runners());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return wanted.test(seen.get());
                });
        return seen.get();
    }

    /** {@return the command lines of the processes in a host's namespace} */
    private List<String> processes(Host host) {
        return hosts.processes(host).stream().map(p -> p.info().commandLine().orElse(""))
                .filter(command -> !command.isEmpty()).toList();
    }

    private long runnerProcesses(Host host) {
        return processes(host).stream().filter(command -> command.contains("RunnerMain")).count();
    }
}
