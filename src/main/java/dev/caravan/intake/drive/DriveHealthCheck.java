package dev.caravan.intake.drive;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * {@code drive-intake} in Camel's health: DOWN while the last Drive poll failed or the daily quota
 * is spent, with the reason; the other routes are not affected.
 */
public final class DriveHealthCheck extends dev.caravan.observe.AlarmCheck {

  private final DriveIntake intake;

  public DriveHealthCheck(DriveIntake intake) {
    super("drive-intake");
    this.intake = intake;
  }

  @Override
  protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
    builder.detail("drive.poll.failures", intake.pollFailures());
    builder.detail("drive.downloads", intake.downloads());
    builder.detail("drive.download.failures", intake.downloadFailures());
    if (intake.lastSuccess() != null) {
      builder.detail("drive.last.successful.poll", intake.lastSuccess().toString());
    }
    if (intake.pausedUntil() != null) {
      builder.detail("drive.paused.until", intake.pausedUntil().toString());
    }
    String problem = intake.problem();
    if (problem == null) {
      builder.up();
    } else {
      builder.message(problem).down();
    }
  }
}
