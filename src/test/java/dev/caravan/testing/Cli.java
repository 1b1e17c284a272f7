package dev.caravan.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.cli.CaravanCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs a {@code caravan} command in this JVM, as a user would; returns what it printed. */
public final class Cli {

  private Cli() {}

  /** Runs the command, checks its exit code and returns its standard output. */
  public static String run(int exit, String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertThat(CaravanCommand.execute(args))
          .as(out.toString(StandardCharsets.UTF_8))
          .isEqualTo(exit);
    } finally {
      System.setOut(old);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
