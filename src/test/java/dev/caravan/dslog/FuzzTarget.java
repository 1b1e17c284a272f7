package dev.caravan.dslog;

/**
 * The decoders as a stand-alone Jazzer target, for {@code bench/fuzz.sh}: the same checks as {@link
 * DslogFuzzTest}, on a classpath of the decoders alone (Jazzer's JUnit mode scans the whole test
 * classpath for hooks and runs out of memory on it). {@code -Dcaravan.fuzz.kind=dslog}, {@code
 * dsevents} or {@code wpilog}.
 */
public final class FuzzTarget {

  private static final String KIND = System.getProperty("caravan.fuzz.kind", "dslog");

  private FuzzTarget() {}

  public static void fuzzerTestOneInput(byte[] input) {
    switch (KIND) {
      case "dsevents" -> DecodeEverything.dsevents(input);
      case "wpilog" -> DecodeEverything.wpilog(input);
      default -> DecodeEverything.dslog(input);
    }
  }
}
