package dev.caravan.bench;

import dev.caravan.intake.drive.DriveIntakeProbe;
import dev.caravan.intake.drive.DriveItem;
import dev.caravan.testing.FakeDrive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The Drive intake against the fake Drive on loopback, through the real Google client: how fast a
 * folder of N files (F sub-folders, pages of 1000) is listed completely, and how fast the files are
 * downloaded and MD5-checked into landing. Run by {@code bench/drive-fake.sh}.
 */
public final class DriveIntakeBench {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 100 * 1024;
    int folders = 10;
    Path tmp = Files.createTempDirectory("drive-bench");
    try (FakeDrive fake = new FakeDrive()) {
      FakeDrive.Item root = fake.folder("logs", null);
      FakeDrive.Item[] sub = new FakeDrive.Item[folders];
      for (int i = 0; i < folders; i++) {
        sub[i] = fake.folder("f" + i, root.id);
      }
      Random r = new Random(1);
      for (int i = 0; i < n; i++) {
        byte[] b = new byte[size];
        r.nextBytes(b);
        fake.file("m" + i + ".dslog", sub[i % folders].id, b);
      }
      DriveIntakeProbe probe = new DriveIntakeProbe(fake, root.id, tmp);
      for (int round = 1; round <= 3; round++) {
        long t0 = System.nanoTime();
        List<DriveItem> listed = probe.listAll();
        long t1 = System.nanoTime();
        double listSec = (t1 - t0) / 1e9;
        System.out.printf(
            "round %d: listed %d files in %d folders in %.2f s (%.0f files/s)%n",
            round, listed.size(), folders + 1, listSec, listed.size() / listSec);
        if (round == 3) {
          int k = Math.min(listed.size(), 1000);
          long t2 = System.nanoTime();
          long bytes = probe.download(listed.subList(0, k));
          double dl = (System.nanoTime() - t2) / 1e9;
          System.out.printf(
              "downloaded and checked %d files (%d bytes each) in %.2f s: %.0f files/s, %.1f MiB/s%n",
              k, size, dl, k / dl, bytes / dl / 1048576);
        }
      }
      probe.close();
    }
  }
}
