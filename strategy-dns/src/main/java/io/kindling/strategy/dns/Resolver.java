package io.kindling.strategy.dns;

import io.kindling.strategy.dns.DnsLookupException.Kind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.naming.CommunicationException;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.ServiceUnavailableException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/**
 * Looks up records with the JDK's DNS client (JNDI, module {@code jdk.naming.dns}): explicit name servers with
 * ports, a timeout per query, TCP when an answer is truncated. In system mode the name servers, {@code search}
 * domains and {@code ndots} come from resolv.conf, which the JDK's client does not apply by itself.
 */
final class Resolver {

    private static final Pattern RESPONSE_CODE = Pattern.compile("\\[response code (\\d+)]");

    private final Hashtable<String, String> environment = new Hashtable<>();
    private final String servers;
    private final List<String> search;
    private final int ndots;

    /** The parts of resolv.conf that matter here. */
    record SystemConfig(List<String> nameServers, List<String> search, int ndots) {
        static SystemConfig read(Path file) {
            List<String> nameServers = new ArrayList<>();
            List<String> search = new ArrayList<>();
            int ndots = 1;
            List<String> lines;
            try {
                lines = Files.readAllLines(file);
            } catch (IOException e) {
                return new SystemConfig(List.of(), List.of(), 1);
            }
            for (String raw : lines) {
                String line = raw.strip();
                if (line.startsWith("#") || line.startsWith(";") || line.isEmpty()) {
                    continue;
                }
                String[] words = line.split("\\s+");
                switch (words[0]) {
                    case "nameserver" -> {
                        if (words.length > 1) {
                            nameServers.add(words[1]);
                        }
                    }
                    case "search", "domain" -> { // the last of these lines wins, as in resolv.conf(5)
                        search.clear();
                        for (int i = 1; i < words.length; i++) {
                            search.add(words[i]);
                        }
                    }
                    case "options" -> {
                        for (int i = 1; i < words.length; i++) {
                            if (words[i].startsWith("ndots:")) {
                                try {
                                    int value = Integer.parseInt(words[i].substring(6));
                                    if (value >= 0) { // a negative count is ignored, as musl does
                                        ndots = Math.min(15, value);
                                    }
                                } catch (NumberFormatException e) {
                                    // ignored, as the C resolver does
                                }
                            }
                        }
                    }
                    default -> {
                        // other options do not apply
                    }
                }
            }
            return new SystemConfig(List.copyOf(nameServers), List.copyOf(search), ndots);
        }
    }

    Resolver(DnsOptions options) {
        StringBuilder url = new StringBuilder();
        if (!options.servers().isEmpty()) {
            for (InetSocketAddress server : options.servers()) {
                url.append(url.isEmpty() ? "" : " ").append("dns://").append(bracketed(server.getHostString()))
                        .append(':').append(server.getPort());
            }
            this.search = List.of();
            this.ndots = 1;
        } else {
            SystemConfig system = SystemConfig.read(options.resolvConf());
            for (String server : system.nameServers()) {
                url.append(url.isEmpty() ? "" : " ").append("dns://").append(bracketed(server)).append(":53");
            }
            if (url.isEmpty()) {
                url.append("dns:"); // the JDK finds the system's name servers itself
            }
            this.search = system.search();
            this.ndots = system.ndots();
        }
        this.servers = url.toString();
        environment.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
        environment.put(Context.PROVIDER_URL, servers);
        environment.put("com.sun.jndi.dns.timeout.initial", Long.toString(Math.max(1, options.timeout().toMillis())));
        environment.put("com.sun.jndi.dns.timeout.retries", "1");
    }

    /** The names to try for a query, in order, as the C resolver orders them. */
    List<String> candidates(String name) {
        if (name.endsWith(".")) {
            return List.of(name.substring(0, name.length() - 1));
        }
        List<String> searched = new ArrayList<>();
        for (String domain : search) {
            searched.add(name + "." + (domain.endsWith(".") ? domain.substring(0, domain.length() - 1) : domain));
        }
        List<String> all = new ArrayList<>();
        long dots = name.chars().filter(c -> c == '.').count();
        if (dots >= ndots) {
            all.add(name);
            all.addAll(searched);
        } else {
            all.addAll(searched);
            all.add(name);
        }
        return all;
    }

    /**
     * The records of one type for one name (no search domains).
     *
     * @return their text forms; empty when the name exists without such records
     * @throws DnsLookupException with the kind of failure, {@link Kind#NO_SUCH_DOMAIN} for NXDOMAIN
     */
    List<String> lookup(String name, String type) {
        DirContext context = null;
        try {
            context = new InitialDirContext(environment);
            Attribute attribute = context.getAttributes(name, new String[] {type}).get(type);
            List<String> values = new ArrayList<>();
            if (attribute != null) {
                NamingEnumeration<?> all = attribute.getAll();
                while (all.hasMore()) {
                    values.add(String.valueOf(all.next()));
                }
            }
            return values;
        } catch (NamingException e) {
            throw failure(name, type, e);
        } finally {
            if (context != null) {
                try {
                    context.close();
                } catch (NamingException e) {
                    // nothing held
                }
            }
        }
    }

    String servers() {
        return servers;
    }

    private DnsLookupException failure(String name, String type, NamingException e) {
        Kind kind = kind(e);
        String what = switch (kind) {
            case NO_SUCH_DOMAIN -> "no such domain (NXDOMAIN)";
            case TIMEOUT -> "no answer within the timeout";
            case SERVER_FAILURE -> "server failure (SERVFAIL)";
            case REFUSED -> "refused (REFUSED)";
            case NOT_IMPLEMENTED -> "not implemented by the server (NOTIMP)";
            case MALFORMED_ANSWER -> "malformed answer";
            case OTHER -> e.getMessage() + (e.getRootCause() != null ? " (" + e.getRootCause() + ")" : "");
        };
        return new DnsLookupException(kind, "DNS " + type + " lookup of " + name + " at " + servers + ": " + what,
                e);
    }

    static Kind kind(NamingException e) {
        if (e instanceof NameNotFoundException) {
            return Kind.NO_SUCH_DOMAIN;
        }
        if (e instanceof CommunicationException && e.getRootCause() instanceof SocketTimeoutException) {
            return Kind.TIMEOUT;
        }
        if (e instanceof ServiceUnavailableException) {
            return Kind.SERVER_FAILURE;
        }
        Matcher code = RESPONSE_CODE.matcher(String.valueOf(e.getMessage()));
        if (code.find()) {
            return switch (Integer.parseInt(code.group(1))) {
                case 1 -> Kind.MALFORMED_ANSWER;
                case 2 -> Kind.SERVER_FAILURE;
                case 3 -> Kind.NO_SUCH_DOMAIN;
                case 4 -> Kind.NOT_IMPLEMENTED;
                case 5 -> Kind.REFUSED;
                default -> Kind.OTHER;
            };
        }
        String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        if (message.contains("malformed") || message.contains("corrupted")) {
            return Kind.MALFORMED_ANSWER;
        }
        return Kind.OTHER;
    }

    private static String bracketed(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
