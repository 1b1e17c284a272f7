// What one ledger commit costs on H2, as the app opens it (WRITE_DELAY=0: each commit written
// before it returns, so a kill -9 loses nothing acknowledged) and with H2's default delay (500 ms,
// which lost acknowledged commits in LedgerKillTest). Each claim is one commit (a row and its
// event).
//   mvn -B -q package -DskipTests && java -cp target/caravan.jar bench/LedgerCommits.java [N]
import dev.caravan.ledger.FileKey;
import dev.caravan.ledger.Ledger;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

public class LedgerCommits {
  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    var os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int round = 0; round < 2; round++) { // the first round warms the JIT
      for (String suffix : new String[] {"", ";WRITE_DELAY=500"}) {
        Path dir = Files.createTempDirectory("ledger-commits");
        String url = "jdbc:h2:file:" + dir.resolve("ledger") + ";AUTO_SERVER=TRUE" + suffix;
        try (Ledger ledger = Ledger.open(url, "sa", "")) {
          long cpu0 = os.getProcessCpuTime();
          long t0 = System.nanoTime();
          for (int i = 0; i < n; i++) {
            ledger.claim(new FileKey("bench", "f" + i, "%064x".formatted(i)), "f" + i, i, "other");
          }
          double wall = (System.nanoTime() - t0) / 1e6 / n;
          double cpu = (os.getProcessCpuTime() - cpu0) / 1e6 / n;
          if (round == 1) {
            System.out.printf(
                "%-28s %d commits: %.3f ms wall, %.3f ms CPU (the whole JVM, H2's writer thread too) per commit%n",
                suffix.isEmpty() ? "as the app opens it" : suffix.substring(1), n, wall, cpu);
          }
        }
        try (var files = Files.walk(dir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }
}
