package dev.ferry.examples.firewall;

import java.util.List;

/**
 * What the firewall refuses; each list empty by default, which refuses nothing.
 *
 * @param denyPaths      {@code deny-paths}: path prefixes refused (whole segments: {@code /admin} covers
 *                       {@code /admin} and {@code /admin/x}, not {@code /administrator}), judged on the normalized
 *                       path so that no spelling of them slips through
 * @param ignoreCase     {@code ignore-case}, default true: compare paths without case, for origins that do
 * @param allowMethods   {@code allow-methods}: when not empty, only these methods pass
 * @param denyNetworks   {@code deny-networks}: client networks refused, in CIDR notation ({@code 192.0.2.0/24})
 * @param denyUserAgents {@code deny-user-agents}: refused when the User-Agent contains one of these, without case
 */
public record FirewallConfig(List<String> denyPaths, boolean ignoreCase, List<String> allowMethods,
                             List<String> denyNetworks, List<String> denyUserAgents) {

    public static FirewallConfig defaults() {
        return new FirewallConfig(List.of(), true, List.of(), List.of(), List.of());
    }
}
