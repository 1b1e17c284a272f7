package dev.caravan.dslog;

import java.io.IOException;
import java.io.InputStream;

/**
 * A refillable window over an input stream, or a whole byte array, that the readers parse in place.
 * Memory is bounded by the window size whatever the file size.
 */
final class InputBuffer {

  static final int DEFAULT_SIZE = 64 * 1024;

  private final InputStream in;
  byte[] buf;
  int pos;
  int limit;

  /** File offset of {@code buf[0]}. */
  private long base;

  private boolean eof;

  InputBuffer(InputStream in, int size) {
    this.in = in;
    this.buf = new byte[size];
  }

  /** Over a whole array: no copying, no refills. */
  InputBuffer(byte[] whole, int length) {
    this.in = null;
    this.buf = whole;
    this.limit = length;
    this.eof = true;
  }

  /** File offset of the next unread byte. */
  long offset() {
    return base + pos;
  }

  int available() {
    return limit - pos;
  }

  /**
   * Makes at least {@code n} bytes available at {@code pos}; false when the input ends first (what
   * is left stays available). The window grows when {@code n} exceeds it: callers bound {@code n}.
   */
  boolean request(int n) throws IOException {
    if (limit - pos >= n) {
      return true;
    }
    if (eof) {
      return false;
    }
    if (n > buf.length - pos) {
      int remaining = limit - pos;
      if (n > buf.length) {
        byte[] bigger = new byte[Math.max(n, buf.length * 2)];
        System.arraycopy(buf, pos, bigger, 0, remaining);
        buf = bigger;
      } else {
        System.arraycopy(buf, pos, buf, 0, remaining);
      }
      base += pos;
      pos = 0;
      limit = remaining;
    }
    while (limit - pos < n) {
      int read = in.read(buf, limit, buf.length - limit);
      if (read < 0) {
        eof = true;
        return false;
      }
      limit += read;
    }
    return true;
  }

  /** Skips up to {@code n} bytes; returns how many were skipped (fewer only at end of input). */
  long skip(long n) throws IOException {
    long done = Math.min(n, limit - pos);
    pos += (int) done;
    while (done < n && !eof) {
      base += limit;
      pos = 0;
      limit = 0;
      int read = in.read(buf, 0, (int) Math.min(buf.length, n - done));
      if (read < 0) {
        eof = true;
        break;
      }
      limit = read;
      int take = (int) Math.min(read, n - done);
      pos = take;
      done += take;
    }
    return done;
  }

  /** Reads and discards everything left; returns the number of bytes. */
  long drain() throws IOException {
    return skip(Long.MAX_VALUE);
  }

  int u8(int at) {
    return buf[at] & 0xFF;
  }

  int u16(int at) {
    return (buf[at] & 0xFF) << 8 | (buf[at + 1] & 0xFF);
  }

  int i32(int at) {
    return (buf[at] & 0xFF) << 24
        | (buf[at + 1] & 0xFF) << 16
        | (buf[at + 2] & 0xFF) << 8
        | (buf[at + 3] & 0xFF);
  }

  long i64(int at) {
    return (long) i32(at) << 32 | (i32(at + 4) & 0xFFFF_FFFFL);
  }
}
