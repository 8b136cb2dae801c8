package dev.ferry.app.server;

import dev.ferry.app.config.ListenerConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a reload does to the listeners, matched by name: a listener only in the new file is bound, one only in the
 * running configuration drains (GOAWAY, then closed), one in both must be the same. A listener cannot change in
 * place: its sockets, TLS context and announced settings were built from it, and its clients hold connections to
 * them.
 *
 * @param added    to bind, in the new file's order
 * @param removed  to drain
 * @param problems one per listener changed in place; the reload is refused when there is any
 */
record ListenerChanges(List<ListenerConfig> added, List<BoundListener> removed, List<String> problems) {

    static ListenerChanges plan(List<BoundListener> running, List<ListenerConfig> next) {
        Map<String, BoundListener> byName = new LinkedHashMap<>();
        running.forEach(b -> byName.put(b.config().name(), b));
        List<ListenerConfig> added = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (ListenerConfig listener : next) {
            BoundListener now = byName.remove(listener.name());
            if (now == null) {
                added.add(listener);
            } else if (!now.config().equals(listener)) {
                problems.add("listeners." + listener.name() + ": changed, and a listener cannot change in place "
                        + "(its sockets and TLS context were built from it): give the new one another name, so that "
                        + "this one drains and the new one binds, or restart");
            }
        }
        return new ListenerChanges(added, List.copyOf(byName.values()), problems);
    }

    /** True when the listeners stay as they are. */
    boolean none() {
        return added.isEmpty() && removed.isEmpty();
    }
}
