package io.kindling.strategy.jgroups;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** A JGroups stack in XML for tests: TCP and TCPPING on 127.0.0.1 only, at a free port and the next three. */
final class LoopbackStack {

    private LoopbackStack() {
    }

    /**
     * Writes the stack.
     *
     * @param dir where to write it
     * @return the XML file, to pass to {@link JGroupsOptions#withConfig}
     */
    static Path write(Path dir) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        return Files.writeString(dir.resolve("loopback.xml"), """
                <config xmlns="urn:org:jgroups">
                  <TCP bind_addr="127.0.0.1" bind_port="%d" port_range="3"/>
                  <TCPPING initial_hosts="127.0.0.1[%d]" port_range="3"/>
                  <MERGE3 min_interval="1s" max_interval="3s"/>
                  <FD_SOCK2/>
                  <FD_ALL3 timeout="10s" interval="2s"/>
                  <VERIFY_SUSPECT2 timeout="1s"/>
                  <pbcast.NAKACK2 use_mcast_xmit="false"/>
                  <UNICAST3/>
                  <pbcast.STABLE/>
                  <pbcast.GMS join_timeout="1s" print_local_addr="false"/>
                  <FRAG2/>
                </config>
                """.formatted(port, port));
    }
}
