import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The build's check that a module registers its plugins once, in two places that agree: every {@code provides S
 * with I} of {@code module-info.class} must be listed in {@code META-INF/services/S}, and every line of every
 * {@code META-INF/services} file must be a {@code provides} clause. Run by the parent pom after compilation, as
 * {@code java ServicesCheck.java <classes directory>}; exits 1 with every mismatch named, 0 when they agree (or the
 * module has no {@code module-info.class}).
 */
public final class ServicesCheck {

    public static void main(String[] args) throws IOException {
        Path classes = Path.of(args[0]);
        Path descriptor = classes.resolve("module-info.class");
        if (!Files.isRegularFile(descriptor)) {
            return;
        }
        ModuleDescriptor module;
        try (InputStream in = Files.newInputStream(descriptor)) {
            module = ModuleDescriptor.read(in);
        }
        Map<String, Set<String>> provides = new TreeMap<>();
        for (ModuleDescriptor.Provides p : module.provides()) {
            provides.put(p.service(), new TreeSet<>(p.providers()));
        }
        Map<String, Set<String>> files = new TreeMap<>();
        Path services = classes.resolve("META-INF/services");
        if (Files.isDirectory(services)) {
            try (Stream<Path> list = Files.list(services)) {
                for (Path file : list.toList()) {
                    Set<String> names = new TreeSet<>();
                    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                        String name = line.replaceFirst("#.*", "").trim();
                        if (!name.isEmpty()) {
                            names.add(name.replace('$', '.'));
                        }
                    }
                    files.put(file.getFileName().toString(), names);
                }
            }
        }
        Map<String, Set<String>> declared = new TreeMap<>();
        provides.forEach((service, providers) -> {
            Set<String> binary = new TreeSet<>();
            providers.forEach(name -> binary.add(name.replace('$', '.')));
            declared.put(service, binary);
        });
        List<String> problems = new ArrayList<>();
        Set<String> all = new TreeSet<>(declared.keySet());
        all.addAll(files.keySet());
        for (String service : all) {
            Set<String> inModule = declared.getOrDefault(service, Set.of());
            Set<String> inFile = files.getOrDefault(service, Set.of());
            for (String name : inModule) {
                if (!inFile.contains(name)) {
                    problems.add("module-info.java provides " + service + " with " + name
                            + ", but META-INF/services/" + service + " does not list it: add it there");
                }
            }
            for (String name : inFile) {
                if (!inModule.contains(name)) {
                    problems.add("META-INF/services/" + service + " lists " + name
                            + ", but module-info.java has no 'provides " + service + " with " + name
                            + "': add the clause, or remove the line");
                }
            }
        }
        if (!problems.isEmpty()) {
            System.err.println("Module " + module.name() + ": its service registrations disagree ("
                    + classes + "):");
            problems.forEach(problem -> System.err.println("  " + problem));
            System.exit(1);
        }
    }
}
