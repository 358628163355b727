package io.kindling.core.internal.code;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;

/**
 * Serializable lambdas as their {@link SerializedLambda} form and back, through the same privileged hooks Java
 * serialization uses ({@code writeReplace} on the lambda's class, {@code readResolve} on {@code SerializedLambda},
 * which calls the capturing class's {@code $deserializeLambda$}). So the form needs no opened packages, and turning
 * it back into a lambda runs only what the capturing class's compiler generated.
 *
 * <p>Internal: not part of Kindling's API.
 */
public final class Lambdas {

    /**
     * {@code sun.reflect.ReflectionFactory.writeReplaceForSerialization}, bound to the factory (module
     * jdk.unsupported, looked up by name: it is not API). Through method handles, not reflection: a reflective call
     * spins method handle classes in a fresh JVM, about 4 ms of a runner's first call.
     */
    private static final MethodHandle WRITE_REPLACE_FOR;
    /** {@code SerializedLambda.readResolve}, for capturing classes whose {@code $deserializeLambda$} is not open. */
    private static final MethodHandle READ_RESOLVE;

    static {
        try {
            Class<?> type = Class.forName("sun.reflect.ReflectionFactory");
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Object factory = lookup.findStatic(type, "getReflectionFactory", MethodType.methodType(type))
                    .asType(MethodType.methodType(Object.class)).invokeExact();
            WRITE_REPLACE_FOR = lookup.findVirtual(type, "writeReplaceForSerialization",
                    MethodType.methodType(MethodHandle.class, Class.class)).bindTo(factory);
            READ_RESOLVE = (MethodHandle) lookup.findVirtual(type, "readResolveForSerialization",
                    MethodType.methodType(MethodHandle.class, Class.class)).bindTo(factory)
                    .invokeExact((Class<?>) SerializedLambda.class);
        } catch (Throwable e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Each class's {@code writeReplace} when it is a serializable lambda's; a marker otherwise. */
    private static final ClassValue<MethodHandle> WRITE_REPLACE = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            if (!type.isSynthetic() || !type.isHidden() || !java.io.Serializable.class.isAssignableFrom(type)) {
                return null;
            }
            try {
                return (MethodHandle) WRITE_REPLACE_FOR.invokeExact(type);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable e) {
                return null; // it declares none
            }
        }
    };

    /**
     * Each capturing class's {@code $deserializeLambda$}, when its package is open to Kindling (every package on
     * the class path is): calling it directly saves the reflective lookup {@code readResolve} does each time.
     */
    private static final ClassValue<MethodHandle> DESERIALIZERS = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            try {
                Module self = Lambdas.class.getModule();
                if (!type.getModule().isOpen(type.getPackageName(), self)) {
                    return null;
                }
                if (self.isNamed() && !self.canRead(type.getModule())) {
                    self.addReads(type.getModule());
                }
                return MethodHandles.privateLookupIn(type, MethodHandles.lookup()).findStatic(type,
                        "$deserializeLambda$", MethodType.methodType(Object.class, SerializedLambda.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
        }
    };

    private Lambdas() {
    }

    /**
     * {@return the serialized form of a serializable lambda, or {@code null} if the value is not one}
     *
     * @param value any value
     */
    public static SerializedLambda serialized(Object value) {
        MethodHandle writeReplace = WRITE_REPLACE.get(value.getClass());
        if (writeReplace == null) {
            return null;
        }
        try {
            return writeReplace.invoke(value) instanceof SerializedLambda form ? form : null;
        } catch (Throwable e) {
            throw new IllegalStateException("Cannot take the serialized form of " + value.getClass() + ": " + e, e);
        }
    }

    /**
     * {@return whether the class is a serializable lambda's}
     *
     * @param type a class
     */
    public static boolean isLambda(Class<?> type) {
        return WRITE_REPLACE.get(type) != null;
    }

    /**
     * Turns a serialized form back into a lambda, through its capturing class.
     *
     * @param form the form
     * @param capturing its capturing class
     * @return the lambda
     * @throws IllegalArgumentException if the capturing class has no such lambda (it throws that itself)
     */
    public static Object resolve(SerializedLambda form, Class<?> capturing) {
        MethodHandle direct = DESERIALIZERS.get(capturing);
        try {
            return direct != null ? direct.invoke(form) : READ_RESOLVE.invoke(form);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            // readResolve wraps what $deserializeLambda$ threw
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalArgumentException("Cannot resolve lambda " + form.getImplMethodName() + " of "
                    + form.getCapturingClass() + ": " + cause, cause);
        }
    }
}
