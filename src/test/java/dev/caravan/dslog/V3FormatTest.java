package dev.caravan.dslog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.testing.Samples;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The v3 layout (2016-2021) on a synthetic file derived from the CTRE v4 sample as the format doc
 * describes: it must decode to the same values as the v4 original, record by record.
 */
class V3FormatTest {

  @Test
  void syntheticV3DecodesLikeTheV4Original() throws IOException {
    byte[] v3 = Samples.syntheticV3();
    assertThat(v3).hasSize(445_850);
    try (DslogReader a = new DslogReader(new ByteArrayInputStream(v3), "synthetic-v3.dslog");
        DslogReader b = DslogReader.open(Samples.dslog(Samples.CTRE))) {
      assertThat(a.header().version()).isEqualTo(3);
      assertThat(a.header().start()).isEqualTo(b.header().start());
      int n = 0;
      for (DslogRecord x = a.next(), y = b.next(); y != null; x = a.next(), y = b.next(), n++) {
        assertThat(x).as("v3 record %d", n).isNotNull();
        assertThat(x.pdType()).isEqualTo(PdType.CTRE);
        assertThat(x.offset()).isEqualTo(20 + 35L * n);
        assertThat(RecordFields.of(x)).as("record %d", n).isEqualTo(RecordFields.of(y));
      }
      assertThat(a.next()).isNull();
      assertThat(n).isEqualTo(12738);
      assertThat(a.truncated()).isFalse();
    }
  }

  @Test
  void truncatedV3() throws IOException {
    byte[] v3 = Samples.syntheticV3();
    byte[] cut = java.util.Arrays.copyOf(v3, v3.length - 12);
    try (DslogReader r = new DslogReader(cut, "cut-v3.dslog")) {
      while (r.next() != null) {
        // read to the end
      }
      assertThat(r.count()).isEqualTo(12737);
      assertThat(r.truncated()).isTrue();
      assertThat(r.leftoverBytes()).isEqualTo(23);
    }
  }
}
