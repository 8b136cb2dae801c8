package dev.ferry.interop.raw;

import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.Http3Headers;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An {@link Http3Headers} whose iteration order is exactly the order the fields were given in, so that the QPACK
 * encoder (which encodes what {@link Http3Headers#iterator()} yields) puts a pseudo-header field after a regular one
 * when a test asks for it. {@link DefaultHttp3Headers} always moves pseudo-header fields to the front and its class is
 * final, so this is a dynamic proxy: lookups ({@code method()}, {@code get(...)}) go to a non-validating
 * {@link DefaultHttp3Headers} holding the same fields, iteration comes from the list.
 */
final class OrderedHeaders {
  private OrderedHeaders() {}

  static Http3Headers of(List<RawRequest.Field> fields) {
    Http3Headers delegate = new DefaultHttp3Headers(false);
    List<Map.Entry<CharSequence, CharSequence>> ordered = new ArrayList<>(fields.size());
    for (RawRequest.Field f : fields) {
      delegate.add(f.name(), f.value());
      ordered.add(new AbstractMap.SimpleImmutableEntry<>(f.name(), f.value()));
    }
    List<Map.Entry<CharSequence, CharSequence>> view = List.copyOf(ordered);
    return (Http3Headers) Proxy.newProxyInstance(OrderedHeaders.class.getClassLoader(),
        new Class<?>[] {Http3Headers.class}, (proxy, method, args) -> {
          if ("iterator".equals(method.getName()) && method.getParameterCount() == 0) {
            return view.iterator();
          }
          if ("toString".equals(method.getName()) && method.getParameterCount() == 0) {
            return "OrderedHeaders" + view;
          }
          try {
            return method.invoke(delegate, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
