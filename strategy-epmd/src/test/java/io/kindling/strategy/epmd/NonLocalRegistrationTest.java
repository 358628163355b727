package io.kindling.strategy.epmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindling.testsupport.ChildProcess;
import io.kindling.testsupport.Requires;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Registration is accepted only from loopback, as epmd does: a client in a network namespace this test creates
 * (joined to this one by a veth pair, so no traffic leaves the machine) may list names but not register. Needs
 * root and iproute2, as CI has.
 */
class NonLocalRegistrationTest {

    private static void ip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(20, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("'" + String.join(" ", command) + "' failed (this test needs root and iproute2, "
                    + "as CI has): " + output);
        }
    }

    @Test
    void aClientOutsideLoopbackMayListNamesButNotRegister() throws Exception {
        Requires.root("creates a network namespace and a veth pair");
        Requires.executable("ip", "iproute2");
        long pid = ProcessHandle.current().pid();
        String namespace = "kindling" + pid;
        String outside = "kv" + pid + "a";
        String inside = "kv" + pid + "b";
        int subnet = (int) (pid % 200) + 20;
        String hostAddress = "10.213." + subnet + ".1";
        ip("netns", "add", namespace);
        try {
            ip("link", "add", outside, "type", "veth", "peer", "name", inside);
            ip("link", "set", inside, "netns", namespace);
            ip("addr", "add", hostAddress + "/30", "dev", outside);
            ip("link", "set", outside, "up");
            ip("netns", "exec", namespace, "ip", "addr", "add", "10.213." + subnet + ".2/30", "dev", inside);
            ip("netns", "exec", namespace, "ip", "link", "set", inside, "up");
            try (PortMapper mapper = PortMapper.start(InetAddress.getByName(hostAddress), 0)) {
                EpmdClient local = new EpmdClient(hostAddress, mapper.port(), Duration.ofSeconds(5));
                try (EpmdRegistration registration = local.register("resident", 4001, EpmdEntry.HIDDEN_NODE,
                        new byte[0])) {
                    assertTrue(registration.isActive(), "the socket's own address counts as local, as in epmd");
                    String classPath = ChildProcess.testClassPath();
                    try (ChildProcess probe = ChildProcess.start("probe", List.of("ip", "netns", "exec", namespace,
                            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
                            RemoteProbe.class.getName(), hostAddress, Integer.toString(mapper.port())), Map.of())) {
                        String names = probe.awaitLine(Duration.ofSeconds(60), line -> line.startsWith("NAMES"));
                        assertEquals("NAMES {resident=4001}", names, "NAMES is answered from anywhere");
                        String register = probe.awaitLine(Duration.ofSeconds(60),
                                line -> line.startsWith("REGISTER"));
                        assertTrue(register.startsWith("REGISTER refused"), register);
                    }
                    assertEquals(List.of("resident"), List.copyOf(mapper.registrations().keySet()));
                }
            }
        } finally {
            ip("netns", "del", namespace); // removes the veth pair with it
        }
    }
}
