package io.kindling.strategy.jgroups;

import io.kindling.api.KindlingException;
import io.kindling.api.Node;
import io.kindling.api.NodeAddress;
import io.kindling.api.spi.Discovery;
import io.kindling.api.spi.DiscoveryStrategy;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG2;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ExtendedUUID;

/**
 * The {@code jgroups} strategy: the node joins a channel with an address that carries its Kindling address (a
 * JGroups {@link ExtendedUUID} entry), so every view lists the Kindling nodes without extra messages.
 */
final class JGroupsStrategy implements DiscoveryStrategy {

    private static final System.Logger LOG = System.getLogger(JGroupsStrategy.class.getName());
    /** The key of the Kindling address in a member's JGroups address. */
    static final String ADDRESS_KEY = "kindling";

    private final JGroupsOptions options;
    private volatile JChannel channel;
    private volatile Runnable refreshNow = () -> { };
    private volatile String self;

    JGroupsStrategy(JGroupsOptions options) {
        this.options = options;
    }

    @Override
    public void onChange(Runnable refreshNow) {
        this.refreshNow = refreshNow;
    }

    @Override
    public void start(Node node) throws Exception {
        self = node.address().toString();
        byte[] published = self.getBytes(StandardCharsets.UTF_8);
        JChannel created = options.config().isBlank() ? new JChannel(defaultStack()) : fromXml(options.config());
        try {
            created.addAddressGenerator(() -> ExtendedUUID.randomUUID(node.name().toString())
                    .put(ADDRESS_KEY, published));
            created.name(node.name().toString());
            created.setReceiver(new Receiver() {
                @Override
                public void viewAccepted(View view) {
                    LOG.log(Level.DEBUG, "JGroups view of " + options.cluster() + ": " + view);
                    refreshNow.run(); // at once, not at the next poll
                }
            });
            created.connect(options.cluster());
        } catch (Exception e) {
            created.close();
            throw new KindlingException("Node " + node.name() + " could not join JGroups cluster '"
                    + options.cluster() + "': " + e.getMessage(), e);
        }
        channel = created;
        LOG.log(Level.INFO, "Node " + node.name() + " joined JGroups cluster '" + options.cluster() + "' as "
                + created.address() + ": " + created.view());
    }

    @Override
    public Discovery discover() {
        JChannel current = channel;
        if (current == null || !current.isConnected()) {
            throw new KindlingException("The JGroups channel of cluster '" + options.cluster()
                    + "' is not connected");
        }
        View view = current.view();
        Discovery.Builder result = Discovery.builder();
        for (Address member : view.getMembers()) {
            if (member.equals(current.address())) {
                continue;
            }
            byte[] published = member instanceof ExtendedUUID extended ? extended.get(ADDRESS_KEY) : null;
            if (published == null) {
                result.skip(String.valueOf(member), "a member of JGroups cluster '" + options.cluster()
                        + "' that is not a Kindling node");
                continue;
            }
            String text = new String(published, StandardCharsets.UTF_8);
            try {
                result.node(NodeAddress.parse(text));
            } catch (IllegalArgumentException e) {
                result.skip(String.valueOf(member), "its published Kindling address '" + text + "' is invalid: "
                        + e.getMessage());
            }
        }
        return result.build();
    }

    @Override
    public void close() {
        JChannel current = channel;
        channel = null;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public String toString() {
        return "jgroups strategy, cluster '" + options.cluster() + "'";
    }

    private static JChannel fromXml(String config) throws Exception {
        Path file = Path.of(config);
        if (Files.isRegularFile(file)) {
            try (var in = Files.newInputStream(file)) {
                return new JChannel(in);
            }
        }
        return new JChannel(config); // a class-path resource, e.g. udp.xml; JGroups says so when it is missing
    }

    /** TCP with TCPPING: works on one machine without multicast, and on a LAN with a bind address and hosts. */
    private Protocol[] defaultStack() throws Exception {
        InetAddress bind = InetAddress.getByName(options.bindAddress());
        List<InetSocketAddress> hosts = new ArrayList<>();
        if (options.initialHosts().isEmpty()) {
            for (int port = options.bindPort(); port <= options.bindPort() + options.portRange(); port++) {
                hosts.add(new InetSocketAddress(bind, port));
            }
        } else {
            for (InetSocketAddress host : options.initialHosts()) {
                hosts.add(new InetSocketAddress(host.getHostString(), host.getPort()));
            }
        }
        return new Protocol[] {
            new TCP().setBindAddress(bind).setBindPort(options.bindPort()).setPortRange(options.portRange()),
            new TCPPING().setInitialHosts(hosts).setPortRange(0),
            new MERGE3().setMinInterval(2000).setMaxInterval(5000),
            new FD_SOCK2(),
            new FD_ALL3().setTimeout(10_000).setInterval(2000),
            new VERIFY_SUSPECT2().setTimeout(1000),
            new NAKACK2().useMcastXmit(false),
            new UNICAST3(),
            new STABLE(),
            new GMS().setJoinTimeout(1000).printLocalAddress(false),
            new UFC(),
            new MFC(),
            new FRAG2()
        };
    }
}
