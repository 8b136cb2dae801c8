package dev.ferry.bridge.headers;

import dev.ferry.bridge.error.ProxyException;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.Locale;
import java.util.Map;

import static dev.ferry.bridge.headers.FieldSyntax.printable;

/**
 * The checks a message must pass after hooks edited it and before any origin or client sees it: the same field
 * rules as client input ({@link FieldSectionParser}), so that a CR or LF set by a hook cannot become request
 * smuggling on an HTTP/1.1 origin connection, nor response splitting towards a client.
 *
 * <p>Names may use upper case here (the translators lower-case them for HTTP/2 and HTTP/3); everything else is as
 * strict as for a client: names are tokens, values carry no CR, LF or NUL and no leading or trailing whitespace,
 * the method is a token, the path has no whitespace, controls or fragment, and the authority is host[:port].
 */
public final class EditedFields {
    private EditedFields() {
    }

    /** Why a request head with these parts cannot be forwarded, or null when it can. */
    public static String requestProblem(String method, String authority, String path, HttpHeaders headers) {
        if (method == null || !FieldSyntax.isToken(method)) {
            return "invalid method " + (method == null ? "null" : printable(method));
        }
        if (path != null) {
            for (int i = 0; i < path.length(); i++) {
                char c = path.charAt(i);
                if (c <= 0x20 || c >= 0x7f || c == '#') {
                    return "invalid character in path " + printable(path);
                }
            }
        }
        if (authority != null) {
            try {
                AuthorityChecks.check(authority);
            } catch (ProxyException e) {
                return e.getMessage();
            }
        }
        return fieldsProblem(headers);
    }

    /** Why a final response head with this status and these fields cannot be sent, or null when it can. */
    public static String responseProblem(int status, HttpHeaders headers) {
        if (status < 200 || status > 599) {
            return "final status " + status + " outside 200..599";
        }
        return fieldsProblem(headers);
    }

    /** Why these header or trailer fields cannot be sent, or null when they can. */
    public static String fieldsProblem(HttpHeaders headers) {
        for (Map.Entry<String, String> field : headers) {
            String name = field.getKey();
            String problem = FieldSyntax.nameProblem(name == null ? "" : name.toLowerCase(Locale.ROOT));
            if (problem != null) {
                return problem;
            }
            String value = field.getValue() == null ? "" : field.getValue();
            problem = FieldSyntax.valueProblem(value);
            if (problem != null) {
                return problem + " in value of " + printable(name);
            }
        }
        return null;
    }
}
