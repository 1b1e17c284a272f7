package dev.caravan.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code caravan} command line: one jar, one entry point, a subcommand per job. */
@Command(
    name = "caravan",
    mixinStandardHelpOptions = true,
    versionProvider = CaravanCommand.Version.class,
    description = "Carries files from where they are made to where they are kept.",
    subcommands = {ConvertCommand.class})
public final class CaravanCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (0 ok, 1 a file failed, 2 bad usage). */
  public static int execute(String... args) {
    return new CommandLine(new CaravanCommand()).execute(args);
  }

  @Override
  public void run() {
    // No job named: say what there is. The route application will be the default job.
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: try 'convert'");
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
