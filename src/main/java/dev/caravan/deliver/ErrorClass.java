package dev.caravan.deliver;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Why a delivery failed, as an operator needs to know it; {@link #permanent()} ones (a refused
 * login) are not worth retrying in a loop and go to quarantine quickly.
 */
public enum ErrorClass {
  AUTH(true),
  CONNECTION(false),
  TIMEOUT(false),
  NO_SPACE(false),
  THROTTLE(false),
  MISMATCH(false),
  /** The destination refused to replace what another writer put at that name (S3 412). */
  CONFLICT(false),
  /** The store failed on its side (HTTP 500, 502, 504). */
  SERVER(false),
  IO(false);

  private final boolean permanent;

  ErrorClass(boolean permanent) {
    this.permanent = permanent;
  }

  public boolean permanent() {
    return permanent;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Classifies by the exception and its causes. */
  public static ErrorClass of(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof VerificationException) {
        return MISMATCH;
      }
      if (t instanceof SocketTimeoutException) {
        return TIMEOUT;
      }
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof UnknownHostException) {
        return CONNECTION;
      }
      String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("auth fail")
          || m.contains("auth cancel")
          || m.contains("access denied")
          || m.contains("accessdenied")
          || m.contains("permission denied")
          || m.contains("unknownhostkey")
          || m.contains("hostkey has been changed")
          || m.contains("reject hostkey")
          || m.contains("invalidaccesskeyid")
          || m.contains("signaturedoesnotmatch")) {
        return AUTH;
      }
      if (m.contains("no space") || m.contains("quota") || m.contains("disk full")) {
        return NO_SPACE;
      }
      if (m.contains("status code: 412")) {
        return CONFLICT;
      }
      if (m.contains("slowdown")
          || m.contains("slow down")
          || m.contains("throttl")
          || m.contains("too many requests")
          || m.contains("status code: 503")
          || m.contains("status code: 429")) {
        return THROTTLE;
      }
      if (m.matches("(?s).*status code: 5\\d\\d.*")) {
        return SERVER;
      }
      if (m.contains("timeout") || m.contains("timed out")) {
        return TIMEOUT;
      }
      if (m.contains("connection refused")
          || m.contains("connection reset")
          || m.contains("session is down")
          || m.contains("unable to connect")
          || m.contains("cannot connect")) {
        return CONNECTION;
      }
    }
    return IO;
  }
}
