package dev.caravan.dslog;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the three readers with Jazzer. In {@code mvn verify} (regression mode)
 * it runs the seed inputs in {@code src/test/resources/dev/caravan/dslog/DslogFuzzTestInputs/}; to
 * fuzz for real, {@code bench/fuzz.sh} (the same checks through Jazzer's own driver, {@link
 * FuzzTarget}).
 */
class DslogFuzzTest {

  @FuzzTest(maxDuration = "5m")
  void dslog(byte[] input) {
    DecodeEverything.dslog(input);
  }

  @FuzzTest(maxDuration = "5m")
  void dsevents(byte[] input) {
    DecodeEverything.dsevents(input);
  }

  @FuzzTest(maxDuration = "5m")
  void wpilog(byte[] input) {
    DecodeEverything.wpilog(input);
  }
}
