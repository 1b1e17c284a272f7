package dev.caravan.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.deliver.S3Verifier;
import dev.caravan.deliver.SftpVerifier;
import dev.caravan.files.Sha256;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.testing.S3TestServer;
import dev.caravan.testing.Samples;
import dev.caravan.testing.SftpTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The samples and 1,000 generated files to the archive, SFTP and S3 at once: every artifact at
 * every destination, byte-equal, verified in the ledger with the destination's method.
 */
class FanOutTest {

  @TempDir Path tmp;

  @Test
  void thousandsOfDeliveriesAllVerified() throws Exception {
    int generated = 1000;
    Path sftpRoot = Files.createDirectories(tmp.resolve("sftp-root"));
    try (SftpTestServer sftp = new SftpTestServer(sftpRoot, tmp.resolve("hostkey"), true);
        S3TestServer s3 = new S3TestServer(tmp);
        S3Verifier admin = s3.admin("fan")) {
      admin.client().createBucket(CreateBucketRequest.builder().bucket("fan").build());
      try (AppHarness app =
          new AppHarness(tmp, null)
              .set("caravan.destinations", "archive,sftp,s3")
              .set("caravan.sftp.enabled", "true")
              .set("caravan.sftp.host", "127.0.0.1")
              .set("caravan.sftp.port", Integer.toString(sftp.port()))
              .set("caravan.sftp.user", SftpTestServer.USER)
              .set("caravan.sftp.password", SftpTestServer.PASSWORD)
              .set("caravan.sftp.strict-host-key-checking", "no")
              .set("caravan.sftp.base", "upload")
              .withS3(s3, "fan")) {
        Random random = new Random(1);
        Path staging = Files.createDirectories(tmp.resolve("staging"));
        for (int i = 0; i < generated; i++) {
          byte[] b = new byte[1024 + random.nextInt(8192)];
          random.nextBytes(b);
          Files.write(staging.resolve(String.format("g%04d.bin", i)), b);
        }
        for (Path sample : Files.list(Samples.LOGS).toList()) {
          Files.copy(sample, staging.resolve(sample.getFileName()));
        }
        app.start();
        try (Stream<Path> files = Files.list(staging)) {
          for (Path f : files.toList()) {
            Files.move(f, app.inbox.resolve(f.getFileName()));
          }
        }
        int files = generated + 6;
        AppHarness.await(
            java.time.Duration.ofMinutes(5),
            "all delivered",
            () -> app.files().size() == files && app.queue().backlog() == 0);
        app.awaitFiles(files);

        List<DeliveryRow> d = app.deliveries();
        int artifacts = files + 6; // the six samples have a CSV each
        assertThat(d).hasSize(3 * artifacts);
        assertThat(d.stream().filter(x -> x.state() != DeliveryState.VERIFIED).toList()).isEmpty();
        // each made once: parallel uploads never work on one delivery twice
        assertThat(d).allSatisfy(x -> assertThat(x.attempts()).as(x.toString()).isEqualTo(1));
        Map<String, List<String>> methods =
            d.stream()
                .collect(
                    Collectors.groupingBy(
                        DeliveryRow::destination,
                        Collectors.mapping(DeliveryRow::verifyMethod, Collectors.toList())));
        assertThat(methods.get("archive")).containsOnly("sha256-reread");
        assertThat(methods.get("sftp")).containsOnly(SftpVerifier.EXEC_OPENSSL);
        assertThat(methods.get("s3")).containsOnly(S3Verifier.HEAD_SHA256_MD5);
        for (DeliveryRow x : d) {
          if (x.destination().equals("archive")) {
            assertThat(Sha256.of(app.archive.resolve(x.remotePath()))).isEqualTo(x.sha256());
          } else if (x.destination().equals("sftp")) {
            assertThat(Sha256.of(sftpRoot.resolve(x.remotePath()))).isEqualTo(x.sha256());
          }
        }
        List<S3Object> objects = new java.util.ArrayList<>();
        admin
            .client()
            .listObjectsV2Paginator(ListObjectsV2Request.builder().bucket("fan").build())
            .forEach(page -> objects.addAll(page.contents()));
        assertThat(objects).hasSize(artifacts);
      }
    }
  }
}
