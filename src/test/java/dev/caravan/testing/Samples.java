package dev.caravan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real Driver Station logs bundled in {@code samples/} (see samples/SOURCES.md). */
public final class Samples {

  public static final Path DIR = Path.of("samples");
  public static final Path LOGS = DIR.resolve("orangelight_DSLOG-Reader");

  /** FRC 3459's 2026 logs of real FMS matches (REV PDH): splits, a replay, a flat battery. */
  public static final Path MATCHES = DIR.resolve("RingOfFireOrg_Timber");

  public static final Path SPEC_SUMMARY = DIR.resolve("reference/spec-summary.jsonl");

  /** All CTRE PDP, 12,738 records. */
  public static final String CTRE = "2022_02_25 21_25_39 Fri";

  /** All REV PDH, 4,998 records. */
  public static final String REV = "2022_02_27 15_17_59 Sun";

  /** No PD block at all, 220 records. */
  public static final String NONE = "2022_02_28 21_49_43 Mon";

  /** 808 records without PD, then REV: a competition match. */
  public static final String MIXED = "2022_03_19 12_55_56 Sat";

  public static final String[] DSLOGS = {CTRE, REV, NONE, MIXED};
  public static final String[] DSEVENTS = {CTRE, REV};

  private Samples() {}

  /** Every sample .dslog, both folders. */
  public static java.util.List<Path> allDslogs() {
    try (var s = java.nio.file.Files.walk(DIR)) {
      return s.filter(p -> p.toString().endsWith(".dslog")).sorted().toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public static Path dslog(String name) {
    return LOGS.resolve(name + ".dslog");
  }

  public static Path dsevents(String name) {
    return LOGS.resolve(name + ".dsevents");
  }

  /** The header time of a sample's {@code .dslog}. */
  public static java.time.Instant start(String name) {
    try (dev.caravan.dslog.DslogReader r = dev.caravan.dslog.DslogReader.open(dslog(name))) {
      return r.header().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The CTRE sample turned into a v3 file as the format doc describes (synthetic): version 3, and
   * the 4-byte PD length word dropped from every record.
   */
  public static byte[] syntheticV3() {
    byte[] v4 = bytes(dslog(CTRE));
    int records = (v4.length - 20) / 39;
    byte[] v3 = new byte[20 + records * 35];
    System.arraycopy(v4, 0, v3, 0, 20);
    v3[3] = 3;
    for (int i = 0; i < records; i++) {
      int from = 20 + i * 39;
      int to = 20 + i * 35;
      System.arraycopy(v4, from, v3, to, 10);
      System.arraycopy(v4, from + 14, v3, to + 10, 25);
    }
    return v3;
  }
}
