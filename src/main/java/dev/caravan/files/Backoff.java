package dev.caravan.files;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one retry policy of Caravan's own retries (deliveries, Drive calls): the first wait doubled
 * at each failed attempt up to a cap, plus up to 20 % jitter so that the retries of many files (or
 * many calls) do not come back together.
 */
public record Backoff(Duration first, Duration max) {

  /** The wait after the {@code attempt}-th failure in a row (1 for the first). */
  public Duration after(int attempt) {
    long doubled = first.toMillis() << Math.min(Math.max(attempt, 1) - 1, 30);
    long capped = Math.min(doubled <= 0 ? Long.MAX_VALUE : doubled, max.toMillis());
    return Duration.ofMillis(capped + ThreadLocalRandom.current().nextLong(capped / 5 + 1));
  }
}
