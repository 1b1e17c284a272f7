package dev.caravan.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the console needs of the HTTP server beyond the REST DSL, as Vert.x handlers on the router
 * Camel's platform-http already runs: the bearer token in front of every write (and of every
 * endpoint when the server listens on more than loopback, and of Jolokia always); the event stream
 * ({@code /api/events}, Server-Sent Events from the ledger's history, resumable with {@code
 * Last-Event-ID}: platform-http would buffer a streamed answer); and the page's files.
 */
public final class ConsoleWeb {

  private static final Logger LOG = LoggerFactory.getLogger("caravan.console");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * How long an event stream looks for events written before the newest it sent but committed after
   * (an intake's poll batch is committed at most caravan.intake.batch-millis after its first file,
   * plus that file's processing).
   */
  private static final long EVENT_HOLD_MILLIS = 60_000;

  /** The page's files: served name → classpath resource and type. */
  private static final Map<String, String[]> FILES =
      Map.of(
          "/", new String[] {"console/index.html", "text/html; charset=utf-8"},
          "/console/console.js",
              new String[] {"console/console.js", "text/javascript; charset=utf-8"},
          "/console/console.css", new String[] {"console/console.css", "text/css; charset=utf-8"},
          "/console/uPlot.iife.min.js",
              new String[] {
                dev.caravan.insight.Report.UPLOT + "uPlot.iife.min.js",
                "text/javascript; charset=utf-8"
              },
          "/console/uPlot.min.css",
              new String[] {
                dev.caravan.insight.Report.UPLOT + "uPlot.min.css", "text/css; charset=utf-8"
              });

  private final ConsoleQueries queries;
  private final byte[] token;
  private final boolean loopbackOnly;
  private final long pollMillis;

  /** The open event streams, ended cleanly when the app stops (a browser then just reconnects). */
  private final java.util.Set<HttpServerResponse> streams =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * @param token the bearer token (empty: no writes at all)
   * @param loopbackOnly true when the server listens on loopback only: reads need no token
   */
  public ConsoleWeb(ConsoleQueries queries, String token, boolean loopbackOnly, long pollMillis) {
    this.queries = queries;
    this.token = token == null ? new byte[0] : token.getBytes(StandardCharsets.UTF_8);
    this.loopbackOnly = loopbackOnly;
    this.pollMillis = pollMillis;
  }

  /** Whether a configured host is loopback only. */
  public static boolean isLoopback(String host) {
    return host == null
        || host.isBlank()
        || host.equals("localhost")
        || host.startsWith("127.")
        || host.equals("::1")
        || host.equals("[::1]");
  }

  /** Adds the handlers to the platform-http router (call once the context has started). */
  public void install(CamelContext context, int port) {
    VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(context);
    if (router == null) {
      // the server named by its port (when it is not the default one)
      router =
          VertxPlatformHttpRouter.lookup(
              context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
    }
    if (router == null) {
      throw new IllegalStateException(
          "the console needs Camel's HTTP server: camel.server.enabled=true");
    }
    // first in line, whatever Camel's own routes are
    router.route("/api/*").order(-100).handler(this::guard);
    router.route("/observe/jolokia*").order(-100).handler(this::guardAlways);
    router.get("/api/events").order(-90).handler(this::events);
    for (Map.Entry<String, String[]> f : FILES.entrySet()) {
      byte[] body = resource(f.getValue()[0]);
      String type = f.getValue()[1];
      router
          .get(f.getKey())
          .order(-80)
          .handler(
              ctx ->
                  ctx.response()
                      .putHeader("Content-Type", type)
                      .putHeader("Cache-Control", "no-cache")
                      .putHeader("X-Content-Type-Options", "nosniff")
                      .end(Buffer.buffer(body)));
    }
    context.addLifecycleStrategy(
        new org.apache.camel.support.LifecycleStrategySupport() {
          @Override
          public void onContextStopping(CamelContext stopping) {
            endStreams();
          }
        });
    LOG.info(
        "console: the page at /, the API at /api (OpenAPI at /api/openapi.json); {}",
        token.length == 0
            ? "no caravan.console.token: writes are refused"
            : loopbackOnly
                ? "writes need the bearer token"
                : "every request needs the bearer token (not on loopback only)");
  }

  private void guard(RoutingContext ctx) {
    HttpMethod m = ctx.request().method();
    boolean read = m == HttpMethod.GET || m == HttpMethod.HEAD;
    if (read && loopbackOnly) {
      ctx.next();
    } else {
      guardAlways(ctx);
    }
  }

  private void guardAlways(RoutingContext ctx) {
    String auth = ctx.request().getHeader("Authorization");
    String why = null;
    if (token.length == 0) {
      why = "no console token is configured (caravan.console.token)";
    } else if (auth == null || !auth.startsWith("Bearer ")) {
      why = "no bearer token";
    } else if (!MessageDigest.isEqual(
        token, auth.substring(7).strip().getBytes(StandardCharsets.UTF_8))) {
      why = "wrong bearer token";
    }
    if (why == null) {
      ctx.next();
      return;
    }
    // never the token itself
    LOG.warn(
        "console: 401 for {} {} from {}: {}",
        ctx.request().method(),
        ctx.request().path(),
        ctx.request().remoteAddress(),
        why);
    ctx.response()
        .setStatusCode(401)
        .putHeader("Content-Type", "application/json")
        .putHeader("WWW-Authenticate", "Bearer realm=\"caravan\"")
        .end(json(Map.of("error", why, "status", 401)));
  }

  /**
   * The event stream: the ledger's history after {@code Last-Event-ID} (or the newest {@code
   * backlog} events, 50 by default), then each new event as it is recorded, each with its id.
   */
  private void events(RoutingContext ctx) {
    String lastHeader = ctx.request().getHeader("Last-Event-ID");
    if (lastHeader == null) {
      lastHeader = ctx.request().getParam("lastEventId");
    }
    // where the stream starts: after Last-Event-ID, or the newest `backlog` events (found with
    // the first read of the ledger, off the event loop)
    long start;
    int backlog = 0;
    try {
      if (lastHeader != null) {
        start = Long.parseLong(lastHeader.strip());
      } else {
        String b = ctx.request().getParam("backlog");
        backlog = b == null ? 50 : Math.max(0, Math.min(10_000, Integer.parseInt(b)));
        start = -1;
      }
    } catch (NumberFormatException e) {
      ctx.response()
          .setStatusCode(400)
          .putHeader("Content-Type", "application/json")
          .end(json(Map.of("error", "Last-Event-ID and backlog are numbers", "status", 400)));
      return;
    }
    HttpServerResponse r = ctx.response();
    r.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    r.write(": caravan events\nretry: 2000\n\n");
    EventCursor cursor = new EventCursor(start, EVENT_HOLD_MILLIS);
    AtomicLong sent = new AtomicLong(start);
    int newest = backlog;
    AtomicBoolean busy = new AtomicBoolean();
    AtomicLong quietTicks = new AtomicLong();
    var vertx = ctx.vertx();
    long timer =
        vertx.setPeriodic(
            pollMillis,
            id -> {
              if (!busy.compareAndSet(false, true)) {
                return;
              }
              vertx
                  .<List<Map<String, Object>>>executeBlocking(
                      () -> {
                        if (!cursor.started()) {
                          cursor.startAfter(Math.max(0, queries.lastEventId() - newest));
                        }
                        return cursor.next(queries, 500);
                      },
                      false)
                  .onComplete(
                      res -> {
                        busy.set(false);
                        if (r.closed() || r.ended()) {
                          return;
                        }
                        if (res.failed()) {
                          LOG.warn(
                              "console: the event stream cannot read the ledger: {}",
                              res.cause().toString());
                          return;
                        }
                        StringBuilder out = new StringBuilder();
                        for (Map<String, Object> e : res.result()) {
                          // the id a reconnecting client resumes after: the newest sent, also
                          // for an event seen late (its own id is in its data)
                          long eid = ((Number) e.get("id")).longValue();
                          out.append("id: ").append(sent.accumulateAndGet(eid, Math::max));
                          out.append('\n');
                          out.append("event: ").append(e.get("event")).append('\n');
                          out.append("data: ").append(json(e)).append("\n\n");
                        }
                        if (out.length() > 0) {
                          quietTicks.set(0);
                          r.write(out.toString());
                        } else if (quietTicks.incrementAndGet() * pollMillis >= 15_000) {
                          quietTicks.set(0);
                          r.write(": keep-alive\n\n");
                        }
                      });
            });
    streams.add(r);
    r.closeHandler(
        v -> {
          vertx.cancelTimer(timer);
          streams.remove(r);
        });
    r.exceptionHandler(
        e -> {
          vertx.cancelTimer(timer);
          streams.remove(r);
        });
    r.endHandler(v -> vertx.cancelTimer(timer));
  }

  /** Ends every open stream with a proper last chunk (the app is stopping). */
  void endStreams() {
    for (HttpServerResponse r : streams) {
      try {
        if (!r.ended() && !r.closed()) {
          r.end();
        }
      } catch (RuntimeException e) {
        // a client already gone
      }
    }
    streams.clear();
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = ConsoleWeb.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing from the jar: " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
