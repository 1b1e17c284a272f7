package dev.caravan.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The progress bar: drawn on a terminal, silent otherwise. */
class ProgressTest {

  @Test
  void drawsOnATerminalAndIsSilentOtherwise() {
    ByteArrayOutputStream tty = new ByteArrayOutputStream();
    Progress p = new Progress("checking", new PrintStream(tty, true, StandardCharsets.UTF_8), true);
    p.show(0, 4);
    p.show(4, 4); // the last step is always drawn
    p.end();
    String drawn = tty.toString(StandardCharsets.UTF_8);
    assertThat(drawn)
        .contains("\rchecking [" + " ".repeat(30) + "] 0/4")
        .contains("\rchecking [" + "#".repeat(30) + "] 4/4")
        .endsWith("\r");

    ByteArrayOutputStream pipe = new ByteArrayOutputStream();
    Progress q =
        new Progress("checking", new PrintStream(pipe, true, StandardCharsets.UTF_8), false);
    q.show(1, 2);
    q.end();
    assertThat(pipe.size()).isZero();
  }
}
