package io.kindling.strategy.epmd;

import io.kindling.api.Node;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.api.spi.Discovery;
import io.kindling.api.spi.DiscoveryStrategy;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code epmd} strategy (a list of {@code name@host}, each looked up on its host's port mapper) and the
 * {@code local-epmd} strategy (every Kindling node on this host's port mapper). Both register the local node at
 * start, as a hidden node whose {@code Extra} names it a Kindling node, and keep it registered: when the port mapper
 * goes away, the registration is retried (starting a port mapper here in {@code if-absent} mode) until it holds.
 */
final class EpmdStrategy implements DiscoveryStrategy {

    private static final System.Logger LOG = System.getLogger(EpmdStrategy.class.getName());
    private static final long MAX_BACKOFF_MILLIS = 2000;

    private final EpmdOptions options;
    private final boolean local;
    private final EpmdClient client;
    private Node node;
    private volatile boolean closed;
    private volatile EpmdRegistration registration;
    private volatile PortMapper ownPortMapper;

    EpmdStrategy(EpmdOptions options, boolean local) {
        this.options = options;
        this.local = local;
        this.client = new EpmdClient(options.host(), options.port(), options.timeout());
    }

    @Override
    public void start(Node node) {
        this.node = node;
        if (options.server() == EpmdOptions.ServerMode.ALWAYS) {
            ownPortMapper = PortMapper.start(bindAddress(), options.port());
        }
        register();
    }

    @Override
    public Discovery discover() throws Exception {
        return local ? discoverLocal() : discoverListed();
    }

    /** Unregisters and stops a port mapper this node started; waits for a registration attempt under way. */
    @Override
    public synchronized void close() {
        closed = true;
        EpmdRegistration current = registration;
        if (current != null) {
            current.close();
        }
        PortMapper mapper = ownPortMapper;
        if (mapper != null) {
            mapper.close();
        }
    }

    @Override
    public String toString() {
        return (local ? "local-epmd" : "epmd") + " strategy via " + client;
    }

    // ---- registration ----

    private synchronized void register() {
        if (closed) {
            return;
        }
        if (options.server() == EpmdOptions.ServerMode.IF_ABSENT && !client.isReachable()) {
            try {
                ownPortMapper = PortMapper.start(bindAddress(), options.port());
            } catch (EpmdException e) {
                // another node started one meanwhile: register with it
                LOG.log(Level.DEBUG, "Not starting a port mapper: " + e.getMessage());
            }
        }
        NodeName name = node.name();
        byte[] extra = (EpmdEntry.KINDLING_MARK + name + " " + node.address().host())
                .getBytes(StandardCharsets.UTF_8);
        EpmdRegistration created = client.register(name.name(), node.address().port(), EpmdEntry.HIDDEN_NODE, extra);
        registration = created;
        created.onLost(this::registrationLost);
        LOG.log(Level.INFO, "Node " + name + " registered as '" + name.name() + "' with the port mapper at "
                + client.host() + ":" + client.port() + (ownPortMapper != null ? " (started by this node)" : ""));
    }

    private void registrationLost(String reason) {
        if (closed) {
            return;
        }
        LOG.log(Level.WARNING, "Node " + node.name() + " lost its port mapper registration (" + reason
                + "); registering again");
        Thread.ofVirtual().name("kindling-epmd-reregister").start(() -> {
            long backoff = 50;
            while (!closed) {
                try {
                    register();
                    return;
                } catch (RuntimeException e) {
                    LOG.log(Level.DEBUG, "Registering again failed, retrying in " + backoff + " ms: " + e.getMessage());
                }
                try {
                    Thread.sleep(backoff + (long) (Math.random() * backoff));
                } catch (InterruptedException e) {
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        });
    }

    private InetAddress bindAddress() {
        if (options.serverAddress().isBlank()) {
            return null;
        }
        try {
            return InetAddress.getByName(options.serverAddress());
        } catch (UnknownHostException e) {
            throw new EpmdException("Setting kindling.strategy.epmd.server-address = '" + options.serverAddress()
                    + "' is not an address of this host", e);
        }
    }

    // ---- discovery ----

    private Discovery discoverLocal() {
        Map<String, Integer> names = client.names();
        Discovery.Builder result = Discovery.builder();
        String self = node.name().name();
        for (String name : names.keySet()) {
            if (name.equals(self)) {
                continue;
            }
            Optional<EpmdEntry> entry;
            try {
                entry = client.lookup(name);
            } catch (EpmdException e) {
                result.failure(name, e.getMessage());
                continue;
            }
            // empty: unregistered between NAMES and PORT_PLEASE2, so gone
            entry.ifPresent(e -> classify(e, NodeName.of(name, node.name().host()), client, result));
        }
        return result.build();
    }

    private Discovery discoverListed() throws InterruptedException {
        Map<NodeName, Future<Optional<EpmdEntry>>> lookups = new LinkedHashMap<>();
        Map<String, EpmdClient> clients = new LinkedHashMap<>();
        try (ExecutorService lookupThreads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (NodeName name : options.nodes()) {
                if (name.equals(node.name())) {
                    continue;
                }
                EpmdClient hostClient = clients.computeIfAbsent(name.host(),
                        host -> new EpmdClient(host, options.port(), options.timeout()));
                lookups.put(name, lookupThreads.submit(() -> hostClient.lookup(name.name())));
            }
            Discovery.Builder result = Discovery.builder();
            Map<String, String> hostFailures = new LinkedHashMap<>();
            long deadline = System.nanoTime() + options.timeout().multipliedBy(2).toNanos();
            for (Map.Entry<NodeName, Future<Optional<EpmdEntry>>> lookup : lookups.entrySet()) {
                NodeName name = lookup.getKey();
                EpmdClient hostClient = clients.get(name.host());
                try {
                    Optional<EpmdEntry> entry = lookup.getValue().get(Math.max(0, deadline - System.nanoTime()),
                            TimeUnit.NANOSECONDS);
                    if (entry.isEmpty()) {
                        result.skip(name.toString(), "not registered with the port mapper at " + name.host() + ":"
                                + options.port());
                    } else {
                        classify(entry.get(), name, hostClient, result);
                    }
                } catch (ExecutionException e) {
                    hostFailures.putIfAbsent(name.host(), e.getCause().getMessage());
                } catch (TimeoutException e) {
                    lookup.getValue().cancel(true);
                    hostFailures.putIfAbsent(name.host(), "the port mapper at " + name.host() + ":" + options.port()
                            + " did not answer in time");
                }
            }
            List<String> askedHosts = new ArrayList<>(clients.keySet());
            if (!askedHosts.isEmpty() && hostFailures.keySet().containsAll(askedHosts)) {
                throw new EpmdException("No port mapper answered: " + hostFailures, null);
            }
            hostFailures.forEach(result::failure);
            return result.build();
        }
    }

    /** A Kindling registration becomes a node to dial; anything else is skipped with the reason. */
    private void classify(EpmdEntry entry, NodeName expected, EpmdClient where, Discovery.Builder result) {
        Optional<String[]> kindling = entry.kindlingInfo();
        String mapper = where.host() + ":" + where.port();
        if (kindling.isEmpty()) {
            result.skip(expected.toString(), "not a Kindling node (type " + entry.describeType() + ") on the port "
                    + "mapper at " + mapper + ": Kindling does not dial Erlang nodes");
            return;
        }
        NodeName registered;
        try {
            registered = NodeName.parse(kindling.get()[0]);
        } catch (IllegalArgumentException e) {
            result.skip(expected.toString(), "its Kindling registration names no valid node: "
                    + kindling.get()[0]);
            return;
        }
        if (!registered.name().equals(entry.name())) {
            result.skip(expected.toString(), "registered as '" + entry.name() + "' by Kindling node " + registered);
            return;
        }
        if (!local && !registered.equals(expected)) {
            result.skip(expected.toString(), "the name is registered on " + mapper + " by Kindling node "
                    + registered);
            return;
        }
        // local-epmd: the node's own listen host unless it listens on every interface; epmd: the host asked
        String listenHost = kindling.get()[1];
        String dialHost = !local ? expected.host()
                : listenHost.equals("0.0.0.0") || listenHost.equals("::") ? where.host() : listenHost;
        result.node(new NodeAddress(registered, dialHost, entry.port()));
    }
}
