package io.kindling.core.internal.codec;

import java.io.InvalidObjectException;
import java.io.ObjectStreamConstants;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Walks a Java serialization stream without creating anything, before {@code ObjectInputStream} may read it, and
 * refuses what would make decoding cost more than the bytes received:
 * <ul>
 *   <li>an array longer than the bytes that follow could fill (a 28-byte stream must not allocate 128 MiB);</li>
 *   <li>shared references that multiply the value: an object counts once per reference to it, and the total may
 *       not pass {@code 4 × bytes + 4096} nor {@code max-references} (nested hash sets that share their members
 *       make {@code hashCode} work grow as 2<sup>depth</sup>);</li>
 *   <li>nesting deeper than {@code max-depth}, proxy classes, exceptions in the stream, and the pre-1.2
 *       externalizable format.</li>
 * </ul>
 * The grammar is the one in the Java Object Serialization Specification, section 6.4.
 *
 * <p>Internal: not part of Kindling's API.
 */
final class SerialScan implements ObjectStreamConstants {

    /** What a handle stands for. */
    private static final class Handle {
        final Desc desc; // set for class descriptors
        long size = 1; // objects counted in it, each once per reference
        boolean open; // still being read: a reference to it is a cycle

        Handle(Desc desc) {
            this.desc = desc;
        }
    }

    private record Field(char type) {
    }

    /** A class descriptor: the fields and flags its objects' data follow. */
    private static final class Desc {
        final String name;
        byte flags;
        final List<Field> fields = new ArrayList<>();
        Desc superDesc;
        /** Still being read: a reference to it now (as its own superclass, say) would make a cycle. */
        boolean reading = true;

        Desc(String name) {
            this.name = name;
        }
    }

    private final ByteBuffer in;
    private final long maxExpanded;
    private final long maxDepth;
    private final long maxArrayLength;
    private final List<Handle> handles = new ArrayList<>();
    private long expanded;
    private int depth;

    private SerialScan(byte[] bytes, int offset, int length, CodecPolicy policy) {
        this.in = ByteBuffer.wrap(bytes, offset, length);
        this.maxExpanded = Math.min(policy.maxReferences(), 4096 + 4L * length);
        this.maxDepth = policy.maxDepth();
        this.maxArrayLength = policy.maxArrayLength();
    }

    /**
     * Checks a stream of one object.
     *
     * @throws InvalidObjectException saying what it refused
     */
    static void check(byte[] bytes, int offset, int length, CodecPolicy policy) throws InvalidObjectException {
        SerialScan scan = new SerialScan(bytes, offset, length, policy);
        try {
            if (scan.in.getShort() != STREAM_MAGIC || scan.in.getShort() != STREAM_VERSION) {
                throw refuse("not a Java serialization stream");
            }
            scan.object();
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw refuse("Java serialization stream truncated");
        }
    }

    private static InvalidObjectException refuse(String why) {
        return new InvalidObjectException("Refused to decode: " + why);
    }

    private void count(long objects) throws InvalidObjectException {
        expanded += objects;
        if (expanded > maxExpanded || expanded < 0) {
            throw refuse("the value holds more than " + maxExpanded + " objects, counting shared ones once per"
                    + " reference (at most 4 per byte received plus 4096, and kindling.codec.java.max-references)");
        }
    }

    private void object() throws InvalidObjectException {
        if (++depth > maxDepth) {
            throw refuse("object graph depth exceeds kindling.codec.java.max-depth=" + maxDepth);
        }
        try {
            int tc = in.get();
            while (tc == TC_RESET) {
                handles.clear();
                tc = in.get();
            }
            switch (tc) {
                case TC_NULL -> {
                }
                case TC_REFERENCE -> {
                    Handle handle = handle();
                    count(handle.open ? 1 : handle.size);
                }
                case TC_CLASSDESC, TC_PROXYCLASSDESC -> {
                    in.position(in.position() - 1);
                    classDesc();
                    count(1);
                }
                case TC_CLASS -> {
                    classDesc();
                    handles.add(new Handle(null));
                    count(1);
                }
                case TC_STRING -> {
                    handles.add(new Handle(null));
                    skip(in.getShort() & 0xFFFF);
                    count(1);
                }
                case TC_LONGSTRING -> {
                    handles.add(new Handle(null));
                    long length = in.getLong();
                    if (length < 0 || length > in.remaining()) {
                        throw refuse("string longer than the stream");
                    }
                    skip((int) length);
                    count(1);
                }
                case TC_ENUM -> {
                    classDesc();
                    handles.add(new Handle(null));
                    count(1);
                    object();
                }
                case TC_ARRAY -> array();
                case TC_OBJECT -> newObject();
                case TC_EXCEPTION -> throw refuse("exception written into the stream");
                default -> throw refuse("unexpected type code " + tc + " in a Java serialization stream");
            }
        } finally {
            depth--;
        }
    }

    private Handle handle() throws InvalidObjectException {
        int index = in.getInt() - baseWireHandle;
        if (index < 0 || index >= handles.size()) {
            throw refuse("reference to unknown handle");
        }
        return handles.get(index);
    }

