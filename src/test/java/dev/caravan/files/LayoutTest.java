package dev.caravan.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Names never climb out of a destination's base. */
class LayoutTest {

  @Test
  void pathTricksStayOneNameUnderTheBase() {
    Path base = Path.of("/archive");
    for (String name :
        new String[] {
          "../../etc/passwd", "/etc/passwd", "a\\..\\..\\b", "x\u0000y", "new\nline", "..a"
        }) {
      String safe = Layout.safeName(name);
      assertThat(safe).doesNotContain("/").doesNotContain("\\").doesNotContain("\u0000");
      Path target =
          base.resolve(Layout.day(Instant.parse("2022-03-19T16:55:56Z")) + "/" + safe).normalize();
      assertThat(target.startsWith(base.resolve("2022/03/19"))).as(name).isTrue();
      assertThat(target.getParent()).isEqualTo(base.resolve("2022/03/19"));
    }
    assertThat(Layout.safeName("..")).isEqualTo("__");
    assertThat(Layout.safeName(".")).isEqualTo("_");
    assertThat(Layout.safeName("")).isEqualTo("_");
    assertThat(Layout.safeName(".hidden.bin")).isEqualTo("_hidden.bin");
    assertThat(Layout.safeName("odd 'name' $(x) ; é.dslog")).isEqualTo("odd 'name' $(x) ; é.dslog");
  }

  @Test
  void numberedNamesKeepTheWholeExtension() {
    assertThat(Layout.numbered("x.v1.csv", 1)).isEqualTo("x.v1.csv");
    assertThat(Layout.numbered("x.v1.csv", 2)).isEqualTo("x (2).v1.csv");
    assertThat(Layout.numbered("noext", 3)).isEqualTo("noext (3)");
  }

  @Test
  void namesSafeOnWindowsSharesAndForReaders() {
    assertThat(Layout.safeName("CON")).isEqualTo("_CON");
    assertThat(Layout.safeName("nul.txt")).isEqualTo("_nul.txt");
    assertThat(Layout.safeName("COM1.dslog")).isEqualTo("_COM1.dslog");
    assertThat(Layout.safeName("CONSOLE.dslog")).isEqualTo("CONSOLE.dslog");
    assertThat(Layout.safeName("a:b|c?d*e<f>g\"h.dslog")).isEqualTo("a_b_c_d_e_f_g_h.dslog");
    assertThat(Layout.safeName("trailing. .")).isEqualTo("trailing___");
    // look-alikes of separators and dots, and the right-to-left override that turns a name around
    assertThat(Layout.safeName("\u2025\uff0f\u2025\u2215etc")).isEqualTo("____etc");
    assertThat(Layout.safeName("report\u202egol.exe")).isEqualTo("report_gol.exe");
    assertThat(Layout.safeName("zero\u200bwidth")).isEqualTo("zero_width");
    assertThat(Layout.safeName("caf\u00e9 \u65e5\u672c.dslog"))
        .isEqualTo("caf\u00e9 \u65e5\u672c.dslog");
  }

  @Test
  void longNamesAreCutKeepingTheExtensionAndStayDistinct() {
    String a = "\u00e9".repeat(200) + "a.dslog"; // 407 bytes in UTF-8
    String b = "\u00e9".repeat(200) + "b.dslog";
    String safeA = Layout.safeName(a);
    assertThat(safeA.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(Layout.MAX_NAME_BYTES);
    assertThat(safeA).endsWith(".dslog").startsWith("\u00e9\u00e9").contains("~");
    assertThat(safeA).isNotEqualTo(Layout.safeName(b));
    assertThat(Layout.safeName(a)).as("the same name, the same cut").isEqualTo(safeA);
    // with the temporary name's extra characters, still within a file system's 255 bytes
    assertThat(
            ("." + safeA + "." + java.util.UUID.randomUUID() + ".tmp")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)
                .length)
        .isLessThanOrEqualTo(255);
  }
}
