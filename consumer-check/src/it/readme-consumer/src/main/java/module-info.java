/**
 * A user's application. The strategy and the backend are not required: their modules are on the module path, and
 * core's {@code uses} binds them.
 */
module com.example.consumer {
    requires io.kindling.core;
    requires io.kindling.rpc.region;
    requires io.kindling.micrometer;

    // lets Kindling resolve the application's lambdas without a reflective lookup per call (README)
    opens com.example.consumer to io.kindling.core;
}