    private void skip(int n) {
        if (n < 0 || n > in.remaining()) {
            throw new BufferUnderflowException();
        }
        in.position(in.position() + n);
    }

    private Desc classDesc() throws InvalidObjectException {
        int tc = in.get();
        switch (tc) {
            case TC_NULL:
                return null;
            case TC_REFERENCE: {
                Handle handle = handle();
                if (handle.desc == null) {
                    throw refuse("class descriptor reference to a non-descriptor");
                }
                if (handle.desc.reading) {
                    // Java's own streams never do this; scanning on would loop over the cycle for ever
                    throw refuse("class descriptor " + handle.desc.name + " refers to itself before it ends");
                }
                return handle.desc;
            }
            case TC_CLASSDESC: {
                Desc desc = new Desc(utf());
                skip(8); // serialVersionUID
                handles.add(new Handle(desc));
                desc.flags = in.get();
                int fields = in.getShort() & 0xFFFF;
                for (int i = 0; i < fields; i++) {
                    char type = (char) (in.get() & 0xFF);
                    skip(in.getShort() & 0xFFFF); // name
                    if (type == 'L' || type == '[') {
                        object(); // the field's type, as a string
                    } else if ("BCDFIJSZ".indexOf(type) < 0) {
                        throw refuse("unknown field type '" + type + "'");
                    }
                    desc.fields.add(new Field(type));
                }
                annotation();
                desc.superDesc = classDesc();
                desc.reading = false;
                return desc;
            }
            case TC_PROXYCLASSDESC:
                throw refuse("proxy classes are not decoded");
            default:
                throw refuse("unexpected type code " + tc + " where a class descriptor belongs");
        }
    }

    private String utf() {
        int length = in.getShort() & 0xFFFF;
        String text = new String(in.array(), in.arrayOffset() + in.position(), length,
                java.nio.charset.StandardCharsets.UTF_8);
        skip(length);
        return text;
    }

    private void annotation() throws InvalidObjectException {
        while (true) {
            int tc = in.get(in.position());
            if (tc == TC_ENDBLOCKDATA) {
                in.get();
                return;
            }
            if (tc == TC_BLOCKDATA) {
                in.get();
                skip(in.get() & 0xFF);
            } else if (tc == TC_BLOCKDATALONG) {
                in.get();
                int length = in.getInt();
                if (length < 0) {
                    throw refuse("negative block length");
                }
                skip(length);
            } else {
                object();
            }
        }
    }

    private void array() throws InvalidObjectException {
        Desc desc = classDesc();
        if (desc == null || desc.name.length() < 2 || desc.name.charAt(0) != '[') {
            throw refuse("array without an array class");
        }
        Handle handle = new Handle(null);
        handles.add(handle);
        handle.open = true;
        long before = expanded;
        count(1);
        int length = in.getInt();
        if (length < 0 || length > maxArrayLength) {
            throw refuse("array of length " + length + " exceeds kindling.codec.java.max-array-length="
                    + maxArrayLength);
        }
        int width = switch (desc.name.charAt(1)) {
            case 'B', 'Z' -> 1;
            case 'C', 'S' -> 2;
            case 'I', 'F' -> 4;
            case 'J', 'D' -> 8;
            default -> 0;
        };
        if (width > 0) {
            if ((long) length * width > in.remaining()) {
                throw refuse("array of " + length + " elements declared, but only " + in.remaining()
                        + " bytes follow");
            }
            skip(length * width);
        } else {
            if (length > in.remaining()) {
                throw refuse("array of " + length + " elements declared, but only " + in.remaining()
                        + " bytes follow");
            }
            for (int i = 0; i < length; i++) {
                object();
            }
        }
        handle.size = expanded - before;
        handle.open = false;
    }

    private void newObject() throws InvalidObjectException {
        Desc desc = classDesc();
        if (desc == null) {
            throw refuse("object without a class");
        }
        Handle handle = new Handle(null);
        handles.add(handle);
        handle.open = true;
        long before = expanded;
        count(1);
        List<Desc> hierarchy = new ArrayList<>();
        for (Desc d = desc; d != null; d = d.superDesc) {
            hierarchy.add(0, d);
        }
        for (Desc d : hierarchy) {
            if ((d.flags & SC_EXTERNALIZABLE) != 0) {
                if ((d.flags & SC_BLOCK_DATA) == 0) {
                    throw refuse("externalizable data in the pre-1.2 format");
                }
                annotation();
                continue;
            }
            for (Field field : d.fields) {
                switch (field.type()) {
                    case 'B', 'Z' -> skip(1);
                    case 'C', 'S' -> skip(2);
                    case 'I', 'F' -> skip(4);
                    case 'J', 'D' -> skip(8);
                    default -> object();
                }
            }
            if ((d.flags & SC_WRITE_METHOD) != 0) {
                annotation();
            }
        }
        handle.size = expanded - before;
        handle.open = false;
    }
}
