package dev.caravan.intake.drive;

import com.google.api.client.googleapis.json.GoogleJsonError;
import com.google.api.client.googleapis.json.GoogleJsonResponseException;
import com.google.api.client.http.HttpResponseException;
import dev.caravan.files.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one Drive call with the retries Google asks clients for: 429, a 403 rate limit, 5xx and a
 * cut connection are retried with exponential backoff and jitter (honouring {@code Retry-After});
 * everything else, and a retry budget spent, becomes a {@link DriveException} that says which call
 * failed and why. A daily quota is never retried: the source stops until the next day.
 */
final class DriveCalls {

  private static final Logger LOG = LoggerFactory.getLogger(DriveCalls.class);

  private static final Set<String> RATE_LIMITS =
      Set.of("rateLimitExceeded", "userRateLimitExceeded");
  private static final Set<String> DAILY = Set.of("dailyLimitExceeded", "dailyLimitExceededUnreg");

  interface Call<T> {
    T run() throws IOException;
  }

  /** Waits between attempts; a test may not want to sleep for real. */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final DriveSettings settings;
  private final Sleeper sleeper;

  DriveCalls(DriveSettings settings) {
    this(settings, d -> Thread.sleep(d.toMillis()));
  }

  DriveCalls(DriveSettings settings, Sleeper sleeper) {
    this.settings = settings;
    this.sleeper = sleeper;
  }

  <T> T call(String what, Call<T> call) throws DriveException {
    for (int attempt = 1; ; attempt++) {
      DriveException failure;
      Duration retryAfter = null;
      try {
        return call.run();
      } catch (DriveException e) {
        failure = e; // already classified (e.g. a download that did not match)
      } catch (HttpResponseException e) {
        failure = classify(what, e);
        retryAfter = retryAfter(e);
      } catch (IOException e) {
        failure = fromIo(what, e);
      }
      if (!retryable(failure.kind()) || attempt > settings.retries()) {
        throw failure;
      }
      Duration wait = retryAfter != null ? retryAfter : backoff(attempt);
      LOG.warn(
          "{}; retry {} of {} in {} ms",
          failure.getMessage(),
          attempt,
          settings.retries(),
          wait.toMillis());
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure;
      }
    }
  }

  /**
   * A token refresh the auth library gave up on (it marks those it would not retry) is a refused
   * credential; any other IO failure is a connection to retry.
   */
  private static DriveException fromIo(String what, IOException e) {
    if (e instanceof com.google.auth.Retryable r && !r.isRetryable()) {
      return new DriveException(
          DriveException.Kind.AUTH,
          what
              + " failed: the credential was refused ("
              + tokenEndpointSays(e)
              + "); check the key file, or run `caravan drive login` again",
          e);
    }
    return new DriveException(DriveException.Kind.CONNECTION, what + " failed: " + describe(e), e);
  }

  /** The token endpoint's own words (e.g. invalid_grant, revoked), found in the cause chain. */
  private static String tokenEndpointSays(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof HttpResponseException h && h.getContent() != null) {
        return "the token endpoint answered HTTP "
            + h.getStatusCode()
            + " "
            + h.getContent().replaceAll("\\s+", " ").trim();
      }
    }
    return describe(e);
  }

  private static boolean retryable(DriveException.Kind kind) {
    return switch (kind) {
      case RATE_LIMIT, SERVER, CONNECTION, MISMATCH -> true;
      default -> false;
    };
  }

  /** The wait before the next call after {@code attempt} failures ({@link Backoff}). */
  Duration backoff(int attempt) {
    return new Backoff(settings.backoff(), settings.backoffMax()).after(attempt);
  }

  private static Duration retryAfter(HttpResponseException e) {
    String v = e.getHeaders() == null ? null : e.getHeaders().getRetryAfter();
    if (v == null) {
      return null;
    }
    try {
      return Duration.ofSeconds(Long.parseLong(v.trim()));
    } catch (NumberFormatException notSeconds) {
      return null; // an HTTP date: use our own backoff
    }
  }

  static DriveException classify(String what, HttpResponseException e) {
    int code = e.getStatusCode();
    String reason = reason(e);
    String detail =
        what
            + " failed: HTTP "
            + code
            + (reason == null ? "" : " " + reason)
            + (message(e) == null ? "" : ": " + message(e));
    DriveException.Kind kind;
    if (code == 429 || (code == 403 && RATE_LIMITS.contains(reason))) {
      kind = DriveException.Kind.RATE_LIMIT;
    } else if (code == 403 && DAILY.contains(reason)) {
      kind = DriveException.Kind.DAILY_QUOTA;
    } else if (code >= 500) {
      kind = DriveException.Kind.SERVER;
    } else if (code == 401) {
      kind = DriveException.Kind.AUTH;
      detail += " (the credential was refused: check the key file, or run `caravan drive login`)";
    } else if (code == 404) {
      kind = DriveException.Kind.NOT_FOUND;
      detail += " (not there, or not shared with this account)";
    } else {
      kind = DriveException.Kind.FORBIDDEN;
      if (code == 403) {
        detail += " (share the folder with the account Caravan uses, read access is enough)";
      }
    }
    return new DriveException(kind, detail, e);
  }

  private static String reason(HttpResponseException e) {
    if (e instanceof GoogleJsonResponseException g && g.getDetails() != null) {
      GoogleJsonError d = g.getDetails();
      if (d.getErrors() != null && !d.getErrors().isEmpty()) {
        return d.getErrors().get(0).getReason();
      }
    }
    return null;
  }

  private static String message(HttpResponseException e) {
    if (e instanceof GoogleJsonResponseException g && g.getDetails() != null) {
      return g.getDetails().getMessage();
    }
    String m = e.getStatusMessage();
    return m == null || m.isBlank() ? null : m;
  }

  /** A cause's text without its stack: what a person needs in one line. */
  static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName()
        + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
  }
}
