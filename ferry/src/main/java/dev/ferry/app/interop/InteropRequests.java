package dev.ferry.app.interop;

import dev.ferry.tools.interop.Download;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The runner's {@code REQUESTS} read as downloads: the one server every URL names, and per URL the request path
 * and the file it is saved as, {@code DOWNLOADS/<last path segment>} (the runner compares that file with the one it
 * served). Anything else is refused before a packet is sent: a URL that is not {@code https}, a second server, a
 * name that is no plain file name, two URLs saved under the same name.
 *
 * @param host      the server's host as the URLs write it, without the brackets of an IPv6 literal
 * @param port      the server's UDP port (443 when the URLs name none)
 * @param downloads one per URL, in their order
 */
public record InteropRequests(String host, int port, List<Download> downloads) {
    private static final int HTTPS_PORT = 443;

    public InteropRequests {
        downloads = List.copyOf(downloads);
    }

    /** Reads {@code urls} for saving into {@code downloadsDir}. */
    public static InteropRequests of(List<String> urls, Path downloadsDir) {
        if (urls.isEmpty()) {
            throw new IllegalArgumentException("REQUESTS names no URL");
        }
        String host = null;
        int port = -1;
        List<Download> downloads = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String text : urls) {
            URI url = parse(text);
            String urlHost = unbracketed(url.getHost());
            int urlPort = url.getPort() < 0 ? HTTPS_PORT : url.getPort();
            if (host == null) {
                host = urlHost;
                port = urlPort;
            } else if (!host.equalsIgnoreCase(urlHost) || port != urlPort) {
                throw new IllegalArgumentException("REQUESTS names more than one server: " + text + " is not on "
                        + host + ":" + port);
            }
            String name = fileName(url);
            if (!names.add(name)) {
                throw new IllegalArgumentException("two URLs would be saved as " + name + ": " + text);
            }
            downloads.add(new Download(requestPath(url), downloadsDir.resolve(name)));
        }
        return new InteropRequests(host, port, downloads);
    }

    private static URI parse(String text) {
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + text + " (" + e.getReason() + ")");
        }
        if (!"https".equals(url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("not an https URL: " + text);
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("no host in " + text);
        }
        return url;
    }

    /** The path and query as the request sends them, still percent-encoded. */
    static String requestPath(URI url) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }

    /** The last segment of the URL's decoded path: a plain file name, or the URL is refused. */
    static String fileName(URI url) {
        String path = url.getPath() == null ? "" : url.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0
                || name.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("no file name at the end of " + url);
        }
        return name;
    }

    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
