package io.kindling.core.internal.codec;

import java.io.InvalidObjectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The limits of the {@code java} codec and which classes it may resolve.
 *
 * <p>Classes of the JDK are resolved only from a short list of value and collection packages ({@code java.lang},
 * {@code java.util}, {@code java.util.concurrent} with {@code .atomic} and {@code .locks} (a
 * {@code ConcurrentHashMap}'s serial form holds locks), {@code java.time} and its subpackages, {@code java.math}), {@code java.net.URI}, {@code java.lang.invoke.SerializedLambda}, and any
 * {@code Throwable}: not {@code java.net.URL}, whose {@code hashCode} resolves its host, nor anything else whose
 * decoding has side effects. Kindling's API classes are always allowed; other classes are allowed when
 * {@code allow-packages} is empty or lists their package or a parent.
 *
 * <p>Internal: not part of Kindling's API.
 *
 * @param maxDepth how deeply values may nest
 * @param maxReferences how many objects one value may hold, counting an object once per reference to it
 * @param maxArrayLength the longest array
 * @param maxBytes the largest encoded value
 * @param allowPackages packages (with a trailing dot) whose classes may be decoded; empty: all
 */
public record CodecPolicy(long maxDepth, long maxReferences, long maxArrayLength, long maxBytes,
        List<String> allowPackages) {

    private static final Set<String> JDK_PACKAGES = Set.of("java.lang", "java.util", "java.util.concurrent",
            "java.util.concurrent.atomic", "java.util.concurrent.locks", "java.time", "java.time.chrono", "java.time.format",
            "java.time.temporal", "java.time.zone", "java.math");
    private static final Set<String> JDK_CLASSES = Set.of("java.net.URI", "java.lang.invoke.SerializedLambda");
    private static final List<String> ALWAYS = List.of("io.kindling.api.", "io.kindling.core.SystemTasks",
            "io.kindling.core.pool.Tracked", "io.kindling.core.internal.pool.RunnerTasks$");

    /** Normalizes the package list. */
    public CodecPolicy {
        List<String> normal = new ArrayList<>(allowPackages.size()); // not a stream: runners build this at boot
        for (String name : allowPackages) {
            normal.add(name.endsWith(".") ? name : name + ".");
        }
        allowPackages = List.copyOf(normal);
    }

    /**
     * {@return why a class may not be decoded, or {@code null} if it may}
     *
     * @param type the class (for an array, its element class)
     */
    String refusal(Class<?> type) {
        while (type.isArray()) {
            type = type.getComponentType();
        }
        if (type.isPrimitive()) {
            return null;
        }
        String name = type.getName();
        if (name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                || name.startsWith("sun.") || name.startsWith("com.sun.")) {
            if (Throwable.class.isAssignableFrom(type) || JDK_CLASSES.contains(name)
                    || (JDK_PACKAGES.contains(type.getPackageName()) && !name.startsWith("java.lang.invoke"))) {
                return null;
            }
            return "JDK class " + name + " is not one the codec decodes (decoding it may have side effects);"
                    + " send a value of a record, a collection or a type of your own";
        }
        for (String prefix : ALWAYS) {
            if (name.startsWith(prefix)) {
                return null;
            }
        }
        if (allowPackages.isEmpty()) {
            return null;
        }
        for (String prefix : allowPackages) {
            if (name.startsWith(prefix)) {
                return null;
            }
        }
        return "class " + name + " is not in kindling.codec.java.allow-packages=" + String.join(",", allowPackages);
    }

    /** Resolves class names for one node's class loader, caching what exists and may be decoded. */
    static final class Classes {
        private final CodecPolicy policy;
        private final ClassLoader loader;
        private final ClassLoader asked;
        private final ConcurrentHashMap<String, Class<?>> cache = new ConcurrentHashMap<>();
        private final LambdaHeader.Cache lambdaHeaders = new LambdaHeader.Cache();

        Classes(CodecPolicy policy, ClassLoader loader) {
            this.policy = policy;
            this.loader = loader != null ? loader : ClassLoader.getSystemClassLoader();
            this.asked = loader;
        }

        LambdaHeader.Cache lambdaHeaders() {
            return lambdaHeaders;
        }

        boolean servesLoader(ClassLoader other) {
            return asked == other;
        }

        /**
         * {@return the class, without initializing it}
         *
         * @throws ClassNotFoundException if there is none
         * @throws InvalidObjectException if the policy refuses it
         */
        Class<?> resolve(String name) throws ClassNotFoundException, InvalidObjectException {
            Class<?> type = cache.get(name);
            if (type != null) {
                return type;
            }
            type = Class.forName(name, false, loader);
            String refusal = policy.refusal(type);
            if (refusal != null) {
                throw new InvalidObjectException("Refused to decode: " + refusal);
            }
            if (cache.size() < 4096) {
                cache.put(name, type);
            }
            return type;
        }
    }
}
