package dev.caravan.deliver;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A destination's upload bandwidth limit, in bytes per second (0: none), applied to the stream the
 * producer uploads from. Written {@code 0}, {@code 500K}, {@code 2M}, {@code 1G} (powers of 1024).
 */
public final class Bandwidth {

  /** Waits; a test passes a fake clock. */
  public interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  private final long bytesPerSecond;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;

  public Bandwidth(long bytesPerSecond) {
    this(bytesPerSecond, System::nanoTime, n -> Thread.sleep(n / 1_000_000, (int) (n % 1_000_000)));
  }

  public Bandwidth(long bytesPerSecond, LongSupplier nanoTime, Sleeper sleeper) {
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("a bandwidth cannot be negative: " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.nanoTime = nanoTime;
    this.sleeper = sleeper;
  }

  public static Bandwidth parse(String text) {
    String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
    if (t.isEmpty()) {
      return new Bandwidth(0);
    }
    long unit = 1;
    char last = t.charAt(t.length() - 1);
    if (last == 'K' || last == 'M' || last == 'G') {
      unit = last == 'K' ? 1024L : last == 'M' ? 1024L * 1024 : 1024L * 1024 * 1024;
      t = t.substring(0, t.length() - 1);
    }
    try {
      return new Bandwidth(Long.parseLong(t.trim()) * unit);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "not a bandwidth: '" + text + "' (bytes per second, e.g. 0, 500K, 2M)", e);
    }
  }

  public boolean limited() {
    return bytesPerSecond > 0;
  }

  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /** The stream, slowed to this bandwidth on average (unchanged when unlimited). */
  public InputStream limit(InputStream in) {
    return limited() ? new Limited(in) : in;
  }

  /**
   * Makes the exchange's body a limited stream over {@code file} (the producer uploads from it),
   * closed when the exchange is done; nothing changes when unlimited.
   */
  public void limitBody(org.apache.camel.Exchange exchange, java.nio.file.Path file)
      throws IOException {
    if (!limited()) {
      return;
    }
    InputStream in = limit(java.nio.file.Files.newInputStream(file));
    exchange
        .getExchangeExtension()
        .addOnCompletion(
            new org.apache.camel.support.SynchronizationAdapter() {
              @Override
              public void onDone(org.apache.camel.Exchange done) {
                try {
                  in.close();
                } catch (IOException e) {
                  // nothing was lost: the stream only read the local file
                }
              }
            });
    exchange.getMessage().setBody(in);
  }

  /** Each read waits until the bytes so far fit the rate since the first read. */
  private final class Limited extends FilterInputStream {
    private long start = -1;
    private long bytes;

    Limited(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        pace(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      // small reads keep the pace smooth; the cap is 1/8 s worth of bytes
      int n = super.read(buf, off, (int) Math.min(len, Math.max(1, bytesPerSecond / 8)));
      if (n > 0) {
        pace(n);
      }
      return n;
    }

    private void pace(int n) throws IOException {
      long now = nanoTime.getAsLong();
      if (start < 0) {
        start = now;
      }
      bytes += n;
      long due = start + (long) (bytes * 1e9 / bytesPerSecond);
      if (due > now) {
        try {
          sleeper.sleep(due - now);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("upload interrupted");
        }
      }
    }
  }
}
