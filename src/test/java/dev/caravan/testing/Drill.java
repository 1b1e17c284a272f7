package dev.caravan.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A drill's size (small in {@code mvn verify}, full from {@code bench/drills.sh}, which passes
 * {@code -Dcaravan.drill.KEY=N}) and its figures, written to {@code target/drills/NAME.txt} for the
 * bench to print.
 */
public final class Drill {

  private final String name;
  private final List<String> lines = new ArrayList<>();
  private final long started = System.nanoTime();

  public Drill(String name) {
    this.name = name;
  }

  /** A size: {@code -Dcaravan.drill.KEY}, else the small one for CI. */
  public static int size(String key, int small) {
    return Integer.getInteger("caravan.drill." + key, small);
  }

  /** Seconds since the drill began. */
  public double elapsed() {
    return (System.nanoTime() - started) / 1e9;
  }

  /** Records a figure ({@code String.format} style) and prints it. */
  public void figure(String format, Object... args) throws IOException {
    String line = String.format(java.util.Locale.ROOT, format, args);
    lines.add(line);
    System.out.println("[drill " + name + "] " + line);
    Path dir = Files.createDirectories(Path.of("target", "drills"));
    Files.write(
        dir.resolve(name + ".txt"),
        lines,
        StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING);
  }
}
