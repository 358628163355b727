package io.kindling.strategy.epmd;

import java.time.Duration;

/**
 * Run inside another network namespace by {@link NonLocalRegistrationTest}: asks a port mapper for its names and
 * tries to register, printing {@code NAMES <map>} and {@code REGISTER ok|refused <message>}.
 */
public final class RemoteProbe {

    private RemoteProbe() {
    }

    public static void main(String[] args) {
        EpmdClient client = new EpmdClient(args[0], Integer.parseInt(args[1]), Duration.ofSeconds(5));
        try {
            System.out.println("NAMES " + client.names());
        } catch (EpmdException e) {
            System.out.println("NAMES failed " + e.getMessage());
        }
        try (EpmdRegistration registration = client.register("intruder", 4000, EpmdEntry.HIDDEN_NODE, new byte[0])) {
            System.out.println("REGISTER ok " + registration);
        } catch (EpmdException e) {
            System.out.println("REGISTER refused " + e.getMessage());
        }
        System.out.flush();
    }
}
