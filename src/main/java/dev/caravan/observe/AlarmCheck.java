package dev.caravan.observe;

import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A health check that raises an alarm (at {@code /observe/health}, in JMX and the metrics) but is
 * neither a liveness nor a readiness check: a source gone quiet or a refusing server is not cured
 * by restarting the app, and on Kubernetes an unready pod can no longer lead, so the intake would
 * stop for good. The probes at {@code /observe/health/live} and {@code /ready} leave these out.
 */
public abstract class AlarmCheck extends AbstractHealthCheck {

  protected AlarmCheck(String id) {
    super("caravan", id);
  }

  @Override
  public boolean isLiveness() {
    return false;
  }

  @Override
  public boolean isReadiness() {
    return false;
  }
}
