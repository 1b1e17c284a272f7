package dev.caravan.app;

import static dev.caravan.app.AppHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.testing.SftpTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SFTP server whose host key is unknown, or not the one recorded, is refused with a message that
 * names the host, the key's fingerprint (computed here by MINA from the server's own key file) and
 * the command that accepts it; no known-hosts file is ever written by Caravan, even with checking
 * turned off.
 */
class SftpHostKeyTest {

  @TempDir Path tmp;

  private AppHarness app(SftpTestServer server, Path knownHosts, String strict) throws Exception {
    return new AppHarness(tmp, null)
        .set("caravan.destinations", "archive,sftp")
        .setAll(dev.caravan.testing.TestConfig.sftp("sftp", server, "upload"))
        .set("caravan.sftp.strict-host-key-checking", strict)
        .set("caravan.sftp.known-hosts", knownHosts.toString())
        .set("caravan.sftp.timeout", "5000");
  }

  private static DeliveryRow sftpDelivery(AppHarness app) {
    return app.deliveries().stream()
        .filter(d -> d.destination().equals("sftp"))
        .findFirst()
        .orElse(null);
  }

  @Test
  void anUnknownHostKeyIsRefusedSayingHowToAcceptIt() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("sftp-root"));
    Path knownHosts = Files.writeString(tmp.resolve("known_hosts"), "");
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), false);
        AppHarness app = app(server, knownHosts, "yes").start()) {
      String fingerprint = KeyUtils.getFingerPrint(server.hostKey());
      Files.write(app.inbox.resolve("a.bin"), new byte[] {1, 2, 3});
      await(
          Duration.ofSeconds(30),
          "the SFTP delivery refused",
          () ->
              sftpDelivery(app) != null && sftpDelivery(app).state() == DeliveryState.QUARANTINED);
      DeliveryRow d = sftpDelivery(app);
      String advice = "ssh-keyscan -p " + server.port() + " 127.0.0.1 >> " + knownHosts;
      assertThat(d.errorClass()).isEqualTo("auth");
      assertThat(d.lastError())
          .contains("SFTP server 127.0.0.1:" + server.port())
          .contains(fingerprint)
          .contains("does not hold: refused")
          .contains(advice);
      assertThat(Files.readString(knownHosts)).as("never written by Caravan").isEmpty();

      // the operator follows the advice, and puts the delivery back in the queue
      Process p = new ProcessBuilder("bash", "-c", advice).redirectErrorStream(true).start();
      assertThat(p.waitFor()).as(new String(p.getInputStream().readAllBytes())).isZero();
      assertThat(app.queue().requeue("sftp", d.fileId())).isEqualTo(1);
      await(
          Duration.ofSeconds(30),
          "delivered once the key is accepted",
          () -> sftpDelivery(app).state() == DeliveryState.VERIFIED);
    }
  }

  @Test
  void aChangedHostKeyIsRefusedNamingTheNewFingerprint() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("sftp-root"));
    // the key recorded is another server's (the one at hostkey-old)
    PublicKey oldKey;
    try (SftpTestServer old = new SftpTestServer(root, tmp.resolve("hostkey-old"), false)) {
      oldKey = old.hostKey();
    }
    Path knownHosts = tmp.resolve("known_hosts");
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), false)) {
      String recorded =
          "[127.0.0.1]:" + server.port() + " " + PublicKeyEntry.toString(oldKey) + "\n";
      Files.writeString(knownHosts, recorded);
      try (AppHarness app = app(server, knownHosts, "yes").start()) {
        Files.write(app.inbox.resolve("a.bin"), new byte[] {1, 2, 3});
        await(
            Duration.ofSeconds(30),
            "the SFTP delivery refused",
            () ->
                sftpDelivery(app) != null
                    && sftpDelivery(app).state() == DeliveryState.QUARANTINED);
        assertThat(sftpDelivery(app).lastError())
            .contains("SFTP server 127.0.0.1:" + server.port())
            .contains(KeyUtils.getFingerPrint(server.hostKey()))
            .contains("not the one " + knownHosts + " records for it")
            .contains("ssh-keygen -R '[127.0.0.1]:" + server.port() + "' -f " + knownHosts);
        assertThat(Files.readString(knownHosts)).as("left as it was").isEqualTo(recorded);
      }
    }
  }

  @Test
  void withCheckingOffTheKnownHostsFileIsStillNeverWritten() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("sftp-root"));
    String before =
        "# the operator's own file\nexample.org ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n";
    Path knownHosts = Files.writeString(tmp.resolve("known_hosts"), before);
    try (SftpTestServer server = new SftpTestServer(root, tmp.resolve("hostkey"), false);
        AppHarness app = app(server, knownHosts, "no").start()) {
      Files.write(app.inbox.resolve("a.bin"), new byte[] {1, 2, 3});
      app.awaitFiles(1);
      await(
          Duration.ofSeconds(30),
          "delivered",
          () -> sftpDelivery(app) != null && sftpDelivery(app).state() == DeliveryState.VERIFIED);
      assertThat(Files.readString(knownHosts)).isEqualTo(before);
    }
  }

  @Test
  void anSftpIntakeMeetingAnUnknownKeySaysSoInItsHealth() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("sftp-root/outbox"));
    Path knownHosts = Files.writeString(tmp.resolve("known_hosts"), "");
    try (SftpTestServer server =
            new SftpTestServer(root.getParent(), tmp.resolve("hostkey"), false);
        AppHarness app =
            new AppHarness(tmp, null)
                .setAll(dev.caravan.testing.TestConfig.sftp("sftp-intake", server, "outbox"))
                .set("caravan.sftp-intake.strict-host-key-checking", "yes")
                .set("caravan.sftp-intake.known-hosts", knownHosts.toString())
                .set("caravan.sftp-intake.poll-interval", "200")
                .set("caravan.sftp-intake.timeout", "5000")
                .start()) {
      var check =
          org.apache.camel.health.HealthCheckRegistry.get(app.context())
              .getCheck("intake-polls")
              .orElseThrow();
      await(
          Duration.ofSeconds(30),
          "the intake DOWN",
          () -> check.call().getState() == org.apache.camel.health.HealthCheck.State.DOWN);
      assertThat(check.call().getMessage())
          .get()
          .asString()
          .contains("SFTP server 127.0.0.1:" + server.port())
          .contains(KeyUtils.getFingerPrint(server.hostKey()))
          .contains("ssh-keyscan -p " + server.port() + " 127.0.0.1 >> " + knownHosts);
      assertThat(Files.readString(knownHosts)).isEmpty();
    }
  }
}
