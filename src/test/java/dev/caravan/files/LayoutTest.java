package dev.caravan.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    assertThatThrownBy(() -> Layout.safeName("..")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Layout.safeName(".")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Layout.safeName("")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Layout.safeName("odd 'name' $(x) ; é.dslog")).isEqualTo("odd 'name' $(x) ; é.dslog");
  }

  @Test
  void numberedNamesKeepTheWholeExtension() {
    assertThat(Layout.numbered("x.v1.csv", 1)).isEqualTo("x.v1.csv");
    assertThat(Layout.numbered("x.v1.csv", 2)).isEqualTo("x (2).v1.csv");
    assertThat(Layout.numbered("noext", 3)).isEqualTo("noext (3)");
  }
}
