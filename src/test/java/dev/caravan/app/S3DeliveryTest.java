package dev.caravan.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravan.deliver.S3Verifier;
import dev.caravan.files.Sha256;
import dev.caravan.ledger.DeliveryRow;
import dev.caravan.ledger.DeliveryState;
import dev.caravan.testing.S3TestServer;
import dev.caravan.testing.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Fan-out to the archive and a real S3 API (S3Proxy): single and multipart puts, verified by HEAD.
 */
class S3DeliveryTest {

  @TempDir Path tmp;

  @Test
  void samplesAndABigFileReachS3Verified() throws Exception {
    int partSize = 5 * 1024 * 1024;
    try (S3TestServer s3 = new S3TestServer(tmp);
        S3Verifier admin = s3.admin("logs")) {
      admin.client().createBucket(CreateBucketRequest.builder().bucket("logs").build());
      admin.client().createBucket(CreateBucketRequest.builder().bucket("offsite").build());
      AppHarness second = new AppHarness(tmp, null).withS3(s3, "logs");
      // a second S3 destination: the shipped route copied under another name, its own bucket
      second.addDestination("s3", "offsite");
      try (AppHarness app =
          second
              .set("caravan.destinations", "archive,s3,offsite")
              .set("caravan.offsite.enabled", "true")
              .set("caravan.offsite.endpoint", s3.endpoint())
              .set("caravan.offsite.bucket", "offsite")
              .set("caravan.offsite.path-style", "true")
              .set("caravan.offsite.access-key", S3TestServer.ACCESS_KEY)
              .set("caravan.offsite.secret-key", S3TestServer.SECRET_KEY)
              .set("caravan.s3.prefix", "frc/")
              .set("caravan.s3.part-size", Integer.toString(partSize))
              // one PUT up to 6 MiB: above the part size, below the cutoff is still one PUT
              .set("caravan.s3.upload-cutoff", Integer.toString(partSize + partSize / 5))
              // uploads read through the limiter (fast enough not to slow the test)
              .set("caravan.s3.bandwidth", "256M")
              .start()) {
        for (Path sample : Files.list(Samples.LOGS).toList()) {
          Files.copy(sample, app.inbox.resolve(sample.getFileName()));
        }
        byte[] big = new byte[partSize + partSize / 2];
        new Random(7).nextBytes(big);
        Files.write(app.inbox.resolve("video.bin"), big);
        Files.write(app.inbox.resolve("clip.bin"), java.util.Arrays.copyOf(big, partSize + 1000));
        app.awaitFiles(8);

        List<DeliveryRow> d = app.deliveries();
        assertThat(d.stream().filter(x -> x.state() != DeliveryState.VERIFIED).toList()).isEmpty();
        List<DeliveryRow> toS3 = d.stream().filter(x -> x.destination().equals("s3")).toList();
        assertThat(toS3).hasSize(14);
        List<DeliveryRow> offsite =
            d.stream().filter(x -> x.destination().equals("offsite")).toList();
        assertThat(offsite).hasSize(14);
        for (DeliveryRow x : offsite) {
          assertThat(sha256Of(admin, "offsite", x.remotePath()))
              .as(x.remotePath())
              .isEqualTo(x.sha256());
        }
        for (DeliveryRow x : toS3) {
          assertThat(x.remotePath()).startsWith("frc/");
          assertThat(sha256Of(admin, "logs", x.remotePath()))
              .as(x.remotePath())
              .isEqualTo(x.sha256());
          // after the put (and, for the multipart one, the metadata copy) the ETag is the MD5
          assertThat(x.verifyMethod()).as(x.remotePath()).isEqualTo(S3Verifier.HEAD_SHA256_MD5);
          boolean multipart = x.fileName().equals("video.bin");
          assertThat(app.ledger().events(x.fileId()))
              .as("multipart path taken for %s", x.fileName())
              .extracting(e -> e.event())
              .matches(events -> events.contains("stamped") == multipart);
        }
      }
    }
  }

