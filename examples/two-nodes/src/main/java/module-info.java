/** Example: two nodes in two JVMs, one calling the other. */
module io.kindling.examples.twonodes {
    requires io.kindling.core;
}
