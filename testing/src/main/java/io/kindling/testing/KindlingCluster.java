package io.kindling.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a real cluster: a local node plus {@link #nodes()} peer nodes in child JVMs, connected to
 * each other, started before the first test and stopped after the last, even when tests fail. Test methods (and
 * lifecycle methods) receive it as a {@link TestCluster} parameter.
 *
 * <pre>{@code
 * @KindlingCluster(nodes = 3, env = "REGION=test")
 * class ReplicationTest {
 *     @Test
 *     void replicates(TestCluster cluster) {
 *         for (NodeName peer : cluster.peers()) {
 *             assertEquals("ok", cluster.call(peer, () -> "ok"));
 *         }
 *     }
 * }
 * }</pre>
 *
 * Peers are the runners of a {@code peer}-backend pool: they have the test's module path and class path, so tasks
 * written in the test class run there; they inherit no environment variables but those in {@link #env()}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(KindlingClusterExtension.class)
public @interface KindlingCluster {

    /** {@return how many peer nodes; default 2} */
    int nodes() default 2;

    /** {@return environment variables for the peers, each {@code NAME=value}; default none} */
    String[] env() default {};

    /** {@return node extensions every peer starts, by name; default none} */
    String[] extensions() default {};

    /** {@return extra JVM options for the peers, e.g. {@code -Xmx256m}; default none} */
    String[] jvmOptions() default {};

    /** {@return whether the peers connect to each other, not only to the local node; default true} */
    boolean mesh() default true;

    /** {@return seconds the peers may take to boot; default 60} */
    int bootTimeoutSeconds() default 60;
}
