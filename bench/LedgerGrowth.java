// How big the embedded H2 ledger's file grows under many commits, as the app opens it
// (WRITE_DELAY=0, RETENTION_TIME=0) with its upkeep run every EVERY commits (the ledger-upkeep
// route
// runs it every caravan.db.upkeep-interval ms), and without upkeep (EVERY=0).
//   mvn -B -q package -DskipTests && java -cp target/caravan.jar bench/LedgerGrowth.java [N]
// [EVERY]
import dev.caravan.ledger.FileKey;
import dev.caravan.ledger.Ledger;
import java.nio.file.Files;
import java.nio.file.Path;

public class LedgerGrowth {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
    int every = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    String settings = args.length > 2 ? args[2] : "";
    Path dir = Files.createTempDirectory("ledger-growth");
    Path file = dir.resolve("ledger.mv.db");
    try (Ledger ledger = Ledger.open(Ledger.url("", dir) + settings, "sa", "")) {
      long t0 = System.nanoTime();
      long upkeepNs = 0;
      for (int i = 0; i < n; i++) {
        ledger.claim(new FileKey("bench", "f" + i, "%064x".formatted(i)), "f" + i, i, "other");
        if (every > 0 && (i + 1) % every == 0) {
          long u0 = System.nanoTime();
          ledger.upkeep();
          upkeepNs += System.nanoTime() - u0;
        }
        if ((i + 1) % Math.max(1, n / 5) == 0) {
          System.out.printf(
              "%d commits, %.1f s (upkeep %.2f s): file %d MB%n",
              i + 1, (System.nanoTime() - t0) / 1e9, upkeepNs / 1e9, Files.size(file) >> 20);
        }
      }
    }
    System.out.printf("closed: %d MB%n", Files.size(file) >> 20);
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
