package dev.caravan.testing;

import java.nio.file.Path;
import java.util.Map;

/**
 * {@code caravan run} as its own process (this build's classes, the project's routes), for tests
 * that kill it: fast polls, no HTTP port, output appended to a log file.
 */
public final class ChildApp {

  private ChildApp() {}

  public static Process start(Path workDir, Path log, Map<String, String> env) throws Exception {
    return start(workDir, log, env, java.util.List.of(), Path.of("routes"));
  }

  /** With these JVM options too (e.g. another logging configuration) and its own routes. */
  public static Process start(
      Path workDir,
      Path log,
      Map<String, String> env,
      java.util.List<String> jvmOptions,
      Path routes)
      throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.addAll(jvmOptions);
    command.addAll(
        java.util.List.of(
            "-cp",
            System.getProperty("java.class.path"),
            "dev.caravan.cli.CaravanCommand",
            "run",
            "--routes",
            routes.toAbsolutePath().toString()));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.directory(workDir.toFile());
    pb.environment().put("CARAVAN_INTAKE_MIN_AGE", "200");
    // these tests count deliveries of raw files and CSVs; the insight has its own
    // (InsightRouteTest)
    pb.environment().put("CARAVAN_INSIGHT_ENABLED", "false");
    pb.environment().put("CARAVAN_INTAKE_POLL_INTERVAL", "100");
    pb.environment().put("CAMEL_MANAGEMENT_ENABLED", "false");
    // no HTTP server (two of these run at once in some tests): no console either
    pb.environment().put("CAMEL_SERVER_ENABLED", "false");
    pb.environment().put("CARAVAN_DELIVER_POLL_INTERVAL", "100");
    pb.environment().put("CARAVAN_DELIVER_LEASE", "3000");
    // a killed app's leader lease passes to the next after this long
    pb.environment().put("CARAVAN_LEADER_LEASE", "PT2S");
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return pb.start();
  }
}
