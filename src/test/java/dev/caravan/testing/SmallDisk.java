package dev.caravan.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small file system of its own (tmpfs, mounted by the test as root) that a test can fill up and
 * free again: a disk full for real, ENOSPC from the kernel, not an injected exception.
 */
public final class SmallDisk implements AutoCloseable {

  private final Path mountPoint;
  private final Path filler;

  private SmallDisk(Path mountPoint) {
    this.mountPoint = mountPoint;
    this.filler = mountPoint.resolve("filler");
  }

  /** Whether this machine lets the test mount a tmpfs (root, mount(8) allowed). */
  public static boolean possible() {
    return "root".equals(System.getProperty("user.name"))
        && Files.isExecutable(Path.of("/bin/mount"));
  }

  /** Mounts a tmpfs of {@code megabytes} at {@code mountPoint} (made if missing). */
  public static SmallDisk mount(Path mountPoint, int megabytes) throws Exception {
    Files.createDirectories(mountPoint);
    run("mount", "-t", "tmpfs", "-o", "size=" + megabytes + "m", "tmpfs", mountPoint.toString());
    return new SmallDisk(mountPoint);
  }

  /** Writes a hidden filler file until the disk is full, but for {@code leaveBytes}. */
  public void fill(long leaveBytes) throws IOException {
    long free = Files.getFileStore(mountPoint).getUsableSpace();
    long write = Math.max(0, free - leaveBytes);
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (write > 0) {
        int n = (int) Math.min(block.length, write);
        out.write(block, 0, n);
        write -= n;
      }
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).contains("No space left")) {
        throw e;
      }
    }
  }

  /** Grows (or shrinks) the file system to {@code megabytes}, as an operator adding a disk. */
  public void resize(long megabytes) throws Exception {
    run("mount", "-o", "remount,size=" + megabytes + "m", mountPoint.toString());
  }

  /** Frees what {@link #fill} took. */
  public void free() throws IOException {
    Files.deleteIfExists(filler);
  }

  public long usable() throws IOException {
    return Files.getFileStore(mountPoint).getUsableSpace();
  }

  @Override
  public void close() throws Exception {
    run("umount", "-l", mountPoint.toString());
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }
}
