package dev.caravan.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The bandwidth limit on a fake clock: the bytes, and the time they are allowed to take. */
class BandwidthTest {

  @Test
  void parsesUnits() {
    assertThat(Bandwidth.parse("").limited()).isFalse();
    assertThat(Bandwidth.parse("0").limited()).isFalse();
    assertThat(Bandwidth.parse("500K").bytesPerSecond()).isEqualTo(512_000);
    assertThat(Bandwidth.parse("2m").bytesPerSecond()).isEqualTo(2L * 1024 * 1024);
    assertThat(Bandwidth.parse("123").bytesPerSecond()).isEqualTo(123);
    assertThatThrownBy(() -> Bandwidth.parse("fast")).hasMessageContaining("not a bandwidth");
  }

  @Test
  void aLimitedStreamPassesEveryByteAtTheConfiguredRate() throws Exception {
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    AtomicLong slept = new AtomicLong();
    Bandwidth b =
        new Bandwidth(
            100_000,
            clock::get,
            nanos -> {
              slept.addAndGet(nanos);
              clock.addAndGet(nanos); // sleeping moves the fake clock
            });
    byte[] data = new byte[1_000_000];
    new java.util.Random(1).nextBytes(data);
    byte[] got;
    try (InputStream in = b.limit(new ByteArrayInputStream(data))) {
      got = in.readAllBytes();
    }
    assertThat(got).isEqualTo(data);
    // 1,000,000 bytes at 100,000 B/s: 10 s, less the first read's share (it is not waited for)
    assertThat(slept.get()).isBetween(9_875_000_000L, 10_000_000_000L);
  }

  @Test
  void anUnlimitedStreamIsTheSameStream() {
    InputStream in = new ByteArrayInputStream(new byte[1]);
    assertThat(Bandwidth.parse("0").limit(in)).isSameAs(in);
  }
}
