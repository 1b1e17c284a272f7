package dev.caravan.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code caravan} command line: one jar, one entry point, a subcommand per job. */
@Command(
    name = "caravan",
    mixinStandardHelpOptions = true,
    versionProvider = CaravanCommand.Version.class,
    description = "Carries files from where they are made to where they are kept.",
    subcommands = {
      RunCommand.class,
      ConvertCommand.class,
      LedgerCommand.class,
      CheckCommand.class,
      DriveCommand.class,
      StatusCommand.class,
      InsightCommand.class,
      ReportCommand.class
    })
public final class CaravanCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (0 ok, 1 a file failed, 2 bad usage). */
  public static int execute(String... args) {
    // no arguments: the main job, the route application
    String[] effective = args.length == 0 ? new String[] {"run"} : args;
    return new CommandLine(new CaravanCommand()).execute(effective);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing command: run, convert or ledger");
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = CaravanCommand.class.getPackage().getImplementationVersion();
      return new String[] {"caravan " + (v == null ? "(development build)" : v)};
    }
  }
}
