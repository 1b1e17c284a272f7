package dev.caravan.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real S3 API: S3Proxy (filesystem backend) as a child process on a free loopback port, from the
 * jar the build copies to {@code target/s3proxy/} (never on our classpath: its dependencies fight
 * Camel's).
 */
public final class S3TestServer implements AutoCloseable {

  public static final String ACCESS_KEY = "caravan-access", SECRET_KEY = "caravan-secret-key";

  private final Process process;
  private final int port;
  private final Path data;

  public S3TestServer(Path dir) throws Exception {
    Path jar = Path.of("target", "s3proxy", "s3proxy.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          jar + " is missing: run the tests through Maven (it copies it)");
    }
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    data = Files.createDirectories(dir.resolve("s3-data"));
    Path props =
        Files.writeString(
            dir.resolve("s3proxy.properties"),
            "s3proxy.endpoint=http://127.0.0.1:"
                + port
                + "\n"
                + "s3proxy.authorization=aws-v2-or-v4\n"
                + "s3proxy.identity="
                + ACCESS_KEY
                + "\n"
                + "s3proxy.credential="
                + SECRET_KEY
                + "\n"
                + "jclouds.provider=filesystem\n"
                + "jclouds.filesystem.basedir="
                + data
                + "\n");
    process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                jar.toString(),
                "--properties",
                props.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("s3proxy.log").toFile())
            .start();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        break;
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() > end) {
          process.destroyForcibly();
          throw new IllegalStateException(
              "S3Proxy did not start; see " + dir.resolve("s3proxy.log"), e);
        }
        Thread.sleep(100);
      }
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** A client of {@code bucket} here, to create buckets and read objects back. */
  public dev.caravan.deliver.S3Verifier admin(String bucket) {
    return new dev.caravan.deliver.S3Verifier(
        new dev.caravan.deliver.S3Verifier.Store(
            endpoint(), "us-east-1", bucket, true, ACCESS_KEY, SECRET_KEY, 30_000));
  }

  /** Where the filesystem backend keeps a bucket's objects. */
  public Path bucketDir(String bucket) {
    return data.resolve(bucket);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      // gone before the test's folder is deleted: a process still writing there fails the cleanup
      process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }
  }
}
