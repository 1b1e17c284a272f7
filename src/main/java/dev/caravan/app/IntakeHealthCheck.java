package dev.caravan.app;

import dev.caravan.intake.FileOutcome;
import dev.caravan.intake.IntakeGate;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * {@code intake-polls} in Camel's health: DOWN while the last poll of the local or SFTP intake
 * failed, naming the source and the cause, or while landing is too full to take files. Camel's own
 * consumer checks cannot see these pollers: they run inside {@code master:} endpoints, started only
 * on the leading app. Its details also name the files the stability gates report: changing past
 * {@code caravan.intake.max-wait}, or listed under a name that cannot be opened.
 */
final class IntakeHealthCheck extends dev.caravan.observe.AlarmCheck {

  private final FileOutcome outcome;

  IntakeHealthCheck(FileOutcome outcome) {
    super("intake-polls");
    this.outcome = outcome;
  }

  @Override
  protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
    outcome
        .lastPolls()
        .forEach((source, at) -> builder.detail(source + ".last.poll", at.toString()));
    // reported, not alarming: the files wait (unsettled) or need a person (unreadable names)
    for (IntakeGate gate : outcome.gates()) {
      if (!gate.unsettled().isEmpty()) {
        builder.detail(gate.source() + ".unsettled", IntakeGate.shortList(gate.unsettled()));
      }
      if (!gate.unreadable().isEmpty()) {
        builder.detail(gate.source() + ".unreadable", IntakeGate.shortList(gate.unreadable()));
      }
    }
    java.util.List<String> problems = new java.util.ArrayList<>();
    outcome.space().problem().ifPresent(problems::add);
    outcome
        .pollProblems()
        .forEach((source, cause) -> problems.add(source + " poll failed: " + cause));
    if (problems.isEmpty()) {
      builder.up();
    } else {
      builder.message(String.join("; ", problems)).down();
    }
  }
}
