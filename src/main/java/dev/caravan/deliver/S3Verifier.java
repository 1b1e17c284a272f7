package dev.caravan.deliver;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.MetadataDirective;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Proves an object in any S3-compatible store: HEAD it and compare our SHA-256 (stored as object
 * metadata when it was put) and the size; where the ETag is a plain MD5 (a single-part put) it must
 * equal the artifact's MD5 too. A multipart ETag ({@code …-N}) is never taken for an MD5.
 */
public final class S3Verifier implements AutoCloseable {

  /** Object metadata key holding our SHA-256. */
  public static final String SHA256_METADATA = "sha256";

  public static final String HEAD_SHA256_MD5 = "s3-head-sha256+md5", HEAD_SHA256 = "s3-head-sha256";

  /**
   * Where the store is.
   *
   * @param endpoint null for AWS itself, else e.g. {@code http://127.0.0.1:9000}
   * @param accessKey null to use the default AWS credentials chain (environment, profile, role)
   */
  public record Store(
      String endpoint,
      String region,
      String bucket,
      boolean pathStyle,
      String accessKey,
      String secretKey,
      int timeoutMillis) {}

  /** What the store holds for a key. */
  public record Copy(String sha256, long size, String etag) {}

  private final Store store;
  private final S3Client client;

  public S3Verifier(Store store) {
    this.store = store;
    AwsCredentialsProvider credentials =
        store.accessKey() == null
            ? DefaultCredentialsProvider.builder().build()
            : StaticCredentialsProvider.create(
                AwsBasicCredentials.create(store.accessKey(), store.secretKey()));
    var builder =
        S3Client.builder()
            .region(Region.of(store.region()))
            .credentialsProvider(credentials)
            // no CRC32 trailer on uploads nor checks on downloads: every copy is proven end to end
            // by its SHA-256 metadata and the ETag the store computed (verify), and the CRC cost
            // CPU on every byte
            .requestChecksumCalculation(
                software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(
                software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(store.pathStyle()).build())
            .overrideConfiguration(
                c ->
                    c.apiCallTimeout(Duration.ofMillis(store.timeoutMillis()))
                        .apiCallAttemptTimeout(Duration.ofMillis(store.timeoutMillis())));
    if (store.endpoint() != null) {
      builder.endpointOverride(URI.create(store.endpoint()));
    }
    this.client = builder.build();
  }

  public S3Client client() {
    return client;
  }

  /** What is stored under {@code key}, or empty when nothing is. */
  public Optional<Copy> find(String key) throws IOException {
    try {
      HeadObjectResponse head =
          client.headObject(HeadObjectRequest.builder().bucket(store.bucket()).key(key).build());
      return Optional.of(
          new Copy(
              head.metadata().get(SHA256_METADATA),
              head.contentLength(),
              head.eTag() == null ? null : head.eTag().replace("\"", "")));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw new IOException("HEAD s3://" + store.bucket() + "/" + key + ": " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new IOException("HEAD s3://" + store.bucket() + "/" + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * Checks the object against the local artifact; returns the method that proved it, or throws
   * {@link VerificationException}.
   */
  public String verify(String key, Path local, String sha256, long size) throws IOException {
    Copy copy =
        find(key)
            .orElseThrow(
                () ->
                    new VerificationException(
                        "s3://" + store.bucket() + "/" + key + " is missing"));
    return verify(key, copy, local, sha256, size);
  }

  /** As {@link #verify(String, Path, String, long)}, on what a HEAD already returned. */
  public String verify(String key, Copy copy, Path local, String sha256, long size)
      throws IOException {
    if (!sha256.equals(copy.sha256()) || copy.size() != size) {
      throw new VerificationException(
          "s3://"
              + store.bucket()
              + "/"
              + key
              + " holds SHA-256 "
              + copy.sha256()
              + " ("
              + copy.size()
              + " bytes), expected "
              + sha256
              + " ("
              + size
              + " bytes)");
    }
    if (copy.etag() != null && copy.etag().matches("[0-9a-fA-F]{32}")) {
      String md5 = md5(local);
      if (!md5.equalsIgnoreCase(copy.etag())) {
        throw new VerificationException(
            "s3://"
                + store.bucket()
                + "/"
                + key
                + " has ETag "
                + copy.etag()
                + ", the file's MD5 is "
                + md5);
      }
      return HEAD_SHA256_MD5;
    }
    return HEAD_SHA256; // a multipart ETag is not an MD5 of the content
  }

  /**
   * True when {@code there} holds the bytes of {@code local}: by our SHA-256 metadata, else (an
   * object put by us but not yet stamped, or by someone else) by its ETag, computed here for a
   * single put (a plain MD5) or a multipart put of {@code partSize} bytes (an ETag ending in -N).
   */
  public boolean sameContent(Copy there, Path local, String sha256, long partSize)
      throws IOException {
    if (there.sha256() != null) {
      return there.sha256().equals(sha256);
    }
    return there.etag() != null
        && there.size() == Files.size(local)
        && there.etag().equalsIgnoreCase(etagOf(local, partSize, there.etag().contains("-")));
  }

  /** The ETag S3 gives {@code file}: its MD5, or for a multipart put MD5(part MD5s)-N. */
  static String etagOf(Path file, long partSize, boolean multipart) throws IOException {
    long size = Files.size(file);
    if (!multipart) {
      return md5(file);
    }
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest whole = MessageDigest.getInstance("MD5");
      byte[] buf = new byte[64 * 1024];
      int parts = 0;
      for (long left = size; left > 0; left -= partSize) {
        MessageDigest part = MessageDigest.getInstance("MD5");
        long n = Math.min(partSize, left);
        while (n > 0) {
          int r = in.read(buf, 0, (int) Math.min(buf.length, n));
          if (r < 0) {
            throw new IOException(file + " shrank while it was hashed");
          }
          part.update(buf, 0, r);
          n -= r;
        }
        whole.update(part.digest());
        parts++;
      }
      return HexFormat.of().formatHex(whole.digest()) + "-" + parts;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes our SHA-256 into an object's metadata by copying it onto itself. Needed after a
   * multipart put: Camel 4.17's aws2-s3 producer drops the metadata header on that path.
   */
  public void stamp(String key, String sha256) throws IOException {
    try {
      client.copyObject(
          CopyObjectRequest.builder()
              .sourceBucket(store.bucket())
              .sourceKey(key)
              .destinationBucket(store.bucket())
              .destinationKey(key)
              .metadata(java.util.Map.of(SHA256_METADATA, sha256))
              .metadataDirective(MetadataDirective.REPLACE)
              .build());
    } catch (SdkException e) {
      throw new IOException(
          "cannot set the metadata of s3://" + store.bucket() + "/" + key + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * Aborts the multipart uploads of {@code key} that never completed (a process killed in the
   * middle): their parts are invisible but stored, and billed. Returns how many.
   */
  public int abortUnfinished(String key) throws IOException {
    try {
      int n = 0;
      for (var upload :
          client
              .listMultipartUploads(
                  software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest.builder()
                      .bucket(store.bucket())
                      .prefix(key)
                      .build())
              .uploads()) {
        if (upload.key().equals(key)) {
          client.abortMultipartUpload(
              software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest.builder()
                  .bucket(store.bucket())
                  .key(key)
                  .uploadId(upload.uploadId())
                  .build());
          n++;
        }
      }
      return n;
    } catch (SdkException e) {
      throw new IOException(
          "cannot list the unfinished uploads of s3://"
              + store.bucket()
              + "/"
              + key
              + ": "
              + e.getMessage(),
          e);
    }
  }

  private static String md5(Path file) throws IOException {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("MD5"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
