package dev.caravan.dslog;

import dev.caravan.testing.Samples;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A bounded, repeatable cousin of the fuzz test that runs in every build: thousands of mutants of
 * the real samples (bit flips, overwritten length words, cuts, inserted and deleted bytes), each
 * read through every path. Fixed seeds, so a failure reproduces.
 */
class MutationTest {

  private static final int MUTANTS = 1500;

  @Test
  void dslogMutants() {
    for (String name : Samples.DSLOGS) {
      byte[] original = Arrays.copyOf(Samples.bytes(Samples.dslog(name)), 20 + 47 * 60);
      run(original, name.hashCode(), true);
    }
    run(Arrays.copyOf(Samples.syntheticV3(), 20 + 35 * 60), 3, true);
  }

  @Test
  void dseventsMutants() {
    for (String name : Samples.DSEVENTS) {
      byte[] original = Arrays.copyOf(Samples.bytes(Samples.dsevents(name)), 4000);
      run(original, name.hashCode(), false);
    }
  }

  private static void run(byte[] original, long seed, boolean dslog) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < MUTANTS; i++) {
      byte[] mutant = mutate(original, random);
      try {
        if (dslog) {
          DecodeEverything.dslog(mutant);
        } else {
          DecodeEverything.dsevents(mutant);
        }
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "mutant " + i + " of seed " + seed + " (" + mutant.length + " bytes)", e);
      }
    }
  }

  private static byte[] mutate(byte[] in, SplittableRandom random) {
    byte[] b = in.clone();
    int edits = 1 + random.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(Math.max(1, b.length));
      switch (random.nextInt(6)) {
        case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
        case 1 -> b[at] = (byte) random.nextInt(256);
        case 2 -> { // a 32-bit word of extremes: length words, versions, timestamps
          int[] words = {0, -1, 25, 33, 26, 0x7FFFFFFF, 0x80000000, 1 << 24, 3, 4};
          int w = words[random.nextInt(words.length)];
          for (int k = 0; k < 4 && at + k < b.length; k++) {
            b[at + k] = (byte) (w >>> (24 - 8 * k));
          }
        }
        case 3 -> b = Arrays.copyOf(b, at);
        case 4 -> { // insert a byte
          byte[] c = new byte[b.length + 1];
          System.arraycopy(b, 0, c, 0, at);
          c[at] = (byte) random.nextInt(256);
          System.arraycopy(b, at, c, at + 1, b.length - at);
          b = c;
        }
        default -> { // delete a byte
          if (b.length > 0) {
            byte[] c = new byte[b.length - 1];
            System.arraycopy(b, 0, c, 0, at);
            System.arraycopy(b, at + 1, c, at, b.length - at - 1);
            b = c;
          }
        }
      }
    }
    return b;
  }
}
