package dev.caravan.app;

import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops Camel at SIGTERM (or Ctrl-C) before the JVM's shutdown hooks run, not beside them. H2
 * closes its database from its own hook: at a plain SIGTERM that raced Camel's graceful stop, so
 * the work in flight could not be recorded in the ledger and the leader's lease was not handed
 * over. Here the signal only ends Camel's main loop; Camel stops routes and services (the ledger
 * last), the app returns, and the hooks run at the exit that follows.
 */
public final class GracefulStop {

  private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);

  private GracefulStop() {}

  /**
   * Handles the named signals (e.g. "TERM", "INT") by a graceful stop of {@code main}; a second
   * signal exits at once, through the JVM's shutdown hooks as before.
   */
  public static void on(Main main, String... signals) {
    java.util.concurrent.atomic.AtomicBoolean stopping =
        new java.util.concurrent.atomic.AtomicBoolean();
    for (String name : signals) {
      try {
        sun.misc.Signal.handle(
            new sun.misc.Signal(name),
            s -> {
              if (stopping.getAndSet(true)) {
                LOG.warn("SIG{} again: exiting now", s.getName());
                System.exit(128 + s.getNumber());
              }
              LOG.info("SIG{}: stopping gracefully", s.getName());
              main.completed();
            });
      } catch (IllegalArgumentException e) {
        // the JVM keeps this signal to itself (e.g. run with -Xrs): its shutdown hook stops Camel
        LOG.warn(
            "cannot handle SIG{} ({}); Camel's shutdown hook stops the app", name, e.getMessage());
      }
    }
  }
}