  @Test
  void sameNamedFilesPutAtOnceEachKeepTheirOwnObject() throws Exception {
    int n = 12;
    try (S3TestServer s3 = new S3TestServer(tmp);
        S3Verifier admin = s3.admin("logs")) {
      admin.client().createBucket(CreateBucketRequest.builder().bucket("logs").build());
      try (AppHarness app =
          new AppHarness(tmp, null)
              .withS3(s3, "logs")
              .set("caravan.destinations", "s3")
              .set("caravan.s3.parallel", "4")
              .start()) {
        // one name, other bytes each, all due in one batch: several are put at once
        java.util.Set<String> shas = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
          byte[] bytes = new byte[64 * 1024];
          new Random(i).nextBytes(bytes);
          Path f = Files.createDirectories(app.inbox.resolve("robot" + i)).resolve("same.bin");
          Files.write(f, bytes);
          shas.add(Sha256.of(f));
        }
        app.awaitFiles(n);

        List<DeliveryRow> d = app.deliveries();
        assertThat(d).hasSize(n).allMatch(x -> x.state() == DeliveryState.VERIFIED);
        // every copy at its own key, and each key still holds the bytes verified there
        assertThat(d.stream().map(DeliveryRow::remotePath).distinct()).hasSize(n);
        java.util.Set<String> stored = new java.util.HashSet<>();
        for (DeliveryRow x : d) {
          String there = sha256Of(admin, "logs", x.remotePath());
          assertThat(there).as(x.remotePath()).isEqualTo(x.sha256());
          stored.add(there);
        }
        assertThat(stored).isEqualTo(shas);
      }
    }
  }

  @ParameterizedTest(name = "conditional writes: {0}")
  @ValueSource(booleans = {true, false})
  void anotherObjectAtTheKeyIsNeverReplaced(boolean conditionalWrites) throws Exception {
    try (S3TestServer s3 = new S3TestServer(tmp);
        S3Verifier admin = s3.admin("logs")) {
      admin.client().createBucket(CreateBucketRequest.builder().bucket("logs").build());
      // another writer's object where the file's copy would go
      String taken = dev.caravan.files.Layout.day(null) + "/taken.bin";
      Path theirs = Files.writeString(tmp.resolve("theirs"), "another writer's bytes");
      admin
          .client()
          .putObject(
              PutObjectRequest.builder().bucket("logs").key(taken).build(),
              RequestBody.fromFile(theirs));
      try (AppHarness app =
          new AppHarness(tmp, null)
              .withS3(s3, "logs")
              .set("caravan.destinations", "s3")
              .set("caravan.s3.conditional-writes", Boolean.toString(conditionalWrites))
              .start()) {
        byte[] ours = new byte[10_000];
        new Random(3).nextBytes(ours);
        Files.write(app.inbox.resolve("taken.bin"), ours);
        app.awaitFiles(1);

        DeliveryRow d = app.deliveries().get(0);
        assertThat(d.state()).isEqualTo(DeliveryState.VERIFIED);
        assertThat(d.remotePath()).isEqualTo(taken.replace("taken.bin", "taken (2).bin"));
        assertThat(sha256Of(admin, "logs", d.remotePath())).isEqualTo(d.sha256());
        assertThat(sha256Of(admin, "logs", taken)).isEqualTo(Sha256.of(theirs));
        // a first try with conditional writes puts without a HEAD first: the store refuses it
        // (412) and the retry looks before it puts; without them the first try looks
        assertThat(d.attempts()).isEqualTo(conditionalWrites ? 2 : 1);
        assertThat(app.ledger().events(d.fileId()))
            .extracting(e -> e.event() + ": " + e.detail())
            .filteredOn(e -> e.startsWith("delivery-failed"))
            .hasSize(conditionalWrites ? 1 : 0)
            .allMatch(e -> e.contains("(attempt 1, conflict)") && e.contains("412"));
      }
    }
  }

  /** The SHA-256 of an object as read back from the store. */
  private String sha256Of(S3Verifier admin, String bucket, String key) throws Exception {
    byte[] object =
        admin
            .client()
            .getObject(
                GetObjectRequest.builder().bucket(bucket).key(key).build(),
                ResponseTransformer.toBytes())
            .asByteArray();
    return Sha256.of(Files.write(tmp.resolve("got"), object));
  }
}
