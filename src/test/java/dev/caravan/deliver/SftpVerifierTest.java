package dev.caravan.deliver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravan.files.Sha256;
import dev.caravan.testing.Samples;
import dev.caravan.testing.SftpTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Read-back verification against a real SFTP server (MINA SSHD), with and without a shell. The copy
 * is uploaded by Camel's sftp producer under a temporary name, as the delivery route will do.
 */
class SftpVerifierTest {

  @TempDir Path tmp;

  private static final String NAME = "odd 'name' $(x) ; é.dslog";

  private SftpVerifier verifier(SftpTestServer server) {
    return new SftpVerifier(
        new SftpSessions.Server(
            "127.0.0.1",
            server.port(),
            SftpTestServer.USER,
            SftpTestServer.PASSWORD,
            null,
            null,
            10_000));
  }

  private void upload(SftpTestServer server, Path file, String dir, String name) throws Exception {
    try (CamelContext camel = new DefaultCamelContext()) {
      camel.start();
      ProducerTemplate producer = camel.createProducerTemplate();
      producer.sendBodyAndHeader(
          "sftp://"
              + SftpTestServer.USER
              + "@127.0.0.1:"
              + server.port()
              + "/"
              + dir
              + "?password=RAW("
              + SftpTestServer.PASSWORD
              + ")"
              + "&strictHostKeyChecking=no&useUserKnownHostsFile=false&autoCreate=true"
              + "&tempPrefix=.caravan-",
          file.toFile(),
          Exchange.FILE_NAME,
          name);
    }
  }

  @ParameterizedTest(name = "shell={0}")
  @ValueSource(booleans = {true, false})
  void aCopyIsProvenByReadingItBack(boolean shell) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), shell)) {
      Path sample = Samples.dslog(Samples.REV);
      upload(server, sample, "upload/2022/02/27", NAME);
      Path onServer = root.resolve("upload/2022/02/27").resolve(NAME);
      assertThat(Sha256.of(onServer)).isEqualTo(Sha256.of(sample));
      try (var listing = Files.list(onServer.getParent())) {
        assertThat(listing.map(p -> p.getFileName().toString())).containsExactly(NAME);
      }

      SftpVerifier.Copy copy = verifier(server).read("/upload/2022/02/27/" + NAME);
      assertThat(copy.sha256()).isEqualTo(Sha256.of(sample));
      assertThat(copy.size()).isEqualTo(Files.size(sample));
      assertThat(copy.method())
          .isEqualTo(shell ? SftpVerifier.EXEC_SHA256 : SftpVerifier.READ_BACK);

      // a copy changed at the destination reads back as what it is now
      byte[] bytes = Files.readAllBytes(onServer);
      bytes[1000] ^= 1;
      Files.write(onServer, bytes);
      assertThat(verifier(server).read("/upload/2022/02/27/" + NAME).sha256())
          .isNotEqualTo(Sha256.of(sample))
          .isEqualTo(Sha256.of(onServer));
    }
  }

  @ParameterizedTest(name = "shell={0}")
  @ValueSource(booleans = {true, false})
  void aBatchIsHashedByOneCommandOnTheServer(boolean shell) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), shell)) {
      Path rev = Samples.dslog(Samples.REV);
      Path other = Samples.dslog(Samples.CTRE);
      upload(server, rev, "upload/d", NAME);
      // sha256sum escapes a name with a backslash, and marks its line with a leading backslash
      // (put on the server's disk directly: Camel reads a backslash in a name as a folder)
      Files.copy(other, root.resolve("upload/d/back\\slash.dslog"));
      SftpVerifier v = verifier(server);

      // plain names: openssl when the server has it (it uses the CPU's SHA instructions)
      var plain = v.hashAll(java.util.List.of("upload/d/" + NAME, "upload/d/missing.dslog"));
      // a name openssl would print unescaped: sha256sum
      var odd =
          v.hashAll(
              java.util.List.of(
                  "upload/d/" + NAME, "upload/d/back\\slash.dslog", "upload/d/missing.dslog"));
      // a server without openssl: sha256sum for all
      var noOpenssl =
          verifier(server.withoutOpenssl())
              .hashAll(java.util.List.of("upload/d/" + NAME, "upload/d/missing.dslog"));

      if (shell) {
        assertThat(plain.method()).isEqualTo(SftpVerifier.EXEC_OPENSSL);
        assertThat(plain.sha256s())
            .containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of("upload/d/" + NAME, Sha256.of(rev)));
        assertThat(odd.method()).isEqualTo(SftpVerifier.EXEC_SHA256);
        assertThat(odd.sha256s())
            .containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of(
                    "upload/d/" + NAME,
                    Sha256.of(rev),
                    "upload/d/back\\slash.dslog",
                    Sha256.of(other)));
        assertThat(noOpenssl.method()).isEqualTo(SftpVerifier.EXEC_SHA256);
        assertThat(noOpenssl.sha256s())
            .containsExactlyInAnyOrderEntriesOf(
                java.util.Map.of("upload/d/" + NAME, Sha256.of(rev)));
      } else {
        // no shell: nothing proven at once; each copy is then read back
        assertThat(plain.sha256s()).isEmpty();
        assertThat(odd.sha256s()).isEmpty();
        assertThat(noOpenssl.sha256s()).isEmpty();
        assertThat(v.read("upload/d/" + NAME).method()).isEqualTo(SftpVerifier.READ_BACK);
      }
    }
  }

  @Test
  void foldersAreMadeWithTheirParentsOnce() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), false)) {
      SftpSessions v = verifier(server).sessions();
      v.makeFolders("upload/2026/11/24");
      assertThat(root.resolve("upload/2026/11/24")).isDirectory();
      v.makeFolders("upload/2026/11/24"); // there already: nothing to do, no error
      v.makeFolders("upload/2026/11/25");
      assertThat(root.resolve("upload/2026/11/25")).isDirectory();
      Files.writeString(root.resolve("upload/2026/12"), "a file where a folder should be");
      assertThatThrownBy(() -> v.makeFolders("upload/2026/12/01"))
          .hasMessageContaining("upload/2026/12 on 127.0.0.1 is a file, not a folder");
    }
  }

  @Test
  void missingFilesAndWrongPasswordsAreErrorsNotVerdicts() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), true)) {
      assertThatThrownBy(() -> verifier(server).read("/nope.dslog"))
          .hasMessageContaining("cannot stat /nope.dslog");
      SftpVerifier wrong =
          new SftpVerifier(
              new SftpSessions.Server(
                  "127.0.0.1", server.port(), SftpTestServer.USER, "wrong", null, null, 5_000));
      assertThatThrownBy(() -> wrong.read("/x"))
          .hasMessageContaining("cannot connect to sftp://caravan@127.0.0.1");
    }
  }

  @Test
  void shellQuotingKeepsAnyNameOneArgument() {
    assertThat(SftpVerifier.shellQuote("a'b $(c)")).isEqualTo("'a'\\''b $(c)'");
    assertThat(SftpVerifier.shellQuote("plain")).isEqualTo("'plain'");
  }
}
