package io.kindling.core;

import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A node in a child JVM for tests. Arguments: {@code key=value} configuration settings. Prints {@code READY <port>}
 * once listening, then reads commands from standard input ({@code connect ADDRESS}, {@code call NAME});
 * exits when standard input ends, so it never outlives the test JVM.
 */
public final class TestNodeMain {

    private TestNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        KindlingNode.Builder builder = KindlingNode.builder().attribute("role", "child");
        for (String arg : args) {
            int eq = arg.indexOf('=');
            builder.set(arg.substring(0, eq), arg.substring(eq + 1));
        }
        KindlingNode node = builder.start();
        System.out.println("READY " + node.address().port());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            try {
                if (line.startsWith("connect ")) {
                    NodeName peer = node.connect(NodeAddress.parse(line.substring(8).trim()));
                    System.out.println("CONNECTED " + peer);
                } else if (line.startsWith("call ")) {
                    NodeName peer = NodeName.parse(line.substring(5).trim());
                    Object pid = node.call(peer, () -> ProcessHandle.current().pid(),
                            java.time.Duration.ofSeconds(5));
                    System.out.println("CALLED " + pid);
                } else {
                    System.out.println("ERROR unknown command " + line);
                }
            } catch (RuntimeException e) {
                System.out.println("ERROR " + e.getClass().getName() + ": " + e.getMessage());
            }
            System.out.flush();
        }
        node.close();
        System.exit(0);
    }
}
