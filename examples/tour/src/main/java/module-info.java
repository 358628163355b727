/** The tour: Kindling's four jobs on one machine, in real JVMs (the README's first command). */
module io.kindling.examples.tour {
    requires io.kindling.core;
    requires io.kindling.rpc.region;

    // the tour's tasks are lambdas of this package
    opens io.kindling.examples.tour to io.kindling.core;
}
