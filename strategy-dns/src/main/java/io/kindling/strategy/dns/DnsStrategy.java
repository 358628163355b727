package io.kindling.strategy.dns;

import com.google.common.net.InetAddresses;
import io.kindling.api.Node;
import io.kindling.api.NodeAddress;
import io.kindling.api.NodeName;
import io.kindling.api.spi.Discovery;
import io.kindling.api.spi.DiscoveryStrategy;
import io.kindling.strategy.dns.DnsLookupException.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code dns} strategy. */
final class DnsStrategy implements DiscoveryStrategy {

    private final DnsOptions options;
    private final Resolver resolver;
    private volatile NodeName self;
    private volatile String selfHost;
    private volatile int selfPort;

    DnsStrategy(DnsOptions options) {
        this.options = options;
        this.resolver = new Resolver(options);
    }

    @Override
    public void start(Node node) {
        self = node.name();
        selfHost = canonical(node.address().host());
        selfPort = node.address().port();
    }

    @Override
    public Discovery discover() {
        Discovery.Builder result = Discovery.builder();
        Map<DnsOptions.Query, DnsLookupException> failures = new LinkedHashMap<>();
        for (DnsOptions.Query query : options.queries()) {
            try {
                for (NodeAddress address : query.type() == DnsOptions.Type.SRV ? srv(query) : addresses(query)) {
                    if (!isSelf(address)) {
                        result.node(address);
                    }
                }
            } catch (DnsLookupException e) {
                failures.put(query, e);
            }
        }
        if (!failures.isEmpty() && failures.size() == options.queries().size()) {
            DnsLookupException first = failures.values().iterator().next();
            if (failures.size() == 1) {
                throw first;
            }
            List<String> messages = new ArrayList<>();
            failures.values().forEach(e -> messages.add(e.getMessage()));
            throw new DnsLookupException(first.kind(), "Every DNS query failed: " + String.join("; ", messages),
                    first);
        }
        failures.forEach((query, e) -> result.failure(query.toString(), e.getMessage()));
        return result.build();
    }

    @Override
    public String toString() {
        return "dns strategy " + options.queries() + " via " + resolver.servers();
    }

    private List<NodeAddress> addresses(DnsOptions.Query query) {
        List<NodeAddress> nodes = new ArrayList<>();
        for (String ip : resolve(query.name())) {
            nodes.add(new NodeAddress(NodeName.of(query.basename(), ip), ip, query.port()));
        }
        return nodes;
    }

    private List<NodeAddress> srv(DnsOptions.Query query) {
        List<String> records = null;
        DnsLookupException failed = null;
        for (String candidate : resolver.candidates(query.name())) {
            try {
                records = resolver.lookup(candidate, "SRV");
                break;
            } catch (DnsLookupException e) {
                failed = worse(failed, e);
            }
        }
        if (records == null) {
            throw failed;
        }
        List<NodeAddress> nodes = new ArrayList<>();
        for (String record : records) {
            String[] parts = record.trim().split("\\s+"); // priority weight port target
            if (parts.length != 4) {
                throw new DnsLookupException(Kind.MALFORMED_ANSWER, "DNS SRV record of " + query.name()
                        + " is malformed: '" + record + "'", null);
            }
            int port;
            try {
                port = Integer.parseInt(parts[2]);
            } catch (NumberFormatException e) {
                throw new DnsLookupException(Kind.MALFORMED_ANSWER, "DNS SRV record of " + query.name()
                        + " has no valid port: '" + record + "'", e);
            }
            String target = parts[3].endsWith(".") ? parts[3].substring(0, parts[3].length() - 1) : parts[3];
            if (target.isEmpty()) {
                continue; // "." means: no service here
            }
            List<String> ips = resolve(target + ".");
            if (!ips.isEmpty()) {
                nodes.add(new NodeAddress(NodeName.of(query.basename(), target), ips.getFirst(), port));
            }
        }
        return nodes;
    }

    /** A and AAAA records of a name (through the search domains), in canonical text form. */
    private List<String> resolve(String name) {
        DnsLookupException failed = null;
        for (String candidate : resolver.candidates(name)) {
            List<String> found;
            try {
                found = new ArrayList<>(resolver.lookup(candidate, "A"));
            } catch (DnsLookupException e) {
                failed = worse(failed, e);
                continue;
            }
            // The name exists: an AAAA-only name has no A records, which is not an error.
            found.addAll(resolver.lookup(candidate, "AAAA"));
            List<String> canonical = new ArrayList<>();
            for (String ip : found) {
                if (!InetAddresses.isInetAddress(ip.trim())) {
                    throw new DnsLookupException(Kind.MALFORMED_ANSWER, "DNS answer for " + candidate
                            + " holds '" + ip + "', not an address", null);
                }
                canonical.add(canonical(ip.trim()));
            }
            return canonical;
        }
        throw failed;
    }

    /**
     * Like the C resolver, a search-domain candidate that fails goes on to the next one; a timeout ends the search
     * (so one query stays bounded by its timeout). Of several failures, one that is not "no such domain" is the
     * more telling.
     */
    private static DnsLookupException worse(DnsLookupException earlier, DnsLookupException later) {
        if (later.kind() == Kind.TIMEOUT) {
            throw later;
        }
        if (earlier == null || (earlier.kind() == Kind.NO_SUCH_DOMAIN && later.kind() != Kind.NO_SUCH_DOMAIN)) {
            return later;
        }
        return earlier;
    }

    private boolean isSelf(NodeAddress address) {
        return address.name().equals(self) || (address.port() == selfPort && canonical(address.host())
                .equals(selfHost));
    }

    /** RFC 5952 text for an IP literal (what Erlang's inet:ntoa gives); other host names unchanged. */
    static String canonical(String host) {
        return InetAddresses.isInetAddress(host) ? InetAddresses.toAddrString(InetAddresses.forString(host)) : host;
    }
}
