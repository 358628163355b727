package io.kindling.core.internal.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The calls and pings of one connection awaiting their answer, by id. Ids come from a counter, so a slot array
 * indexed by the id's low bits holds them without hashing or a shared size counter; an id whose slot is taken
 * (more than {@value #SLOTS} outstanding) goes to an overflow map.
 *
 * <p>Internal: not part of Kindling's API.
 *
 * @param <E> the entries
 */
final class PendingCalls<E extends PendingCalls.Entry> {

    /** An entry knows its id. */
    interface Entry {
        long id();
    }

    static final int SLOTS = 4096;
    private final AtomicReferenceArray<E> slots = new AtomicReferenceArray<>(SLOTS);
    private final Map<Long, E> overflow = new ConcurrentHashMap<>();

    void put(E entry) {
        if (!slots.compareAndSet(slot(entry.id()), null, entry)) {
            overflow.put(entry.id(), entry);
        }
    }

    /** {@return the entry of that id, removed, or {@code null}} */
    E remove(long id) {
        int slot = slot(id);
        E entry = slots.get(slot);
        if (entry != null && entry.id() == id && slots.compareAndSet(slot, entry, null)) {
            return entry;
        }
        return overflow.isEmpty() ? null : overflow.remove(id);
    }

    /** {@return whether this entry was still there, now removed} */
    boolean remove(E entry) {
        return slots.compareAndSet(slot(entry.id()), entry, null) || overflow.remove(entry.id(), entry);
    }

    /** {@return whether none is pending; scans, so for timers, not for every call} */
    boolean isEmpty() {
        if (!overflow.isEmpty()) {
            return false;
        }
        for (int i = 0; i < SLOTS; i++) {
            if (slots.get(i) != null) {
                return false;
            }
        }
        return true;
    }

    /** {@return the pending entries now; scans} */
    List<E> values() {
        List<E> all = new ArrayList<>(overflow.values());
        for (int i = 0; i < SLOTS; i++) {
            E entry = slots.get(i);
            if (entry != null) {
                all.add(entry);
            }
        }
        return all;
    }

    private static int slot(long id) {
        return (int) id & (SLOTS - 1);
    }
}
