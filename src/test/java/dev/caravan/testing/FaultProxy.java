package dev.caravan.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of an HTTP server (S3Proxy) that can be told to misbehave, as a store under
 * load does: {@link Mode#PASS} forwards, {@link Mode#FAIL} answers every request {@code 503
 * SlowDown} (the S3 error a throttled store sends) without forwarding it, {@link Mode#SLOW}
 * forwards at a trickle. A mode applies to connections opened after it is set (the client's pool
 * keeps the rest).
 */
public final class FaultProxy implements AutoCloseable {

  public enum Mode {
    PASS,
    FAIL,
    SLOW
  }

  private final ServerSocket server;
  private final int targetPort;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private volatile Mode mode = Mode.PASS;
  private final AtomicLong failed = new AtomicLong();

  /** Bytes per 10 ms in SLOW mode, each way. */
  private static final int TRICKLE = 16 * 1024;

  public FaultProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.submit(this::accept);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  public void mode(Mode mode) {
    this.mode = mode;
  }

  /** Requests answered 503 or 500 so far. */
  public long failed() {
    return failed.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Mode m = mode;
        threads.submit(() -> serve(client, m));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client, Mode m) {
    try (client) {
      if (m == Mode.FAIL) {
        refuse(client);
        return;
      }
      try (Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort)) {
        var up = threads.submit(() -> pipe(client, target, m));
        pipe(target, client, m);
        up.cancel(true);
      }
    } catch (IOException e) {
      // a connection the client or the server dropped: as on a real network
    }
  }

  /** Reads the request (head and body) and answers 503 SlowDown or 500, then closes. */
  private void refuse(Socket client) throws IOException {
    InputStream in = client.getInputStream();
    OutputStream out = client.getOutputStream();
    String head = readHead(in);
    if (head == null) {
      return;
    }
    String lower = head.toLowerCase(Locale.ROOT);
    long length = 0;
    for (String line : lower.split("\r\n")) {
      if (line.startsWith("content-length:")) {
        length = Long.parseLong(line.substring(15).trim());
      }
    }
    boolean expectContinue = lower.contains("expect: 100-continue");
    if (!expectContinue) {
      in.skipNBytes(length); // the body the client sent regardless
    }
    boolean throttle = failed.incrementAndGet() % 2 == 1;
    String code = throttle ? "SlowDown" : "InternalError";
    byte[] body =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                + code
                + "</Code><Message>"
                + (throttle
                    ? "Please reduce your request rate."
                    : "We encountered an internal error.")
                + "</Message></Error>")
            .getBytes(StandardCharsets.UTF_8);
    out.write(
        ((throttle ? "HTTP/1.1 503 Slow Down" : "HTTP/1.1 500 Internal Server Error")
                + "\r\nContent-Type: application/xml\r\nContent-Length: "
                + body.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    // closed: a new connection for the next request sees the mode of its time
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  private static Void pipe(Socket from, Socket to, Mode m) throws IOException {
    byte[] buffer = new byte[m == Mode.SLOW ? TRICKLE : 64 * 1024];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
        if (m == Mode.SLOW) {
          Thread.sleep(10);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the other side closed
    } finally {
      try {
        to.shutdownOutput();
      } catch (IOException e) {
        // already closed
      }
    }
    return null;
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
