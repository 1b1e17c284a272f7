package dev.caravan.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Syncing to disk, for every step that writes a file the ledger will then name (landing, derived
 * files, the archive): a power cut cannot leave the ledger pointing at bytes the disk never got.
 */
public final class Durable {

  private Durable() {}

  /** A file written by someone else (Camel's file producer): its bytes, then its folder's entry. */
  public static void sync(Path file) throws IOException {
    try (FileChannel f = FileChannel.open(file, StandardOpenOption.READ)) {
      f.force(true);
    }
    syncFolder(file.getParent());
  }

  /**
   * A finished temporary file into place: synced, renamed over {@code target} (atomically where the
   * file system can), and the rename made durable. Readers see the old file or the whole new one.
   */
  public static void publish(Path temp, Path target) throws IOException {
    try (FileChannel f = FileChannel.open(temp, StandardOpenOption.READ)) {
      f.force(true);
    }
    moveIntoPlace(temp, target);
  }

  /**
   * A temporary file already synced, renamed over {@code target} (atomically where the file system
   * can), and the rename made durable.
   */
  public static void moveIntoPlace(Path temp, Path target) throws IOException {
    try {
      java.nio.file.Files.move(
          temp,
          target,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (java.nio.file.AtomicMoveNotSupportedException e) {
      java.nio.file.Files.move(temp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    syncFolder(target.getParent());
  }

  /** Makes a rename in {@code folder} durable (the folder's entry); a no-op where not supported. */
  public static void syncFolder(Path folder) {
    try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open a folder as a channel; its renames are journaled by NTFS
    }
  }
}
